"""Following cases: /cases (newest first, in pages), one case with its documents and public
timeline, buttons under the notifications, and withdrawing a case after confirming."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CommandHandler, ConversationHandler, MessageHandler

from bot import field_rules
from bot.field_rules import FieldError
from bot.i18n import Translator
from bot.i18n_marker import N_
from bot.kernel.errors import VersionConflict
from bot.runtime import BotContext
from bot.workflow import Action
from handlers import common
from handlers.feature import Feature
from handlers.foundation import case_render, pickup_render, render, states
from handlers.foundation.buttons import (
    CaseOpen,
    Cases,
    ConfirmWithdraw,
    KeepCase,
    StartCorrecting,
    Withdraw,
)
from handlers.foundation.wizard_ui import ANYTHING_ELSE, FILE, TYPED
from handlers.inflight import Step, drop, load, save
from handlers.replies import fit
from handlers.respond import Press, message_of, on_message, on_press, say, user_id
from storage.models import OutboxMessage, User

_CORRECTION_REQUESTED = N_("notify.member.correction_requested")


class Withdrawal(Step):
    """A withdrawal under way: which case, at which version, and the reason once typed."""

    key = "foundation_withdraw"
    case: int
    version: int
    reason: str | None = None


async def _listing(
    context: BotContext, uid: int, page: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    listing = await context.services.foundations.cases_page(uid, page)
    t = context.t
    return case_render.list_text(listing, t), render.keyboard(case_render.list_rows(listing, t))


async def cases_command(update: Update, context: BotContext, user: User) -> None:
    text, markup = await _listing(context, user.id, 0)
    await say(update, text, markup)


async def cases_pressed(press: Press[Cases]) -> None:
    text, markup = await _listing(press.context, press.user.id, press.button.page)
    await press.edit(fit(text), markup)


async def open_pressed(press: Press[CaseOpen]) -> None:
    await show_case(press.update, press.context, press.button.case)


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


async def withdraw_pressed(press: Press[Withdraw]) -> object:
    case_id, version = press.button.case, press.button.version
    view = await press.services.foundations.case_view(press.user.id, case_id)
    if Action.WITHDRAW not in view.actions or view.case.version != version:
        # Something happened since the person last looked: show it as it is now.
        await show_case(press.update, press.context, case_id, press.t.t("common.conflict"))
        return ConversationHandler.END
    await press.done()
    save(press.context, Withdrawal(case=case_id, version=version))
    t = press.t
    await press.send(
        t.t("foundation.withdraw.ask_reason", tracking_no=view.case.tracking_no),
        _cancel_keyboard(t),
    )
    return states.WITHDRAWING


def _cancel_keyboard(t: Translator) -> InlineKeyboardMarkup | None:
    return render.keyboard([[render.button(t.t("foundation.button.keep_case"), KeepCase())]])


async def reason_typed(update: Update, context: BotContext, user: User) -> object:
    assert update.effective_message is not None
    t = context.t
    pending = load(context, Withdrawal)
    if pending is None:
        return ConversationHandler.END
    try:
        reason = field_rules.withdrawal_reason(update.effective_message.text or "")
    except FieldError as error:
        await say(update, message_of(error, t), _cancel_keyboard(t))
        return None
    save(context, pending.model_copy(update={"reason": reason}))
    confirm = ConfirmWithdraw(case=pending.case, version=pending.version)
    rows = [
        [render.button(t.t("foundation.button.withdraw_confirm"), confirm)],
        [render.button(t.t("foundation.button.keep_case"), KeepCase())],
    ]
    await say(update, t.t("foundation.withdraw.confirm", reason=reason), render.keyboard(rows))
    return None


async def reason_expected(update: Update, context: BotContext, user: User) -> object:
    await say(update, context.t.t("foundation.withdraw.type_reason"), _cancel_keyboard(context.t))
    return None


async def withdraw_confirmed(press: Press[ConfirmWithdraw]) -> object:
    pending = load(press.context, Withdrawal)
    case_id, version = press.button.case, press.button.version
    if pending is None or pending.case != case_id or not pending.reason:
        press.stale()
        return None
    try:
        outcome = await press.services.application.withdraw(
            press.user.id, case_id, version, pending.reason
        )
    except VersionConflict as error:
        await press.done()
        await show_case(press.update, press.context, case_id, message_of(error, press.t))
        return ConversationHandler.END
    finally:
        # Refused or not, this withdrawal is over (the case is shown as it is now).
        drop(press.context, Withdrawal)
    await press.done()
    await press.send(press.t.t("foundation.withdraw.done", tracking_no=outcome.case.tracking_no))
    return ConversationHandler.END


async def withdraw_cancelled(press: Press[KeepCase]) -> object:
    await press.done()
    drop(press.context, Withdrawal)
    await press.send(press.t.t("foundation.withdraw.kept"))
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
                    t.t("foundation.button.start_correcting"),
                    StartCorrecting(case=message.case_id),
                )
            ]
        )
    # An appointment is answered right under it (confirm, or ask for another time).
    rows += pickup_render.notification_rows(message, t)
    rows.append([render.button(t.t("foundation.button.open_case"), CaseOpen(case=message.case_id))])
    return render.keyboard(rows)


def feature() -> Feature:
    return Feature(
        name="foundation_tracking",
        buttons=(Cases, CaseOpen, Withdraw, ConfirmWithdraw, KeepCase),
        handlers=[
            CommandHandler("cases", on_message(cases_command), filters=common.PRIVATE),
            on_press(Cases, cases_pressed),
            on_press(CaseOpen, open_pressed),
        ],
        conversation=states.FOUNDATION,
        entry_points=[on_press(Withdraw, withdraw_pressed)],
        states={
            states.WITHDRAWING: [
                MessageHandler(TYPED, on_message(reason_typed)),
                MessageHandler(FILE | ANYTHING_ELSE, on_message(reason_expected)),
                on_press(ConfirmWithdraw, withdraw_confirmed),
                on_press(KeepCase, withdraw_cancelled),
            ]
        },
        notification_buttons={"foundation": notification_buttons},
    )
