"""Following cases: /cases (newest first, in pages), one case with its documents and public
timeline, buttons under the notifications, and withdrawing a case after confirming."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
)

from bot import field_rules
from bot.field_rules import FieldError
from bot.i18n import Translator
from bot.i18n_marker import N_
from bot.kernel.errors import VersionConflict
from bot.outbox import register_buttons
from bot.runtime import BotContext
from bot.workflow import Action, WorkflowError
from handlers import common
from handlers.foundation import buttons, case_render, pickup_render, render, states
from handlers.foundation.respond import (
    done_with,
    message_of,
    pressed,
    refuse,
    say,
    stale,
    user_data,
    user_id,
)
from handlers.foundation.wizard_ui import ANYTHING_ELSE, FILE, TYPED
from handlers.replies import edit_query_message
from storage.models import OutboxMessage

Handler = BaseHandler[Update, BotContext, object]

# While a reason is typed: which case, at which version. JSON-safe for PTB's persistence.
_WITHDRAW = "foundation_withdraw"
_CORRECTION_REQUESTED = N_("notify.member.correction_requested")


async def cases_command(update: Update, context: BotContext) -> None:
    await _list(update, context, 0)


async def cases_pressed(update: Update, context: BotContext) -> None:
    data = pressed(update, buttons.CASES)
    if data is None:
        await stale(update, context)
        return
    await _list(update, context, data.number(0))


async def _list(update: Update, context: BotContext, page: int) -> None:
    t = context.t
    try:
        listing = await context.services.foundations.cases_page(user_id(update), page)
    except WorkflowError as error:
        await refuse(update, context, error)
        return
    text = case_render.list_text(listing, t)
    markup = render.keyboard(case_render.list_rows(listing, t))
    query = update.callback_query
    if query is None:
        await say(update, text, markup)
        return
    await query.answer()
    await edit_query_message(query, render.fit(text), markup)


async def open_pressed(update: Update, context: BotContext) -> None:
    data = pressed(update, buttons.CASE_OPEN)
    if data is None:
        await stale(update, context)
        return
    query = update.callback_query
    assert query is not None
    try:
        await show_case(update, context, data.number(0))
    except WorkflowError as error:
        await refuse(update, context, error)
        return
    await query.answer()


async def show_case(
    update: Update, context: BotContext, case_id: int, note: str | None = None
) -> None:
    """The case as it is now; raises ``CaseNotFound`` for anyone not of its foundation."""
    t = context.t
    view = await context.services.foundations.case_view(user_id(update), case_id)
    text = case_render.view_text(view, context.services.checklist, t)
    if note:
        text = note + "\n\n" + text
    await say(update, text, render.keyboard(case_render.view_rows(view, t)))


# --- withdrawing ---------------------------------------------------------------------------------


async def withdraw_pressed(update: Update, context: BotContext) -> object:
    data = pressed(update, buttons.WITHDRAW)
    query = update.callback_query
    if data is None or query is None:
        await stale(update, context)
        return ConversationHandler.END
    case_id, version = data.number(0), data.number(1)
    try:
        view = await context.services.foundations.case_view(user_id(update), case_id)
    except WorkflowError as error:
        await refuse(update, context, error)
        return ConversationHandler.END
    if Action.WITHDRAW not in view.actions or view.case.version != version:
        # Something happened since the person last looked: show it as it is now.
        await query.answer()
        await show_case(update, context, case_id, context.t.t("common.conflict"))
        return ConversationHandler.END
    await query.answer()
    await done_with(query)
    user_data(context)[_WITHDRAW] = {"case": case_id, "version": version}
    t = context.t
    await say(
        update,
        t.t("foundation.withdraw.ask_reason", tracking_no=view.case.tracking_no),
        _cancel_keyboard(t),
    )
    return states.WITHDRAWING


def _cancel_keyboard(t: Translator) -> InlineKeyboardMarkup | None:
    return render.keyboard(
        [[render.button(t.t("foundation.button.keep_case"), buttons.WITHDRAW_CANCEL)]]
    )


async def reason_typed(update: Update, context: BotContext) -> object:
    assert update.effective_message is not None
    t = context.t
    pending = user_data(context).get(_WITHDRAW)
    if not isinstance(pending, dict):
        return ConversationHandler.END
    try:
        reason = field_rules.withdrawal_reason(update.effective_message.text or "")
    except FieldError as error:
        await say(update, message_of(error, context), _cancel_keyboard(t))
        return None
    pending["reason"] = reason
    case_id, version = int(pending["case"]), int(pending["version"])
    rows = [
        [
            render.button(
                t.t("foundation.button.withdraw_confirm"),
                buttons.WITHDRAW_CONFIRM,
                case_id,
                version,
            )
        ],
        [render.button(t.t("foundation.button.keep_case"), buttons.WITHDRAW_CANCEL)],
    ]
    await say(update, t.t("foundation.withdraw.confirm", reason=reason), render.keyboard(rows))
    return None


async def reason_expected(update: Update, context: BotContext) -> object:
    await say(update, context.t.t("foundation.withdraw.type_reason"), _cancel_keyboard(context.t))
    return None


async def withdraw_confirmed(update: Update, context: BotContext) -> object:
    data = pressed(update, buttons.WITHDRAW_CONFIRM)
    query = update.callback_query
    pending = user_data(context).get(_WITHDRAW)
    if (
        data is None
        or query is None
        or not isinstance(pending, dict)
        or pending.get("case") != data.number(0)
        or not pending.get("reason")
    ):
        await stale(update, context)
        return None
    case_id, version = data.number(0), data.number(1)
    try:
        outcome = await context.services.application.withdraw(
            user_id(update), case_id, version, str(pending["reason"])
        )
    except VersionConflict as error:
        await query.answer()
        await done_with(query)
        user_data(context).pop(_WITHDRAW, None)
        await show_case(update, context, case_id, message_of(error, context))
        return ConversationHandler.END
    except WorkflowError as error:
        await refuse(update, context, error)
        user_data(context).pop(_WITHDRAW, None)
        return ConversationHandler.END
    await query.answer()
    await done_with(query)
    user_data(context).pop(_WITHDRAW, None)
    await say(update, context.t.t("foundation.withdraw.done", tracking_no=outcome.case.tracking_no))
    return ConversationHandler.END


async def withdraw_cancelled(update: Update, context: BotContext) -> object:
    query = update.callback_query
    assert query is not None
    await query.answer()
    await done_with(query)
    user_data(context).pop(_WITHDRAW, None)
    await say(update, context.t.t("foundation.withdraw.kept"))
    return ConversationHandler.END


# --- buttons under notifications -------------------------------------------------------------


def notification_buttons(message: OutboxMessage, t: Translator) -> InlineKeyboardMarkup | None:
    """Members' notifications open the case; a request for correction can be started at once."""
    if message.case_id is None or not message.msg_id.startswith("notify.member."):
        return None
    rows: render.Rows = []
    if message.msg_id == _CORRECTION_REQUESTED:
        rows.append(
            [
                render.button(
                    t.t("foundation.button.start_correcting"), buttons.FIX_START, message.case_id
                )
            ]
        )
    # An appointment is answered right under it (confirm, or ask for another time).
    rows += pickup_render.notification_rows(message, t)
    rows.append(
        [render.button(t.t("foundation.button.open_case"), buttons.CASE_OPEN, message.case_id)]
    )
    return render.keyboard(rows)


def entry_points() -> list[Handler]:
    return [
        CallbackQueryHandler(withdraw_pressed, pattern=buttons.pattern(buttons.WITHDRAW.prefix))
    ]


def conversation_states() -> dict[object, list[Handler]]:
    return {
        states.WITHDRAWING: [
            MessageHandler(TYPED, reason_typed),
            MessageHandler(FILE | ANYTHING_ELSE, reason_expected),
            CallbackQueryHandler(
                withdraw_confirmed, pattern=buttons.pattern(buttons.WITHDRAW_CONFIRM.prefix)
            ),
            CallbackQueryHandler(
                withdraw_cancelled, pattern=buttons.pattern(buttons.WITHDRAW_CANCEL.prefix)
            ),
        ]
    }


def handlers() -> list[Handler]:
    register_buttons("foundation", notification_buttons)
    return [
        CommandHandler("cases", cases_command, filters=common.PRIVATE),
        CallbackQueryHandler(cases_pressed, pattern=buttons.pattern(buttons.CASES.prefix)),
        CallbackQueryHandler(open_pressed, pattern=buttons.pattern(buttons.CASE_OPEN.prefix)),
    ]
