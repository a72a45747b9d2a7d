"""Case actions: check the rules, then change the case, log the event and queue notifications.

Every public method is one transaction. The person is read from the database inside that
transaction (never trusted from a button), the case's version is compared with the version the
person saw, and the UPDATE itself repeats that comparison, so two decisions on the same version
cannot both win even from two processes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from bot import workflow as wf
from bot.checklist import Checklist
from bot.i18n import encode_params
from bot.i18n_marker import N_
from bot.reminders import Clock as ReminderClock
from bot.reminders import Stage, next_clock
from bot.services.errors import CaseNotFound, InvalidInput, StaleAppointment, VersionConflict
from bot.workdays import WorkCalendar
from bot.workflow import Action, Actor, CaseFacts, CaseRef, Role, Status
from storage import appointments as appointments_repo
from storage import attachments as attachments_repo
from storage import cases as cases_repo
from storage import events as events_repo
from storage import foundations as foundations_repo
from storage import outbox as outbox_repo
from storage import users as users_repo
from storage.appointments import Appointment, AppointmentState
from storage.cases import StaleVersion
from storage.db import Database
from storage.models import Attachment, Case, CaseEvent, User, Verdict

CERTIFICATE_ITEM = "certificate"
# What a notification shows where an optional comment, reason or note was left empty, so that
# no line ends in a bare "Officer's comment:".
NOTHING_SAID = N_("common.nothing_said")
MAX_COMMENT = 2000
MAX_RECEIPT = 40
MAX_PLACE = 300
MAX_NOTE = 500

Clock = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class FileMeta:
    """A file already checked and stored by its SHA-256 (see ``bot.files.FileStore``)."""

    file_name: str
    mime_type: str
    size: int
    sha256: str
    telegram_file_id: str = ""


@dataclass(frozen=True, slots=True)
class Outcome:
    case: Case
    event: CaseEvent | None
    outbox_ids: tuple[int, ...] = ()


SYSTEM_ACTOR = Actor(user_id=0, role=Role.SYSTEM)


def actor_of(user: User | None, user_id: int) -> Actor:
    if user is None:
        return Actor(user_id=user_id, role=Role.NONE)
    return Actor(
        user_id=user.id,
        role=user.role,
        active=user.active,
        foundation_id=user.foundation_id,
        province=user.province,
    )


def _ref(case: Case) -> CaseRef:
    return CaseRef(status=case.status, foundation_id=case.foundation_id, province=case.province)


def _text(value: str | None, *, required: bool, limit: int = MAX_COMMENT) -> str | None:
    cleaned = (value or "").strip()
    if not cleaned:
        if required:
            raise InvalidInput(N_("error.text_required"))
        return None
    if len(cleaned) > limit:
        raise InvalidInput(N_("error.text_too_long"), limit=limit)
    return cleaned


@dataclass(frozen=True, slots=True)
class _Note:
    """One notification to queue: who, which message, with what."""

    recipients: Sequence[User]
    kind: str
    msg_id: str
    params: Mapping[str, Any]
    attachment_id: int | None = None


class CaseService:
    def __init__(
        self,
        db: Database,
        checklist: Checklist,
        clock: Clock,
        calendar: WorkCalendar | None = None,
    ) -> None:
        self.db = db
        self.checklist = checklist
        self.clock = clock
        self.calendar = calendar or WorkCalendar()

    # ----- reading -------------------------------------------------------------------------

    async def actor(self, user_id: int) -> Actor:
        return actor_of(await users_repo.get(self.db.conn, user_id), user_id)

    async def get_visible(self, user_id: int, case_id: int) -> Case:
        """The case, if this person may see it; otherwise the same 'not found' as a bad id."""
        case = await cases_repo.get(self.db.conn, case_id)
        if case is None or not wf.may_see(await self.actor(user_id), _ref(case)):
            raise CaseNotFound()
        return case

    async def facts(self, case_id: int) -> CaseFacts:
        return await self._facts(self.db.conn, case_id)

    async def _facts(
        self,
        conn: aiosqlite.Connection,
        case_id: int,
        *,
        has_comment: bool = False,
        has_reason: bool = False,
        has_receipt_number: bool = False,
    ) -> CaseFacts:
        current = await attachments_repo.current(conn, case_id)
        appointment = await appointments_repo.latest_for_case(conn, case_id)
        documents = [a for a in current if a.item != CERTIFICATE_ITEM]
        present = {a.item for a in documents}
        required = {i.key for i in self.checklist.required}
        flagged = sum(1 for a in documents if a.verdict == "needs_correction")
        reviewed = {a.item for a in documents if a.verdict in ("complete", "correct")}
        pending_items = {a.item for a in documents if a.verdict not in ("complete", "correct")}
        return CaseFacts(
            missing_required=len(required - present),
            flagged_attachments=flagged,
            # A required item counts as reviewed only when every file of it is.
            unreviewed_required=len(required - (reviewed - pending_items)),
            has_comment=has_comment,
            has_reason=has_reason,
            has_receipt_number=has_receipt_number,
            # The current appointment, not the event: superseding keeps exactly one.
            has_pickup=appointment is not None,
            pickup_reschedule_requested=appointment is not None
            and appointment.state == "reschedule_requested",
            has_certificate_scan=any(a.item == CERTIFICATE_ITEM for a in current),
            corrected_flagged=flagged == 0,
        )

    # ----- the one path every change takes --------------------------------------------------

    async def _apply(
        self,
        user_id: int,
        case_id: int,
        version: int | None,
        action: Action,
        *,
        facts: Mapping[str, bool] | None = None,
        change: Callable[[aiosqlite.Connection, Case, Status], Awaitable[dict[str, Any]]]
        | None = None,
        public_comment: str | None = None,
        internal_note: str | None = None,
        data: dict[str, Any] | None = None,
        notify: Callable[[aiosqlite.Connection, Case], Awaitable[list[_Note]]] | None = None,
        system: bool = False,
    ) -> Outcome:
        """Check, change, log and notify in one transaction.

        ``version`` None is only for actions that do not depend on what was seen (notes).
        ``change`` does extra writes and returns the case fields to update.
        ``system`` is the bot's own scheduled work: no person acts, the event has no actor.
        """
        now = self.clock()
        async with self.db.transaction() as conn:
            case = await cases_repo.get(conn, case_id)
            actor = (
                SYSTEM_ACTOR if system else actor_of(await users_repo.get(conn, user_id), user_id)
            )
            if case is None or not wf.may_see(actor, _ref(case)):
                raise CaseNotFound()
            case_facts = await self._facts(conn, case_id, **(facts or {}))
            seen_old = version is not None and version != case.version
            try:
                new_status = wf.check(action, actor, _ref(case), case_facts)
            except wf.NotAllowed:
                raise
            except wf.WorkflowError:
                # Someone who acted on an old view is shown the case as it is now, rather
                # than told that their action no longer fits a status they never saw.
                if seen_old:
                    raise VersionConflict(case.version) from None
                raise
            if seen_old:
                raise VersionConflict(case.version)
            fields: dict[str, Any] = await change(conn, case, new_status) if change else {}
            if new_status is not case.status:
                fields["status"] = new_status
                if new_status in wf.TERMINAL:
                    fields["closed_at"] = now
                fields.update(self._clock_fields(case, new_status, now))
            updated = case
            if version is not None:
                try:
                    updated = await cases_repo.update(conn, case_id, version, now, **fields)
                except StaleVersion as stale:
                    raise VersionConflict(stale.current) from None
            event = await events_repo.append(
                conn,
                case_id=case_id,
                actor_id=None if system else user_id,
                action=action.value,
                from_status=case.status,
                to_status=updated.status,
                now=now,
                public_comment=public_comment,
                internal_note=internal_note,
                data=data,
            )
            outbox_ids: list[int] = []
            for note in await notify(conn, updated) if notify else []:
                for person in note.recipients:
                    if person.id == user_id:
                        continue  # the person acting sees the result in their own reply
                    outbox_ids.append(
                        await outbox_repo.enqueue(
                            conn,
                            recipient_id=person.id,
                            case_id=case_id,
                            event_id=event.id,
                            attachment_id=note.attachment_id,
                            kind=note.kind,
                            msg_id=note.msg_id,
                            params=encode_params(note.params),
                            now=now,
                        )
                    )
        return Outcome(updated, event, tuple(outbox_ids))

    def _clock_fields(self, case: Case, new_status: Status, now: datetime) -> dict[str, Any]:
        """The stage clock after this change, kept with the case for the reminder scan."""
        clock = next_clock(
            stage_clock(case), new_status, self.calendar.ordinal(self.calendar.local_date(now)), now
        )
        return {
            "clock_stage": clock.stage.value if clock.stage else None,
            "clock_base": clock.base,
            "clock_carried": clock.carried,
            "applicant_since": clock.applicant_since,
        }

    # ----- who is told ----------------------------------------------------------------------

    async def _members(self, conn: aiosqlite.Connection, case: Case) -> list[User]:
        return await users_repo.members_of(conn, case.foundation_id)

    async def _officers(self, conn: aiosqlite.Connection, case: Case) -> list[User]:
        return await users_repo.office_for(conn, case.province)

    def _to_members(
        self, kind: str, msg_id: str, **params: Any
    ) -> Callable[[aiosqlite.Connection, Case], Awaitable[list[_Note]]]:
        async def build(conn: aiosqlite.Connection, case: Case) -> list[_Note]:
            full = {"tracking_no": case.tracking_no, "volunteer": case.volunteer_name, **params}
            return [_Note(await self._members(conn, case), kind, msg_id, full)]

        return build

    def _to_officers(
        self, kind: str, msg_id: str, **extra: Any
    ) -> Callable[[aiosqlite.Connection, Case], Awaitable[list[_Note]]]:
        async def build(conn: aiosqlite.Connection, case: Case) -> list[_Note]:
            foundation = await foundations_repo.get(conn, case.foundation_id)
            params = {
                "tracking_no": case.tracking_no,
                "volunteer": case.volunteer_name,
                "foundation": _per_language(
                    foundation.name_th if foundation else "",
                    foundation.name_en if foundation else "",
                ),
                **extra,
            }
            return [_Note(await self._officers(conn, case), kind, msg_id, params)]

        return build

    # ----- foundation side ------------------------------------------------------------------

    async def create_draft(
        self,
        user_id: int,
        *,
        volunteer_name: str,
        passport_no: str,
        details: dict[str, Any],
        tracking_prefix: str = "VC",
    ) -> Case:
        now = self.clock()
        async with self.db.transaction() as conn:
            user = await users_repo.get(conn, user_id)
            if user is None or user.role is not Role.MEMBER or not user.active:
                raise wf.NotAllowed(N_("error.not_allowed"))
            assert user.foundation_id is not None  # the schema's CHECK guarantees it
            foundation = await foundations_repo.get(conn, user.foundation_id)
            assert foundation is not None
            case = await cases_repo.create_draft(
                conn,
                foundation_id=foundation.id,
                province=str(details.get("work_province") or foundation.province),
                created_by=user_id,
                volunteer_name=volunteer_name,
                passport_no=passport_no,
                details=details,
                tracking_prefix=tracking_prefix,
                now=now,
            )
            await events_repo.append(
                conn,
                case_id=case.id,
                actor_id=user_id,
                action="create_draft",
                from_status=None,
                to_status=Status.DRAFT,
                now=now,
            )
        return case

    async def upload_attachment(
        self, user_id: int, case_id: int, version: int, item: str, file: FileMeta, slot: int = 0
    ) -> tuple[Outcome, Attachment]:
        checklist_item = self.checklist.get(item)
        if checklist_item is None:
            raise InvalidInput(N_("error.unknown_document_item"))
        if slot and not checklist_item.multiple:
            raise InvalidInput(N_("error.unknown_document_item"))
        added: list[Attachment] = []

        async def change(conn: aiosqlite.Connection, case: Case, _: Status) -> dict[str, Any]:
            added.append(await self._store_attachment(conn, case, item, slot, file, user_id))
            return {}

        outcome = await self._apply(
            user_id,
            case_id,
            version,
            Action.UPLOAD_ATTACHMENT,
            change=change,
            data={"item": item, "slot": slot, "sha256": file.sha256, "file_name": file.file_name},
        )
        return outcome, added[0]

    async def _store_attachment(
        self,
        conn: aiosqlite.Connection,
        case: Case,
        item: str,
        slot: int,
        file: FileMeta,
        user_id: int,
    ) -> Attachment:
        return await attachments_repo.add_revision(
            conn,
            case_id=case.id,
            item=item,
            slot=slot,
            file_name=file.file_name,
            mime_type=file.mime_type,
            size=file.size,
            sha256=file.sha256,
            telegram_file_id=file.telegram_file_id,
            uploaded_by=user_id,
            now=self.clock(),
        )

    async def submit(self, user_id: int, case_id: int, version: int) -> Outcome:
        async def change(conn: aiosqlite.Connection, case: Case, _: Status) -> dict[str, Any]:
            return {"submitted_at": self.clock()}

        return await self._apply(
            user_id,
            case_id,
            version,
            Action.SUBMIT,
            change=change,
            notify=self._both(
                self._to_officers("new_case", N_("notify.officer.new_case")),
                self._to_members("submitted", N_("notify.member.submitted")),
            ),
        )

    async def resubmit(
        self, user_id: int, case_id: int, version: int, comment: str | None = None
    ) -> Outcome:
        return await self._apply(
            user_id,
            case_id,
            version,
            Action.RESUBMIT,
            public_comment=_text(comment, required=False),
            notify=self._both(
                self._to_officers("resubmitted", N_("notify.officer.resubmitted")),
                self._to_members("resubmitted", N_("notify.member.resubmitted")),
            ),
        )

    async def withdraw(self, user_id: int, case_id: int, version: int, reason: str) -> Outcome:
        text = _text(reason, required=True)
        return await self._apply(
            user_id,
            case_id,
            version,
            Action.WITHDRAW,
            public_comment=text,
            notify=self._both(
                self._to_officers("withdrawn", N_("notify.officer.withdrawn")),
                self._to_members("withdrawn", N_("notify.member.withdrawn"), reason=text),
            ),
        )

    async def update_draft(
        self,
        user_id: int,
        case_id: int,
        version: int,
        *,
        volunteer_name: str,
        passport_no: str,
        details: dict[str, Any],
        province: str,
    ) -> Outcome:
        """The foundation changed its draft; the province follows the volunteer's workplace."""

        async def change(conn: aiosqlite.Connection, case: Case, _: Status) -> dict[str, Any]:
            return {
                "volunteer_name": volunteer_name,
                "passport_no": passport_no,
                "details": details,
                "province": province,
            }

        return await self._apply(user_id, case_id, version, Action.EDIT_DRAFT, change=change)

    async def resubmit_corrected(
        self,
        user_id: int,
        case_id: int,
        version: int,
        *,
        details: dict[str, Any] | None = None,
        comment: str | None = None,
    ) -> Outcome:
        """Resubmit, changing the volunteer's details in the same step when the officer asked."""
        changed: list[str] = []

        async def change(conn: aiosqlite.Connection, case: Case, _: Status) -> dict[str, Any]:
            merged = {**case.details, **(details or {})}
            changed.extend(sorted(k for k in merged if merged[k] != case.details.get(k)))
            if not changed:
                return {}
            return {
                "details": merged,
                "volunteer_name": str(merged.get("full_name") or case.volunteer_name),
                "passport_no": str(merged.get("passport_no") or case.passport_no),
            }

        return await self._apply(
            user_id,
            case_id,
            version,
            Action.RESUBMIT,
            change=change,
            public_comment=_text(comment, required=False),
            data={"changed_fields": changed},
            notify=self._both(
                self._to_officers("resubmitted", N_("notify.officer.resubmitted")),
                self._to_members("resubmitted", N_("notify.member.resubmitted")),
            ),
        )

    # ----- office side ----------------------------------------------------------------------

    async def claim(self, user_id: int, case_id: int, version: int) -> Outcome:
        async def change(conn: aiosqlite.Connection, case: Case, _: Status) -> dict[str, Any]:
            return {"claimed_by": user_id}

        return await self._apply(
            user_id,
            case_id,
            version,
            Action.CLAIM,
            change=change,
            data={"claimed_by": user_id},
        )

    async def take_over(self, user_id: int, case_id: int, version: int) -> Outcome:
        """Claim a case a colleague had claimed; the event keeps whose it was."""
        data: dict[str, Any] = {"claimed_by": user_id, "taken_from": None}

        async def change(conn: aiosqlite.Connection, case: Case, _: Status) -> dict[str, Any]:
            data["taken_from"] = case.claimed_by  # filled before the event is written
            return {"claimed_by": user_id}

        return await self._apply(user_id, case_id, version, Action.CLAIM, change=change, data=data)

    async def mark_remaining(
        self, user_id: int, case_id: int, version: int, verdict: Verdict
    ) -> Outcome:
        """Mark, in one step, every current document not yet judged at this stage.

        Preliminary check: unmarked documents become ``complete`` (flagged ones keep their
        mark). Consideration: every document not yet ``correct`` becomes ``correct``.
        """
        marked: list[int] = []
        now = self.clock()

        async def change(conn: aiosqlite.Connection, case: Case, _: Status) -> dict[str, Any]:
            stage = "correct" if case.status is Status.AWAITING_CONSIDERATION else "complete"
            if verdict != stage:
                raise InvalidInput(N_("error.verdict_not_for_stage"))
            for a in await attachments_repo.current(conn, case_id):
                waiting = a.verdict is None if stage == "complete" else a.verdict != "correct"
                if a.item != CERTIFICATE_ITEM and waiting:
                    await attachments_repo.set_verdict(conn, a.id, verdict, None, user_id, now)
                    marked.append(a.id)
            if not marked:
                raise InvalidInput(N_("officer.error.nothing_to_mark"))
            return {}

        return await self._apply(
            user_id,
            case_id,
            version,
            Action.MARK_ATTACHMENT,
            change=change,
            data={"verdict": verdict, "attachment_ids": marked},
        )

    async def add_internal_note(self, user_id: int, case_id: int, note: str) -> Outcome:
        # Notes never conflict with anything: they are appended, not edited.
        return await self._apply(
            user_id,
            case_id,
            None,
            Action.ADD_INTERNAL_NOTE,
            internal_note=_text(note, required=True),
        )

    async def mark_attachment(
        self,
        user_id: int,
        case_id: int,
        version: int,
        attachment_id: int,
        verdict: Verdict,
        reason: str | None = None,
    ) -> Outcome:
        reason_text = _text(reason, required=verdict == "needs_correction")

        async def change(conn: aiosqlite.Connection, case: Case, _: Status) -> dict[str, Any]:
            attachment = await attachments_repo.get(conn, attachment_id)
            current = await attachments_repo.current(conn, case_id)
            if attachment is None or attachment.case_id != case_id:
                raise InvalidInput(N_("error.attachment_not_found"))
            if attachment.id not in {a.id for a in current}:
                # Only the latest revision can be judged; older ones keep their verdict.
                raise InvalidInput(N_("error.attachment_superseded"))
            allowed = (
                {"correct"}
                if case.status is Status.AWAITING_CONSIDERATION
                else {"complete", "needs_correction"}
            )
            if verdict not in allowed:
                raise InvalidInput(N_("error.verdict_not_for_stage"))
            await attachments_repo.set_verdict(
                conn, attachment_id, verdict, reason_text, user_id, self.clock()
            )
            return {}

        return await self._apply(
            user_id,
            case_id,
            version,
            Action.MARK_ATTACHMENT,
            change=change,
            internal_note=None,
            data={"attachment_id": attachment_id, "verdict": verdict, "reason": reason_text},
        )

    async def request_correction(
        self,
        user_id: int,
        case_id: int,
        version: int,
        comment: str | None,
        internal_note: str | None = None,
    ) -> Outcome:
        text = _text(comment, required=False)
        flagged: list[dict[str, str]] = []

        async def change(conn: aiosqlite.Connection, case: Case, _: Status) -> dict[str, Any]:
            for a in await attachments_repo.current(conn, case_id):
                if a.verdict == "needs_correction":
                    item = self.checklist.get(a.item)
                    flagged.append(
                        {
                            "item": a.item,
                            "th": item.name_th if item else a.item,
                            "en": item.name_en if item else a.item,
                            "reason": a.verdict_reason or "",
                        }
                    )
            return {}

        async def notify(conn: aiosqlite.Connection, case: Case) -> list[_Note]:
            members = await self._members(conn, case)
            params = {
                "tracking_no": case.tracking_no,
                "volunteer": case.volunteer_name,
                "comment": text or NOTHING_SAID,
                "flagged": _flagged_list(flagged),
            }
            return [_Note(members, "correction", N_("notify.member.correction_requested"), params)]

        return await self._apply(
            user_id,
            case_id,
            version,
            Action.REQUEST_CORRECTION,
            facts={"has_comment": text is not None},
            change=change,
            public_comment=text,
            internal_note=_text(internal_note, required=False),
            data={"flagged": flagged},
            notify=notify,
        )

    async def return_not_eligible(
        self, user_id: int, case_id: int, version: int, reason: str
    ) -> Outcome:
        text = _text(reason, required=False)
        return await self._apply(
            user_id,
            case_id,
            version,
            Action.RETURN_NOT_ELIGIBLE,
            facts={"has_reason": text is not None},
            public_comment=text,
            notify=self._to_members(
                "returned", N_("notify.member.returned"), reason=text or NOTHING_SAID
            ),
        )

    async def documents_complete(
        self,
        user_id: int,
        case_id: int,
        version: int,
        receipt_no: str,
        comment: str | None = None,
    ) -> Outcome:
        receipt = _text(receipt_no, required=False, limit=MAX_RECEIPT)
        text = _text(comment, required=False)

        async def change(conn: aiosqlite.Connection, case: Case, _: Status) -> dict[str, Any]:
            assert receipt is not None  # the workflow guard refused an empty one
            if await cases_repo.receipt_taken(conn, case.province, receipt, case.id):
                raise InvalidInput(N_("error.receipt_number_taken"), receipt_no=receipt)
            return {"receipt_no": receipt}

        return await self._apply(
            user_id,
            case_id,
            version,
            Action.DOCUMENTS_COMPLETE,
            facts={"has_receipt_number": receipt is not None},
            change=change,
            public_comment=text,
            data={"receipt_no": receipt},
            notify=self._to_members(
                "documents_complete",
                N_("notify.member.documents_complete"),
                receipt_no=receipt or "",
                comment=text or NOTHING_SAID,
            ),
        )

    async def approve(
        self, user_id: int, case_id: int, version: int, comment: str | None = None
    ) -> Outcome:
        text = _text(comment, required=False)
        return await self._apply(
            user_id,
            case_id,
            version,
            Action.APPROVE,
            public_comment=text,
            notify=self._to_members(
                "approved", N_("notify.member.approved"), comment=text or NOTHING_SAID
            ),
        )

    async def not_approve(self, user_id: int, case_id: int, version: int, reason: str) -> Outcome:
        text = _text(reason, required=False)
        return await self._apply(
            user_id,
            case_id,
            version,
            Action.NOT_APPROVE,
            facts={"has_reason": text is not None},
            public_comment=text,
            notify=self._to_members(
                "not_approved", N_("notify.member.not_approved"), reason=text or NOTHING_SAID
            ),
        )

    async def send_for_signing(self, user_id: int, case_id: int, version: int) -> Outcome:
        return await self._apply(
            user_id,
            case_id,
            version,
            Action.SEND_FOR_SIGNING,
            notify=self._to_members("signing", N_("notify.member.sent_for_signing")),
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
        own place, so English readers get it in English. Whether the moment may be offered
        (office hours, holidays) is ``bot.issuance.slots``' question, asked by the caller.
        """
        if when.tzinfo is None:
            raise ValueError("pickup time must be timezone-aware")
        place_text = _text(place, required=True, limit=MAX_PLACE)
        place_en_text = _text(place_en, required=False, limit=MAX_PLACE)
        note_text = _text(note, required=False, limit=MAX_NOTE)
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
                    now=self.clock(),
                )
            )
            data["appointment_id"] = made[0].id  # filled before the event is written
            data["replaces"] = earlier.id if earlier else None
            return {}

        async def notify(conn: aiosqlite.Connection, case: Case) -> list[_Note]:
            msg_id = (
                N_("notify.member.pickup_rescheduled")
                if data["replaces"]
                else N_("notify.member.pickup_scheduled")
            )
            params = {
                "tracking_no": case.tracking_no,
                "volunteer": case.volunteer_name,
                "when": when,
                "place": _per_language(place_text or "", place_en_text or place_text or ""),
                "note": note_text or NOTHING_SAID,
                # For the buttons and the .ics file made when the message is sent.
                "appointment_id": made[0].id,
            }
            # kind "pickup": the outbox attaches the calendar file (handlers register it).
            return [_Note(await self._members(conn, case), "pickup", msg_id, params)]

        return await self._apply(
            user_id,
            case_id,
            version,
            Action.SCHEDULE_PICKUP,
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
        text = _text(reason, required=False, limit=MAX_NOTE)
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
        confirm = state == "confirmed"
        answered: list[Appointment] = []

        async def change(conn: aiosqlite.Connection, case: Case, _: Status) -> dict[str, Any]:
            current = await appointments_repo.latest_for_case(conn, case_id)
            if current is None or current.id != appointment_id:
                raise StaleAppointment(N_("issuance.error.appointment_superseded"))
            if current.state == state:
                raise StaleAppointment(
                    N_("issuance.error.already_confirmed")
                    if confirm
                    else N_("issuance.error.already_asked")
                )
            answered.append(
                await appointments_repo.answer(
                    conn, appointment_id, state=state, by=user_id, now=self.clock(), reason=reason
                )
            )
            return {}

        async def notify(conn: aiosqlite.Connection, case: Case) -> list[_Note]:
            appointment = answered[0]
            place = _per_language(appointment.place, appointment.place_in("en"))
            if confirm:
                build = self._to_officers(
                    "pickup_confirmed",
                    N_("notify.officer.pickup_confirmed"),
                    when=appointment.starts_at,
                    place=place,
                )
            else:
                build = self._to_officers(
                    "reschedule_requested",
                    N_("notify.officer.reschedule_requested"),
                    when=appointment.starts_at,
                    place=place,
                    reason=reason or NOTHING_SAID,
                )
            return await build(conn, case)

        return await self._apply(
            user_id,
            case_id,
            None,
            Action.CONFIRM_PICKUP if confirm else Action.REQUEST_RESCHEDULE,
            facts={"has_reason": confirm or reason is not None},
            change=change,
            public_comment=reason,
            data={"appointment_id": appointment_id},
            notify=notify,
        )

    async def upload_certificate(
        self, user_id: int, case_id: int, version: int, file: FileMeta
    ) -> tuple[Outcome, Attachment]:
        added: list[Attachment] = []

        async def change(conn: aiosqlite.Connection, case: Case, _: Status) -> dict[str, Any]:
            added.append(
                await self._store_attachment(conn, case, CERTIFICATE_ITEM, 0, file, user_id)
            )
            return {}

        outcome = await self._apply(
            user_id,
            case_id,
            version,
            Action.UPLOAD_CERTIFICATE,
            change=change,
            data={"sha256": file.sha256, "file_name": file.file_name},
        )
        return outcome, added[0]

    async def complete(
        self, user_id: int, case_id: int, version: int, comment: str | None = None
    ) -> Outcome:
        text = _text(comment, required=False)

        async def notify(conn: aiosqlite.Connection, case: Case) -> list[_Note]:
            scan = next(
                a
                for a in await attachments_repo.current(conn, case_id)
                if a.item == CERTIFICATE_ITEM
            )
            # The latest appointment, as the foundation last heard of it.
            pickup = await appointments_repo.latest_for_case(conn, case_id)
            assert pickup is not None  # the workflow guard requires one
            params = {
                "tracking_no": case.tracking_no,
                "volunteer": case.volunteer_name,
                "when": pickup.starts_at,
                "place": _per_language(pickup.place, pickup.place_in("en")),
                "comment": text or NOTHING_SAID,
            }
            members = await self._members(conn, case)
            return [
                _Note(
                    members,
                    "completed",
                    N_("notify.member.completed"),
                    params,
                    attachment_id=scan.id,
                )
            ]

        return await self._apply(
            user_id, case_id, version, Action.COMPLETE, public_comment=text, notify=notify
        )

    # ----- the bot's own scheduled work ------------------------------------------------------

    async def close_abandoned(self, case_id: int, version: int, days: int) -> Outcome:
        """Close a case whose correction never came (the reminder scan, after a final warning)."""
        return await self._apply(
            0,
            case_id,
            version,
            Action.CLOSE_ABANDONED,
            system=True,
            data={"days": days},
            notify=self._both(
                self._to_officers("abandoned", N_("notify.officer.abandoned")),
                self._to_members("abandoned", N_("notify.member.abandoned"), days=days),
            ),
        )

    # ----- helpers --------------------------------------------------------------------------

    @staticmethod
    def _both(
        *builders: Callable[[aiosqlite.Connection, Case], Awaitable[list[_Note]]],
    ) -> Callable[[aiosqlite.Connection, Case], Awaitable[list[_Note]]]:
        async def build(conn: aiosqlite.Connection, case: Case) -> list[_Note]:
            notes: list[_Note] = []
            for builder in builders:
                notes.extend(await builder(conn, case))
            return notes

        return build

    async def timeline(self, case_id: int) -> list[CaseEvent]:
        return await events_repo.for_case(self.db.conn, case_id)

    async def current_attachments(self, case_id: int) -> list[Attachment]:
        return await attachments_repo.current(self.db.conn, case_id)


def stage_clock(case: Case) -> ReminderClock:
    return ReminderClock(
        stage=Stage(case.clock_stage) if case.clock_stage else None,
        base=case.clock_base,
        carried=case.clock_carried,
        applicant_since=case.applicant_since,
    )


def _per_language(th: str, en: str) -> dict[str, str]:
    """A text given in both languages; the outbox picks the recipient's when it sends."""
    return {"th": th, "en": en}


def _flagged_list(flagged: list[dict[str, str]]) -> dict[str, str]:
    """The flagged documents as one text per language, chosen when the message is sent."""

    def lines(lang: str) -> str:
        return "\n".join(f"• {f[lang]}: {f['reason']}" for f in flagged)

    return _per_language(lines("th"), lines("en"))
