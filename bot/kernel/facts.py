"""What the workflow's guards need to know about a case's content (``CaseFacts``), read from
its current attachments and its pickup appointment."""

from __future__ import annotations

import aiosqlite

from bot.checklist import Checklist
from bot.kernel.inputs import CERTIFICATE_ITEM
from bot.workflow import CaseFacts
from storage import appointments as appointments_repo
from storage import attachments as attachments_repo


async def case_facts(
    conn: aiosqlite.Connection,
    checklist: Checklist,
    case_id: int,
    *,
    has_comment: bool = False,
    has_reason: bool = False,
    has_receipt_number: bool = False,
) -> CaseFacts:
    """The facts; what the person typed with the action (comment, reason, receipt) is passed."""
    current = await attachments_repo.current(conn, case_id)
    appointment = await appointments_repo.latest_for_case(conn, case_id)
    documents = [a for a in current if a.item != CERTIFICATE_ITEM]
    present = {a.item for a in documents}
    required = {i.key for i in checklist.required}
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
