"""The office's consideration (พิจารณา): approve once every document is marked correct, or not
approve with a reason. Marking documents correct is ``ReviewActions.mark_attachment``."""

from __future__ import annotations

from bot import workflow as wf
from bot.i18n_marker import N_
from bot.kernel.inputs import CERTIFICATE_ITEM, cleaned, said
from bot.kernel.kernel import CaseKernel, Outcome
from bot.kernel.notices import to_members
from bot.workflow import Action


class ConsiderationActions:
    def __init__(self, kernel: CaseKernel) -> None:
        self.kernel = kernel

    async def approve(
        self, user_id: int, case_id: int, version: int, comment: str | None = None
    ) -> Outcome:
        """Approve once every document is marked correct (manual: consideration, ถูกต้อง)."""
        await self.kernel.seen(user_id, case_id, version, staff=True)
        await self.require_all_correct(case_id)
        # The version check inside ``run`` guarantees the marks read above are current.
        text = cleaned(comment)
        return await self.kernel.run(
            Action.APPROVE,
            user_id,
            case_id,
            version,
            comment=text,
            notify=[to_members("approved", N_("notify.member.approved"), comment=said(text))],
        )

    async def require_all_correct(self, case_id: int) -> None:
        current = await self.kernel.current_attachments(case_id)
        wf.check_all_correct([a.verdict for a in current if a.item != CERTIFICATE_ITEM])

    async def not_approve(self, user_id: int, case_id: int, version: int, reason: str) -> Outcome:
        text = cleaned(reason)
        return await self.kernel.run(
            Action.NOT_APPROVE,
            user_id,
            case_id,
            version,
            facts={"has_reason": text is not None},
            comment=text,
            notify=[
                to_members("not_approved", N_("notify.member.not_approved"), reason=said(text))
            ],
        )
