"""What an officer is asked to type for a case action, and the summary of what they typed.

``Pending`` is the typed-so-far state of ``review_input``'s conversation, an in-flight step
(``handlers.inflight``: saved after every update, validated whenever it is read back).
"""

from __future__ import annotations

from typing import Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.checklist import Checklist
from bot.i18n import Translator
from bot.i18n_marker import N_, MsgId
from bot.kernel.errors import InvalidInput
from bot.runtime import BotContext
from bot.services.officers import CaseView
from bot.workflow import Action
from handlers import inflight
from handlers.officer.buttons import CancelAct, ConfirmText, SkipText
from handlers.officer.render import button, item_name

Act = Literal["fix", "note", "corr", "ret", "done", "appr", "napp"]
ACTION: dict[str, Action] = {
    "fix": Action.MARK_ATTACHMENT,
    "note": Action.ADD_INTERNAL_NOTE,
    "corr": Action.REQUEST_CORRECTION,
    "ret": Action.RETURN_NOT_ELIGIBLE,
    "done": Action.DOCUMENTS_COMPLETE,
    "appr": Action.APPROVE,
    "napp": Action.NOT_APPROVE,
}
PROMPT: dict[str, MsgId] = {
    "fix": N_("officer.prompt.fix"),
    "note": N_("officer.prompt.note"),
    "corr": N_("officer.prompt.correction"),
    "ret": N_("officer.prompt.return"),
    "done": N_("officer.prompt.receipt"),
    "appr": N_("officer.prompt.comment"),
    "napp": N_("officer.prompt.not_approve"),
}
SUMMARY: dict[str, MsgId] = {
    "fix": N_("officer.confirm.fix"),
    "note": N_("officer.confirm.note"),
    "corr": N_("officer.confirm.correction"),
    "ret": N_("officer.confirm.return"),
    "done": N_("officer.confirm.documents_complete"),
    "appr": N_("officer.confirm.approve"),
    "napp": N_("officer.confirm.not_approve"),
}


class Pending(inflight.Step):
    """What an officer is typing for, and what they typed so far."""

    key = "officer_pending"
    act: Act
    case_id: int
    version: int
    attachment_id: int = 0
    expects: Literal["text", "receipt", "comment", "confirm"] = "text"
    text: str | None = None
    receipt: str | None = None
    confirmations: int = 0


def load(context: BotContext) -> Pending | None:
    return inflight.load(context, Pending)


def save(context: BotContext, pending: Pending | None) -> None:
    """Keep what is typed so far; None: the officer is done with it."""
    if pending is None:
        inflight.drop(context, Pending)
    else:
        inflight.save(context, pending)


def optional(pending: Pending, view: CaseView) -> bool:
    """Whether the text asked for now may be left empty (the Skip button)."""
    if pending.act == "corr":
        return view.facts.flagged_attachments > 0
    return pending.act == "appr" or pending.expects == "comment"


def _flagged(t: Translator, view: CaseView, checklist: Checklist) -> str:
    lines = [
        t.t(
            "officer.flagged_item",
            item=item_name(checklist, a.item, t),
            reason=a.verdict_reason or "",
        )
        for a in view.documents
        if a.verdict == "needs_correction"
    ]
    return "\n".join(lines) or t.t("officer.flagged_none")


def _item(t: Translator, view: CaseView, pending: Pending, checklist: Checklist) -> str:
    attachment = next((a for a in view.attachments if a.id == pending.attachment_id), None)
    if attachment is None:
        raise InvalidInput(N_("error.attachment_superseded"))
    return item_name(checklist, attachment.item, t)


def prompt_screen(
    t: Translator, view: CaseView, pending: Pending, checklist: Checklist
) -> tuple[str, InlineKeyboardMarkup]:
    case = view.case
    msg_id = N_("officer.prompt.comment") if pending.expects == "comment" else PROMPT[pending.act]
    text = t.t(
        msg_id,
        tracking_no=case.tracking_no,
        item=_item(t, view, pending, checklist) if pending.act == "fix" else "",
        flagged=_flagged(t, view, checklist),
    )
    rows: list[list[InlineKeyboardButton]] = []
    if optional(pending, view):
        skip = SkipText(case=case.id, version=case.version)
        rows.append([button(t.t("officer.button.skip"), skip)])
    rows.append([button(t.t("officer.button.cancel"), CancelAct(case=case.id))])
    return text, InlineKeyboardMarkup(rows)


def summary_screen(
    t: Translator, view: CaseView, pending: Pending, checklist: Checklist
) -> tuple[str, InlineKeyboardMarkup]:
    case = view.case
    text = t.t(
        SUMMARY[pending.act],
        tracking_no=case.tracking_no,
        item=_item(t, view, pending, checklist) if pending.act == "fix" else "",
        flagged=_flagged(t, view, checklist),
        text=pending.text or "-",
        receipt_no=pending.receipt or "",
    )
    confirm = ConfirmText(case=case.id, version=pending.version, step=pending.confirmations + 1)
    markup = InlineKeyboardMarkup(
        [
            [button(t.t("officer.button.confirm"), confirm)],
            [button(t.t("officer.button.cancel"), CancelAct(case=case.id))],
        ]
    )
    return text, markup
