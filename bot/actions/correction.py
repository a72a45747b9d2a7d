"""The foundation's correction: the case goes back to the office with its new revisions (the
files themselves are uploaded with ``ApplicationActions.upload_attachment``)."""

from __future__ import annotations

from typing import Any

import aiosqlite

from bot.i18n_marker import N_
from bot.kernel.inputs import cleaned
from bot.kernel.kernel import CaseKernel, Outcome
from bot.kernel.notices import to_members, to_officers
from bot.workflow import Action, Status
from storage.models import Case


class CorrectionActions:
    def __init__(self, kernel: CaseKernel) -> None:
        self.kernel = kernel

    async def resubmit(
        self,
        user_id: int,
        case_id: int,
        version: int,
        comment: str | None = None,
        *,
        details: dict[str, Any] | None = None,
    ) -> Outcome:
        """Resubmit, changing the volunteer's details in the same step when the officer asked;
        the event lists the details changed."""
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

        return await self.kernel.run(
            Action.RESUBMIT,
            user_id,
            case_id,
            version,
            change=change,
            comment=cleaned(comment),
            data={"changed_fields": changed},
            notify=[
                to_officers("resubmitted", N_("notify.officer.resubmitted")),
                to_members("resubmitted", N_("notify.member.resubmitted")),
            ],
        )
