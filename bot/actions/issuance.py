"""Issuance (ออกใบรับรอง): sent for the governor's signature, the pickup appointment and the
foundation's answer to it, the signed scan, and completion.

Whether a pickup moment may be offered (office hours, holidays) is ``bot.issuance.slots``'
question, asked by ``IssuanceService`` before it calls ``schedule_pickup``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import aiosqlite

from bot import workflow as wf
from bot.i18n_marker import N_
from bot.kernel.errors import StaleAppointment
from bot.kernel.inputs import CERTIFICATE_ITEM, MAX_NOTE, MAX_PLACE, FileMeta, cleaned, said
from bot.kernel.kernel import CaseKernel, Outcome
from bot.kernel.notices import Notice, per_language, to_members, to_officers
from bot.workflow import Action, Status
from storage import appointments as appointments_repo
from storage import attachments as attachments_repo
from storage.appointments import Appointment, AppointmentState
from storage.models import Attachment, Case


class IssuanceActions:
    def __init__(self, kernel: CaseKernel) -> None:
        self.kernel = kernel

    async def send_for_signing(self, user_id: int, case_id: int, version: int) -> Outcome:
        return await self.kernel.run(
            Action.SEND_FOR_SIGNING,
            user_id,
            case_id,
            version,
            notify=[to_members("signing", N_("notify.member.sent_for_signing"))],
        )

    async def schedule_pickup(
        self,
        user_id: int,
        case_id: int,
        version: int,
        when: datetime,
        place: str,
        note: str | None = None,
        *,
        place_en: str | None = None,
    ) -> Outcome:
        """Set (or change) the pickup appointment; the one before it is superseded.

        ``place_en`` is the office's English address when the officer chose the office's
        own place, so English readers get it in English.
        """
        if when.tzinfo is None:
            raise ValueError("pickup time must be timezone-aware")
        place_text = cleaned(place, required=True, limit=MAX_PLACE)
        place_en_text = cleaned(place_en, limit=MAX_PLACE)
        note_text = cleaned(note, limit=MAX_NOTE)
        data: dict[str, Any] = {
            "when": when.isoformat(),
            "place": place_text,
            "place_en": place_en_text,
            "note": note_text,
        }
        made: list[Appointment] = []

        async def change(conn: aiosqlite.Connection, case: Case, _: Status) -> dict[str, Any]:
            earlier = await appointments_repo.latest_for_case(conn, case_id)
            assert place_text is not None  # required above
            made.append(
                await appointments_repo.create(
                    conn,
                    case_id=case_id,
                    starts_at=when,
                    place=place_text,
                    place_en=place_en_text,
                    note=note_text,
                    created_by=user_id,
                    now=self.kernel.clock(),
                )
            )
            data["appointment_id"] = made[0].id  # filled before the event is written
            data["replaces"] = earlier.id if earlier else None
            return {}

        def notify() -> list[Notice]:
            msg_id = (
                N_("notify.member.pickup_rescheduled")
                if data["replaces"]
                else N_("notify.member.pickup_scheduled")
            )
            # kind "pickup": the outbox attaches the calendar file; the appointment id is for
            # its buttons and that file.
            return [
                to_members(
                    "pickup",
                    msg_id,
                    when=when,
                    place=per_language(place_text or "", place_en_text or place_text or ""),
                    note=said(note_text),
                    appointment_id=made[0].id,
                )
            ]

        return await self.kernel.run(
            Action.SCHEDULE_PICKUP,
            user_id,
            case_id,
            version,
            change=change,
            data=data,
            notify=notify,
        )

    async def confirm_pickup(self, user_id: int, case_id: int, appointment_id: int) -> Outcome:
        """A member confirms they will collect at the current appointment."""
        return await self._answer_pickup(user_id, case_id, appointment_id, "confirmed", None)

    async def request_reschedule(
        self, user_id: int, case_id: int, appointment_id: int, reason: str
    ) -> Outcome:
        """A member asks for another time, saying why; the office is told and reschedules."""
        text = cleaned(reason, limit=MAX_NOTE)
        return await self._answer_pickup(
            user_id, case_id, appointment_id, "reschedule_requested", text
        )

    async def _answer_pickup(
        self,
        user_id: int,
        case_id: int,
        appointment_id: int,
        state: AppointmentState,
        reason: str | None,
    ) -> Outcome:
        # The buttons name the appointment, not the case version: an officer's unrelated step
        # (the scan, say) must not make a foundation's answer stale. The appointment's own
        # state makes a double tap, or an answer to a superseded time, change nothing.
        action = Action.CONFIRM_PICKUP if state == "confirmed" else Action.REQUEST_RESCHEDULE
        confirm = action is Action.CONFIRM_PICKUP
        answered: list[Appointment] = []

        async def change(conn: aiosqlite.Connection, case: Case, _: Status) -> dict[str, Any]:
            current = await appointments_repo.latest_for_case(conn, case_id)
            refusal = wf.pickup_answer_refusal(
                action,
                appointment_id,
                current.id if current else None,
                current.state if current else None,
            )
            if refusal is not None:
                raise StaleAppointment(refusal)
            answered.append(
                await appointments_repo.answer(
                    conn,
                    appointment_id,
                    state=state,
                    by=user_id,
                    now=self.kernel.clock(),
                    reason=reason,
                )
            )
            return {}

        def notify() -> list[Notice]:
            appointment = answered[0]
            when = appointment.starts_at
            place = per_language(appointment.place, appointment.place_in("en"))
            if confirm:
                msg_id = N_("notify.officer.pickup_confirmed")
                return [to_officers("pickup_confirmed", msg_id, when=when, place=place)]
            msg_id = N_("notify.officer.reschedule_requested")
            return [
                to_officers(
                    "reschedule_requested", msg_id, when=when, place=place, reason=said(reason)
                )
            ]

        return await self.kernel.run(
            action,
            user_id,
            case_id,
            None,
            facts={"has_reason": confirm or reason is not None},
            change=change,
            comment=reason,
            data={"appointment_id": appointment_id},
            notify=notify,
        )

    async def upload_certificate(
        self, user_id: int, case_id: int, version: int, file: FileMeta
    ) -> tuple[Outcome, Attachment]:
        added: list[Attachment] = []

        async def change(conn: aiosqlite.Connection, case: Case, _: Status) -> dict[str, Any]:
            added.append(
                await self.kernel.store_file(conn, case.id, CERTIFICATE_ITEM, 0, file, user_id)
            )
            return {}

        data = {"sha256": file.sha256, "file_name": file.file_name}
        outcome = await self.kernel.run(
            Action.UPLOAD_CERTIFICATE, user_id, case_id, version, change=change, data=data
        )
        return outcome, added[0]

    async def complete(
        self, user_id: int, case_id: int, version: int, comment: str | None = None
    ) -> Outcome:
        """Close the case: the foundation gets the signed scan and the pickup reminder."""
        text = cleaned(comment)
        told: list[Notice] = []

        async def change(conn: aiosqlite.Connection, case: Case, _: Status) -> dict[str, Any]:
            current = await attachments_repo.current(conn, case_id)
            scan = next(a for a in current if a.item == CERTIFICATE_ITEM)
            # The latest appointment, as the foundation last heard of it.
            pickup = await appointments_repo.latest_for_case(conn, case_id)
            assert pickup is not None  # the workflow guard requires one
            told.append(
                to_members(
                    "completed",
                    N_("notify.member.completed"),
                    attachment_id=scan.id,
                    when=pickup.starts_at,
                    place=per_language(pickup.place, pickup.place_in("en")),
                    comment=said(text),
                )
            )
            return {}

        return await self.kernel.run(
            Action.COMPLETE,
            user_id,
            case_id,
            version,
            change=change,
            comment=text,
            notify=lambda: told,
        )
