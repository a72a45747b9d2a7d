"""Case actions that need no typing: claim, take over, mark an attachment complete or correct,
mark the rest at once. Each shows a summary first (``oa``) and saves only when confirmed
(``ox``); the button carries the version the officer saw, so a double tap or a colleague's
change in between saves nothing twice and shows the case as it is now."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler

from bot.i18n_marker import N_
from bot.kernel.errors import InvalidInput, VersionConflict
from bot.kernel.kernel import Outcome
from bot.runtime import BotContext
from bot.services.officers import CaseView
from bot.workflow import ACTION_LABEL, Action, WorkflowError
from handlers.officer.buttons import AskAct, DoAct, ShowCase
from handlers.officer.case_view import render_case, show_fresh
from handlers.officer.render import button, item_name
from handlers.respond import Access, Press, on_press
from storage.models import Verdict

# What each act is, for the "saved" notice.
ACT_ACTION = {
    "claim": Action.CLAIM,
    "take": Action.CLAIM,
    "ok": Action.MARK_ATTACHMENT,
    "right": Action.MARK_ATTACHMENT,
    "allok": Action.MARK_ATTACHMENT,
    "allright": Action.MARK_ATTACHMENT,
}


def _buttons(press: Press[AskAct]) -> InlineKeyboardMarkup:
    t, asked = press.t, press.button
    confirm = DoAct(
        act=asked.act, case=asked.case, version=asked.version, attachment=asked.attachment
    )
    return InlineKeyboardMarkup(
        [
            [button(t.t("officer.button.confirm"), confirm)],
            [button(t.t("officer.button.cancel"), ShowCase(case=asked.case))],
        ]
    )


def _item(press: Press[AskAct], view: CaseView, attachment_id: int) -> str:
    attachment = next((a for a in view.attachments if a.id == attachment_id), None)
    if attachment is None:
        raise InvalidInput(N_("error.attachment_superseded"))
    return item_name(press.services.checklist, attachment.item, press.t)


def _summary(press: Press[AskAct], act: str, view: CaseView, attachment_id: int) -> str:
    t, case = press.t, view.case
    if act == "claim":
        return t.t("officer.confirm.claim", tracking_no=case.tracking_no)
    if act == "take":
        name = view.names.get(case.claimed_by or 0) or str(case.claimed_by)
        return t.t("officer.confirm.take_over", tracking_no=case.tracking_no, name=name)
    if act == "ok":
        item = _item(press, view, attachment_id)
        return t.t("officer.confirm.complete", tracking_no=case.tracking_no, item=item)
    if act == "right":
        item = _item(press, view, attachment_id)
        return t.t("officer.confirm.correct", tracking_no=case.tracking_no, item=item)
    checklist = press.services.checklist
    if act == "allok":
        names = [item_name(checklist, a.item, t) for a in view.documents if a.verdict is None]
        msg_id = N_("officer.confirm.all_complete")
    elif act == "allright":
        names = [item_name(checklist, a.item, t) for a in view.documents if a.verdict != "correct"]
        msg_id = N_("officer.confirm.all_correct")
    else:
        raise InvalidInput(N_("common.stale_button"))
    items = "\n".join(f"• {n}" for n in names)
    return t.t(msg_id, tracking_no=case.tracking_no, count=len(names), items=items)


async def ask_press(press: Press[AskAct]) -> None:
    asked = press.button
    view = await press.services.officers.case_view(press.user.id, asked.case)
    if view.case.version != asked.version:
        await show_fresh(press, asked.case)
        return
    await press.edit(_summary(press, asked.act, view, asked.attachment), _buttons(press))


async def _run(press: Press[DoAct]) -> Outcome:
    user, review = press.user.id, press.services.review
    act, case_id, version = press.button.act, press.button.case, press.button.version
    attachment_id = press.button.attachment
    if act == "claim":
        return await review.claim(user, case_id, version)
    if act == "take":
        return await review.take_over(user, case_id, version)
    if act in ("ok", "right"):
        verdict: Verdict = "complete" if act == "ok" else "correct"
        return await review.mark_attachment(user, case_id, version, attachment_id, verdict)
    if act in ("allok", "allright"):
        return await review.mark_remaining(
            user, case_id, version, "complete" if act == "allok" else "correct"
        )
    raise InvalidInput(N_("common.stale_button"))


async def do_press(press: Press[DoAct]) -> None:
    act, case_id = press.button.act, press.button.case
    try:
        await _run(press)
    except VersionConflict:
        await show_fresh(press, case_id)
        return
    except WorkflowError as error:
        text = press.t.t(error.msg_id, **error.params)
        press.say(text, alert=True)
        await render_case(press, case_id, notice=text)
        return
    notice = press.t.t("officer.saved", action=ACTION_LABEL[ACT_ACTION[act]])
    press.say(notice)
    await render_case(press, case_id, notice=notice)


def handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    """Part of the review feature (``review_input.feature``)."""
    return [
        on_press(AskAct, ask_press, access=Access.STAFF),
        on_press(DoAct, do_press, access=Access.STAFF),
    ]
