"""Case actions that need typing: a needs-correction reason, an internal note, and the results
of the preliminary check and of the consideration.

One persistent conversation: a button (``op``) asks for the text, the officer types it (the
receipt number is re-asked while the office already uses it), a summary is shown, and only
``oy`` saves. What was typed waits in ``user_data`` (saved after every update), validated by
``Pending``. Returning a case is final, so it asks for a second confirmation.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import (
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.i18n_marker import N_
from bot.kernel.errors import InvalidInput, VersionConflict
from bot.kernel.inputs import MAX_COMMENT, MAX_RECEIPT
from bot.runtime import BotContext
from bot.services.officers import CaseView
from bot.workflow import ACTION_LABEL, WorkflowError, check_before_typing
from handlers import common
from handlers.feature import Conversation, Feature, Handler
from handlers.officer import review
from handlers.officer.buttons import AskAct, CancelAct, ConfirmText, DoAct, PromptAct, SkipText
from handlers.officer.case_render import case_markup, case_text
from handlers.officer.case_view import render_case, show_fresh
from handlers.officer.prompts import (
    ACTION,
    Pending,
    load,
    optional,
    prompt_screen,
    save,
    summary_screen,
)
from handlers.officer.render import button
from handlers.respond import END, Access, Press, on_message, on_press
from storage.models import User

TEXT = "TEXT"


def _precheck(act: str, view: CaseView) -> None:
    """Refuse before asking for text what could not be saved anyway."""
    if act not in ACTION:
        raise InvalidInput(N_("common.stale_button"))
    check_before_typing(
        ACTION[act],
        view.actions,
        view.case.status,
        view.facts,
        flagging=act == "fix",
        not_correct=view.not_correct,
    )


async def prompt_press(press: Press[PromptAct]) -> object:
    pressed = press.button
    act, case_id, version, attachment_id = (
        pressed.act,
        pressed.case,
        pressed.version,
        pressed.attachment,
    )
    view = await press.services.officers.case_view(press.user.id, case_id)
    if view.case.version != version:
        await show_fresh(press, case_id)
        return END
    _precheck(act, view)
    pending = Pending.model_validate(
        {
            "act": act,
            "case_id": case_id,
            "version": version,
            "attachment_id": attachment_id,
            "expects": "receipt" if act == "done" else "text",
        }
    )
    text, markup = prompt_screen(press.t, view, pending, press.services.checklist)
    save(press.context, pending)
    await press.edit(text, markup)
    return TEXT


Reply = Callable[[str, InlineKeyboardMarkup | None], Awaitable[object]]


async def _accept(
    context: BotContext, user: User, pending: Pending, text: str | None, reply: Reply
) -> object:
    """Take the typed text (None: skipped) and ask for the next one, or show the summary."""
    t, services = context.t, context.services
    view = await services.officers.case_view(user.id, pending.case_id)
    if view.case.version != pending.version and pending.act != "note":
        save(context, None)
        notice = t.t("common.conflict")
        checklist = services.checklist
        await reply(case_text(t, checklist, view, notice), case_markup(t, checklist, view))
        return END
    if pending.expects == "receipt":
        assert text is not None
        if not await services.review.receipt_free(user.id, pending.case_id, text):
            taken = t.t("error.receipt_number_taken", receipt_no=text)
            prompt, markup = prompt_screen(t, view, pending, services.checklist)
            await reply(taken + "\n\n" + prompt, markup)
            return TEXT
        pending = pending.model_copy(update={"receipt": text, "expects": "comment"})
        save(context, pending)
        await reply(*prompt_screen(t, view, pending, services.checklist))
        return TEXT
    if text is None and not optional(pending, view):
        prompt, markup = prompt_screen(t, view, pending, services.checklist)
        await reply(t.t("error.text_required") + "\n\n" + prompt, markup)
        return TEXT
    pending = pending.model_copy(update={"text": text, "expects": "confirm"})
    save(context, pending)
    await reply(*summary_screen(t, view, pending, services.checklist))
    return END


async def text_message(update: Update, context: BotContext, user: User) -> object:
    message = update.effective_message
    assert message is not None and message.text is not None
    pending = load(context)
    if pending is None or pending.expects == "confirm":
        await message.reply_text(context.t.t("common.not_understood"))
        return END
    text = message.text.strip()
    limit = MAX_RECEIPT if pending.expects == "receipt" else MAX_COMMENT
    if not text:
        await message.reply_text(context.t.t("error.text_required"))
        return TEXT
    if len(text) > limit:
        await message.reply_text(context.t.t("error.text_too_long", limit=limit))
        return TEXT

    async def reply(body: str, markup: InlineKeyboardMarkup | None) -> object:
        return await message.reply_text(body, reply_markup=markup)

    return await _accept(context, user, pending, text, reply)


async def not_text(update: Update, context: BotContext, user: User) -> object:
    assert update.effective_message is not None
    await update.effective_message.reply_text(context.t.t("officer.error.expected_text"))
    return TEXT


async def skip_press(press: Press[SkipText]) -> object:
    pending = load(press.context)
    case_id, version = press.button.case, press.button.version
    if pending is None or (pending.case_id, pending.version) != (case_id, version):
        press.say(press.t.t("common.stale_button"), alert=True)
        return END

    async def reply(body: str, markup: InlineKeyboardMarkup | None) -> object:
        await press.edit(body, markup)
        return None

    return await _accept(press.context, press.user, pending, None, reply)


async def _execute(press: Press[ConfirmText], p: Pending) -> None:
    user, review = press.user.id, press.services.review
    if p.act == "fix":
        await review.mark_attachment(
            user, p.case_id, p.version, p.attachment_id, "needs_correction", p.text
        )
    elif p.act == "note":
        await review.add_internal_note(user, p.case_id, p.text or "")
    elif p.act == "corr":
        await review.request_correction(user, p.case_id, p.version, p.text)
    elif p.act == "ret":
        await review.return_not_eligible(user, p.case_id, p.version, p.text or "")
    elif p.act == "done":
        await review.documents_complete(user, p.case_id, p.version, p.receipt or "", p.text)
    elif p.act == "appr":
        await press.services.consideration.approve(user, p.case_id, p.version, p.text)
    else:
        await press.services.consideration.not_approve(user, p.case_id, p.version, p.text or "")


async def confirm_press(press: Press[ConfirmText]) -> object:
    case_id, version, step = press.button.case, press.button.version, press.button.step
    pending = load(press.context)
    t = press.t
    if (
        pending is None
        or pending.expects != "confirm"
        or (pending.case_id, pending.version) != (case_id, version)
    ):
        # A second tap after saving, or a summary replaced by a newer one.
        await show_fresh(press, case_id)
        return END
    if pending.act == "ret" and step == 1:
        # Returning is final: the first confirmation (or a double tap on it) asks once more.
        pending = pending.model_copy(update={"confirmations": 1})
        save(press.context, pending)
        view = await press.services.officers.case_view(press.user.id, case_id)
        final = t.t("officer.confirm.return_final", tracking_no=view.case.tracking_no)
        markup = InlineKeyboardMarkup(
            [
                [
                    button(
                        t.t("officer.button.return_final"),
                        ConfirmText(case=case_id, version=version, step=2),
                    )
                ],
                [button(t.t("officer.button.cancel"), CancelAct(case=case_id))],
            ]
        )
        await press.edit(final, markup)
        return END
    if step != pending.confirmations + 1:
        press.say(t.t("common.stale_button"), alert=True)
        return END
    try:
        await _execute(press, pending)
    except VersionConflict:
        save(press.context, None)
        await show_fresh(press, case_id)
        return END
    except InvalidInput as error:
        if error.msg_id != "error.receipt_number_taken":
            raise
        # A colleague used the number a moment ago: ask for another one.
        pending = pending.model_copy(update={"expects": "receipt", "receipt": None, "text": None})
        save(press.context, pending)
        view = await press.services.officers.case_view(press.user.id, case_id)
        prompt, markup = prompt_screen(t, view, pending, press.services.checklist)
        await press.edit(t.t(error.msg_id, **error.params) + "\n\n" + prompt, markup)
        return TEXT
    except WorkflowError:
        save(press.context, None)
        raise
    save(press.context, None)
    notice = t.t("officer.saved", action=ACTION_LABEL[ACTION[pending.act]])
    press.say(notice)
    await render_case(press, case_id, notice=notice)
    return END


async def cancel_press(press: Press[CancelAct]) -> object:
    save(press.context, None)
    await render_case(press, press.button.case, notice=press.t.t("officer.cancelled"))
    return END


async def cancel_command(update: Update, context: BotContext, user: User) -> object:
    assert update.effective_message is not None
    save(context, None)
    await update.effective_message.reply_text(context.t.t("common.cancelled"))
    return END


def _fallbacks() -> list[Handler]:
    return [
        on_press(CancelAct, cancel_press, access=Access.STAFF),
        CommandHandler(
            "cancel", on_message(cancel_command, access=Access.STAFF), filters=common.PRIVATE
        ),
    ]


OFFICER = Conversation(name="officer_review", fallbacks=_fallbacks)
"""The officer side's one conversation: typing for a case action, or an issuance step."""


def feature() -> Feature:
    staff = Access.STAFF
    return Feature(
        name="officer_review",
        buttons=(AskAct, DoAct, PromptAct, SkipText, ConfirmText, CancelAct),
        handlers=[
            # A Cancel button pressed after the conversation ended still shows the case.
            on_press(CancelAct, cancel_press, access=staff),
            *review.handlers(),
        ],
        conversation=OFFICER,
        entry_points=[
            on_press(PromptAct, prompt_press, access=staff),
            on_press(ConfirmText, confirm_press, access=staff),
        ],
        states={
            TEXT: [
                MessageHandler(
                    filters.TEXT & ~filters.COMMAND & common.PRIVATE,
                    on_message(text_message, access=staff),
                ),
                on_press(SkipText, skip_press, access=staff),
                MessageHandler(
                    ~filters.COMMAND & ~filters.UpdateType.EDITED & common.PRIVATE,
                    on_message(not_text, access=staff),
                ),
            ]
        },
    )
