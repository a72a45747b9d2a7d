"""The office's preliminary check (ตรวจสอบเบื้องต้น) and its document marks: claiming a case,
marking documents (also in consideration), internal notes, and the check's three results."""

from __future__ import annotations

from typing import Any

import aiosqlite

from bot import workflow as wf
from bot.i18n_marker import N_
from bot.kernel.errors import InvalidInput
from bot.kernel.inputs import CERTIFICATE_ITEM, MAX_RECEIPT, cleaned, said
from bot.kernel.kernel import CaseKernel, Outcome
from bot.kernel.notices import Notice, per_language, to_members
from bot.workflow import Action, Status
from storage import attachments as attachments_repo
from storage import cases as cases_repo
from storage.models import Case, Verdict


class ReviewActions:
    def __init__(self, kernel: CaseKernel) -> None:
        self.kernel = kernel

    # ----- claiming -----------------------------------------------------------------------

    async def claim(self, user_id: int, case_id: int, version: int) -> Outcome:
        """Take an unclaimed case; a colleague's claim needs ``take_over`` (asked first)."""
        case = await self.kernel.seen(user_id, case_id, version, staff=True)
        wf.check_claim(case.claimed_by, user_id, take_over=False)

        async def change(conn: aiosqlite.Connection, case: Case, _: Status) -> dict[str, Any]:
            return {"claimed_by": user_id}

        return await self.kernel.run(
            Action.CLAIM, user_id, case_id, version, change=change, data={"claimed_by": user_id}
        )

    async def take_over(self, user_id: int, case_id: int, version: int) -> Outcome:
        """Claim a case a colleague had claimed; the event keeps whose it was."""
        case = await self.kernel.seen(user_id, case_id, version, staff=True)
        wf.check_claim(case.claimed_by, user_id, take_over=True)
        data: dict[str, Any] = {"claimed_by": user_id, "taken_from": None}

        async def change(conn: aiosqlite.Connection, case: Case, _: Status) -> dict[str, Any]:
            data["taken_from"] = case.claimed_by  # filled before the event is written
            return {"claimed_by": user_id}

        return await self.kernel.run(
            Action.CLAIM, user_id, case_id, version, change=change, data=data
        )

    # ----- documents and notes --------------------------------------------------------------

    async def mark_attachment(
        self,
        user_id: int,
        case_id: int,
        version: int,
        attachment_id: int,
        verdict: Verdict,
        reason: str | None = None,
    ) -> Outcome:
        reason_text = cleaned(reason, required=verdict == "needs_correction")

        async def change(conn: aiosqlite.Connection, case: Case, _: Status) -> dict[str, Any]:
            attachment = await attachments_repo.get(conn, attachment_id)
            current = await attachments_repo.current(conn, case_id)
            if attachment is None or attachment.case_id != case_id:
                raise InvalidInput(N_("error.attachment_not_found"))
            if attachment.id not in {a.id for a in current}:
                # Only the latest revision can be judged; older ones keep their verdict.
                raise InvalidInput(N_("error.attachment_superseded"))
            if verdict not in wf.verdicts_for(case.status):
                raise InvalidInput(N_("error.verdict_not_for_stage"))
            await attachments_repo.set_verdict(
                conn, attachment_id, verdict, reason_text, user_id, self.kernel.clock()
            )
            return {}

        data = {"attachment_id": attachment_id, "verdict": verdict, "reason": reason_text}
        return await self.kernel.run(
            Action.MARK_ATTACHMENT, user_id, case_id, version, change=change, data=data
        )

    async def mark_remaining(
        self, user_id: int, case_id: int, version: int, verdict: Verdict
    ) -> Outcome:
        """Mark, in one step, every current document not yet judged at this stage (see
        ``workflow.awaits_mark``)."""
        marked: list[int] = []
        now = self.kernel.clock()

        async def change(conn: aiosqlite.Connection, case: Case, _: Status) -> dict[str, Any]:
            if verdict != wf.remaining_verdict(case.status):
                raise InvalidInput(N_("error.verdict_not_for_stage"))
            for a in await attachments_repo.current(conn, case_id):
                if a.item != CERTIFICATE_ITEM and wf.awaits_mark(a.verdict, case.status):
                    await attachments_repo.set_verdict(conn, a.id, verdict, None, user_id, now)
                    marked.append(a.id)
            if not marked:
                raise InvalidInput(N_("officer.error.nothing_to_mark"))
            return {}

        data = {"verdict": verdict, "attachment_ids": marked}
        return await self.kernel.run(
            Action.MARK_ATTACHMENT, user_id, case_id, version, change=change, data=data
        )

    async def add_internal_note(self, user_id: int, case_id: int, note: str) -> Outcome:
        # Notes never conflict with anything: they are appended, not edited.
        return await self.kernel.run(
            Action.ADD_INTERNAL_NOTE, user_id, case_id, None, note=cleaned(note, required=True)
        )

    # ----- the preliminary check's results --------------------------------------------------

    async def request_correction(
        self,
        user_id: int,
        case_id: int,
        version: int,
        comment: str | None,
        internal_note: str | None = None,
    ) -> Outcome:
        text = cleaned(comment)
        flagged: list[dict[str, str]] = []

        async def change(conn: aiosqlite.Connection, case: Case, _: Status) -> dict[str, Any]:
            for a in await attachments_repo.current(conn, case_id):
                if a.verdict == "needs_correction":
                    item = self.kernel.checklist.get(a.item)
                    flagged.append(
                        {
                            "item": a.item,
                            "th": item.name_th if item else a.item,
                            "en": item.name_en if item else a.item,
                            "reason": a.verdict_reason or "",
                        }
                    )
            return {}

        def notify() -> list[Notice]:
            msg_id = N_("notify.member.correction_requested")
            return [to_members("correction", msg_id, comment=said(text), flagged=_listed(flagged))]

        return await self.kernel.run(
            Action.REQUEST_CORRECTION,
            user_id,
            case_id,
            version,
            facts={"has_comment": text is not None},
            change=change,
            comment=text,
            note=cleaned(internal_note),
            data={"flagged": flagged},
            notify=notify,
        )

    async def return_not_eligible(
        self, user_id: int, case_id: int, version: int, reason: str
    ) -> Outcome:
        text = cleaned(reason)
        return await self.kernel.run(
            Action.RETURN_NOT_ELIGIBLE,
            user_id,
            case_id,
            version,
            facts={"has_reason": text is not None},
            comment=text,
            notify=[to_members("returned", N_("notify.member.returned"), reason=said(text))],
        )

    async def documents_complete(
        self,
        user_id: int,
        case_id: int,
        version: int,
        receipt_no: str,
        comment: str | None = None,
    ) -> Outcome:
        receipt = cleaned(receipt_no, limit=MAX_RECEIPT)
        text = cleaned(comment)

        async def change(conn: aiosqlite.Connection, case: Case, _: Status) -> dict[str, Any]:
            assert receipt is not None  # the workflow guard refused an empty one
            if await cases_repo.receipt_taken(conn, case.province, receipt, case.id):
                raise InvalidInput(N_("error.receipt_number_taken"), receipt_no=receipt)
            return {"receipt_no": receipt}

        msg_id = N_("notify.member.documents_complete")
        return await self.kernel.run(
            Action.DOCUMENTS_COMPLETE,
            user_id,
            case_id,
            version,
            facts={"has_receipt_number": receipt is not None},
            change=change,
            comment=text,
            data={"receipt_no": receipt},
            notify=[
                to_members(
                    "documents_complete", msg_id, receipt_no=receipt or "", comment=said(text)
                )
            ],
        )

    async def receipt_free(self, user_id: int, case_id: int, receipt_no: str) -> bool:
        """Whether the office has not used this receipt number yet (checked again on saving)."""
        case = await self.kernel.get_visible(user_id, case_id)
        conn = self.kernel.db.conn
        return not await cases_repo.receipt_taken(conn, case.province, receipt_no, case_id)


def _listed(flagged: list[dict[str, str]]) -> dict[str, str]:
    """The flagged documents as one text per language, chosen when the message is sent."""

    def lines(lang: str) -> str:
        return "\n".join(f"• {f[lang]}: {f['reason']}" for f in flagged)

    return per_language(lines("th"), lines("en"))
