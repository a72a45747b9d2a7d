"""A member answers the pickup appointment: confirm it, or ask for another time with a reason.

Both show a summary first and save only when confirmed. The buttons name the appointment: a
double tap is told "already confirmed", and an answer to a time the office has since changed
shows the appointment as it is now. Typing the reason is a state of the foundation
conversation (``conversation_states``); the other presses are ``handlers``.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ConversationHandler, MessageHandler

from bot.i18n import Translator, decode_params
from bot.kernel.errors import StaleAppointment
from bot.kernel.inputs import MAX_NOTE
from bot.outbox import register_document
from bot.runtime import BotContext, Services
from bot.workflow import Action, WorkflowError
from handlers.foundation import buttons, render
from handlers.foundation import pickup_buttons as codes
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
from handlers.foundation.tracking import show_case
from handlers.foundation.wizard_ui import ANYTHING_ELSE, FILE, TYPED
from storage.appointments import Appointment
from storage.models import Case, OutboxMessage

Handler = BaseHandler[Update, BotContext, object]

PICKUP_REASON = "pickup_reason"
# While a reason is typed: which case and appointment. JSON-safe for PTB's persistence.
_PENDING = "foundation_pickup_reason"
_SUPERSEDED = "issuance.error.appointment_superseded"


def _keep_rows(t: Translator) -> render.Rows:
    return [[render.button(t.t("issuance.member.button.keep"), codes.KEEP)]]


async def _stale_answer(
    update: Update, context: BotContext, case_id: int, error: StaleAppointment
) -> None:
    """A double tap is told so; an answer to a changed time also sees the current one."""
    await refuse(update, context, error)
    if error.msg_id == _SUPERSEDED:
        await show_case(update, context, case_id, message_of(error, context))


async def _answerable(
    update: Update, context: BotContext, spec_action: Action
) -> tuple[Case, Appointment] | None:
    query = update.callback_query
    spec = codes.CONFIRM if spec_action is Action.CONFIRM_PICKUP else codes.RESCHEDULE
    data = pressed(update, spec)
    if data is None or query is None:
        await stale(update, context)
        return None
    case_id, appointment_id = data.number(0), data.number(1)
    try:
        return await context.services.issuance.answerable(
            user_id(update), case_id, appointment_id, spec_action
        )
    except StaleAppointment as error:
        await _stale_answer(update, context, case_id, error)
    except WorkflowError as error:
        await refuse(update, context, error)
    return None


# --- confirming ----------------------------------------------------------------------------------


async def confirm_pressed(update: Update, context: BotContext) -> None:
    found = await _answerable(update, context, Action.CONFIRM_PICKUP)
    if found is None:
        return
    case, appointment = found
    t = context.t
    assert update.callback_query is not None
    await update.callback_query.answer()
    rows = [
        [
            render.button(
                t.t("issuance.member.button.confirm_yes"),
                codes.CONFIRMED,
                case.id,
                appointment.id,
            )
        ],
        *_keep_rows(t),
    ]
    text = t.t(
        "issuance.member.confirm",
        tracking_no=case.tracking_no,
        when=appointment.starts_at,
        place=appointment.place_in(t.lang),
    )
    await say(update, text, render.keyboard(rows))


async def confirmed_pressed(update: Update, context: BotContext) -> None:
    data = pressed(update, codes.CONFIRMED)
    query = update.callback_query
    if data is None or query is None:
        await stale(update, context)
        return
    case_id = data.number(0)
    try:
        await context.services.issuing.confirm_pickup(user_id(update), case_id, data.number(1))
    except StaleAppointment as error:
        await _stale_answer(update, context, case_id, error)
        await done_with(query)
        return
    except WorkflowError as error:
        await refuse(update, context, error)
        return
    await query.answer()
    await done_with(query)
    await say(update, context.t.t("issuance.member.confirmed"))


# --- asking for another time ------------------------------------------------------------------


async def reschedule_pressed(update: Update, context: BotContext) -> object:
    found = await _answerable(update, context, Action.REQUEST_RESCHEDULE)
    if found is None:
        return ConversationHandler.END
    case, appointment = found
    t = context.t
    assert update.callback_query is not None
    await update.callback_query.answer()
    user_data(context)[_PENDING] = {"case": case.id, "appointment": appointment.id}
    text = t.t(
        "issuance.member.ask_reason", tracking_no=case.tracking_no, when=appointment.starts_at
    )
    await say(update, text, render.keyboard(_keep_rows(t)))
    return PICKUP_REASON


async def reason_typed(update: Update, context: BotContext) -> object:
    assert update.effective_message is not None
    t = context.t
    pending = user_data(context).get(_PENDING)
    if not isinstance(pending, dict):
        return ConversationHandler.END
    reason = " ".join((update.effective_message.text or "").split())
    if not reason or len(reason) > MAX_NOTE:
        problem = (
            t.t("error.text_too_long", limit=MAX_NOTE)
            if reason
            else t.t("issuance.member.type_reason")
        )
        await say(update, problem, render.keyboard(_keep_rows(t)))
        return None
    pending["reason"] = reason
    rows = [
        [
            render.button(
                t.t("issuance.member.button.send_request"),
                codes.SEND_REQUEST,
                int(pending["case"]),
                int(pending["appointment"]),
            )
        ],
        *_keep_rows(t),
    ]
    await say(update, t.t("issuance.member.confirm_request", reason=reason), render.keyboard(rows))
    return None


async def reason_expected(update: Update, context: BotContext) -> object:
    t = context.t
    await say(update, t.t("issuance.member.type_reason"), render.keyboard(_keep_rows(t)))
    return None


async def request_sent(update: Update, context: BotContext) -> object:
    data = pressed(update, codes.SEND_REQUEST)
    query = update.callback_query
    pending = user_data(context).get(_PENDING)
    if (
        data is None
        or query is None
        or not isinstance(pending, dict)
        or (pending.get("case"), pending.get("appointment")) != (data.number(0), data.number(1))
        or not pending.get("reason")
    ):
        # A second tap after sending, or a summary replaced by a newer one.
        await stale(update, context)
        return None
    case_id = data.number(0)
    user_data(context).pop(_PENDING, None)
    try:
        await context.services.issuing.request_reschedule(
            user_id(update), case_id, data.number(1), str(pending["reason"])
        )
    except StaleAppointment as error:
        await _stale_answer(update, context, case_id, error)
        await done_with(query)
        return ConversationHandler.END
    except WorkflowError as error:
        await refuse(update, context, error)
        return ConversationHandler.END
    await query.answer()
    await done_with(query)
    await say(update, context.t.t("issuance.member.requested"))
    return ConversationHandler.END


async def keep_pressed(update: Update, context: BotContext) -> object:
    query = update.callback_query
    assert query is not None
    try:
        await context.services.foundations.member(user_id(update))
    except WorkflowError as error:
        await refuse(update, context, error)  # nobody's appointment but a member's
        return ConversationHandler.END
    await query.answer()
    await done_with(query)
    user_data(context).pop(_PENDING, None)
    await say(update, context.t.t("issuance.member.kept"))
    return ConversationHandler.END


# --- the calendar file --------------------------------------------------------------------------


async def calendar_file(
    message: OutboxMessage, t: Translator, services: Services
) -> tuple[bytes, str] | None:
    """The ``.ics`` under an appointment notification, made in the recipient's language."""
    appointment_id = decode_params(message.params).get("appointment_id")
    if not isinstance(appointment_id, int):
        return None
    return await services.issuance.ics(appointment_id, t)


# --- wiring -------------------------------------------------------------------------------------


def entry_points() -> list[Handler]:
    return [
        CallbackQueryHandler(reschedule_pressed, pattern=buttons.pattern(codes.RESCHEDULE.prefix))
    ]


def conversation_states() -> dict[object, list[Handler]]:
    return {
        PICKUP_REASON: [
            MessageHandler(TYPED, reason_typed),
            MessageHandler(FILE | ANYTHING_ELSE, reason_expected),
            CallbackQueryHandler(request_sent, pattern=buttons.pattern(codes.SEND_REQUEST.prefix)),
            CallbackQueryHandler(keep_pressed, pattern=buttons.pattern(codes.KEEP.prefix)),
        ]
    }


def handlers() -> list[Handler]:
    # Appointment notifications carry their calendar file, made when each is sent.
    register_document("pickup", calendar_file)
    return [
        CallbackQueryHandler(confirm_pressed, pattern=buttons.pattern(codes.CONFIRM.prefix)),
        CallbackQueryHandler(confirmed_pressed, pattern=buttons.pattern(codes.CONFIRMED.prefix)),
        CallbackQueryHandler(keep_pressed, pattern=buttons.pattern(codes.KEEP.prefix)),
        # Sent after the conversation ended (say, after a restart): stale, answered as such.
        CallbackQueryHandler(request_sent, pattern=buttons.pattern(codes.SEND_REQUEST.prefix)),
    ]
