"""The foundation's application: a draft case, its documents, submission and withdrawal."""

from __future__ import annotations

from typing import Any

import aiosqlite

from bot import workflow as wf
from bot.i18n_marker import N_
from bot.kernel.errors import InvalidInput
from bot.kernel.inputs import FileMeta, cleaned
from bot.kernel.kernel import CaseKernel, Outcome
from bot.kernel.notices import to_members, to_officers
from bot.workflow import Action, Role, Status
from storage import cases as cases_repo
from storage import events as events_repo
from storage import foundations as foundations_repo
from storage import users as users_repo
from storage.models import Attachment, Case


class ApplicationActions:
    def __init__(self, kernel: CaseKernel) -> None:
        self.kernel = kernel

    async def create_draft(
        self,
        user_id: int,
        *,
        volunteer_name: str,
        passport_no: str,
        details: dict[str, Any],
        tracking_prefix: str = "VC",
    ) -> Case:
        """A new draft case; its office is the volunteer's workplace (else the foundation's)."""
        # Not ``run``: there is no case yet to check a version or a status of.
        now = self.kernel.clock()
        async with self.kernel.db.transaction() as conn:
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
        """A document's file (a new revision): in the draft, or when correcting."""
        checklist_item = self.kernel.checklist.get(item)
        if checklist_item is None or (slot and not checklist_item.multiple):
            raise InvalidInput(N_("error.unknown_document_item"))
        added: list[Attachment] = []

        async def change(conn: aiosqlite.Connection, case: Case, _: Status) -> dict[str, Any]:
            added.append(await self.kernel.store_file(conn, case.id, item, slot, file, user_id))
            return {}

        data = {"item": item, "slot": slot, "sha256": file.sha256, "file_name": file.file_name}
        outcome = await self.kernel.run(
            Action.UPLOAD_ATTACHMENT, user_id, case_id, version, change=change, data=data
        )
        return outcome, added[0]

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

        return await self.kernel.run(Action.EDIT_DRAFT, user_id, case_id, version, change=change)

    async def submit(self, user_id: int, case_id: int, version: int) -> Outcome:
        async def change(conn: aiosqlite.Connection, case: Case, _: Status) -> dict[str, Any]:
            return {"submitted_at": self.kernel.clock()}

        return await self.kernel.run(
            Action.SUBMIT,
            user_id,
            case_id,
            version,
            change=change,
            notify=[
                to_officers("new_case", N_("notify.officer.new_case")),
                to_members("submitted", N_("notify.member.submitted")),
            ],
        )

    async def withdraw(self, user_id: int, case_id: int, version: int, reason: str) -> Outcome:
        text = cleaned(reason, required=True)
        return await self.kernel.run(
            Action.WITHDRAW,
            user_id,
            case_id,
            version,
            comment=text,
            notify=[
                to_officers("withdrawn", N_("notify.officer.withdrawn")),
                to_members("withdrawn", N_("notify.member.withdrawn"), reason=text),
            ],
        )
