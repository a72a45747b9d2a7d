"""A member answers the pickup appointment: confirm it, or ask for another time with a reason.

Both show a summary first and save only when confirmed. The buttons name the appointment: a
double tap is told "already confirmed", and an answer to a time the office has since changed
shows the appointment as it is now. Typing the reason is a state of the foundation
conversation (``conversation_states``); the other presses are ``handlers``.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ConversationHandler, MessageHandler

from bot.i18n import Translator, decode_params
from bot.kernel.errors import StaleAppointment
from bot.kernel.inputs import MAX_NOTE
from bot.runtime import BotContext, Services
from bot.workflow import Action
from handlers.feature import Feature
from handlers.foundation import render
from handlers.foundation.buttons import (
    AskReschedule,
    ConfirmPickup,
    KeepAppointment,
    PickupSummary,
    SendReschedule,
)
from handlers.foundation.states import FOUNDATION
from handlers.foundation.tracking import show_case
from handlers.foundation.wizard_ui import ANYTHING_ELSE, FILE, TYPED
from handlers.inflight import Step, drop, load, save
from handlers.respond import Press, message_of, on_message, on_press, say
from storage.appointments import Appointment
from storage.models import Case, OutboxMessage, User

PICKUP_REASON = "pickup_reason"
_SUPERSEDED = "issuance.error.appointment_superseded"


class RescheduleRequest(Step):
    """Asking for another time: which case and appointment, and the reason once typed."""

    key = "foundation_pickup_reason"
    case: int
    appointment: int
    reason: str | None = None


def _keep_rows(t: Translator) -> render.Rows:
    return [[render.button(t.t("issuance.member.button.keep"), KeepAppointment())]]


async def _stale_answer(press: Press[object], case_id: int, error: StaleAppointment) -> None:
    """A double tap is told so; an answer to a changed time also sees the current one."""
    press.refuse(error)
    if error.msg_id == _SUPERSEDED:
        await show_case(press.update, press.context, case_id, message_of(error, press.t))


async def _answerable(
    press: Press[PickupSummary | AskReschedule], action: Action
) -> tuple[Case, Appointment] | None:
    case_id, appointment_id = press.button.case, press.button.appointment
    try:
        return await press.services.issuance.answerable(
            press.user.id, case_id, appointment_id, action
        )
    except StaleAppointment as error:
        await _stale_answer(press, case_id, error)
    return None


# --- confirming ----------------------------------------------------------------------------------


async def confirm_pressed(press: Press[PickupSummary]) -> None:
    found = await _answerable(press, Action.CONFIRM_PICKUP)
    if found is None:
        return
    case, appointment = found
    t = press.t
    confirm = ConfirmPickup(case=case.id, appointment=appointment.id)
    rows = [[render.button(t.t("issuance.member.button.confirm_yes"), confirm)], *_keep_rows(t)]
    text = t.t(
        "issuance.member.confirm",
        tracking_no=case.tracking_no,
        when=appointment.starts_at,
        place=t.pick(th=appointment.place, en=appointment.place_en or appointment.place),
    )
    await press.send(text, render.keyboard(rows))


async def confirmed_pressed(press: Press[ConfirmPickup]) -> None:
    case_id = press.button.case
    try:
        await press.services.issuing.confirm_pickup(
            press.user.id, case_id, press.button.appointment
        )
    except StaleAppointment as error:
        await _stale_answer(press, case_id, error)
        await press.done()
        return
    await press.done()
    await press.send(press.t.t("issuance.member.confirmed"))


# --- asking for another time ------------------------------------------------------------------


async def reschedule_pressed(press: Press[AskReschedule]) -> object:
    found = await _answerable(press, Action.REQUEST_RESCHEDULE)
    if found is None:
        return ConversationHandler.END
    case, appointment = found
    t = press.t
    save(press.context, RescheduleRequest(case=case.id, appointment=appointment.id))
    text = t.t(
        "issuance.member.ask_reason", tracking_no=case.tracking_no, when=appointment.starts_at
    )
    await press.send(text, render.keyboard(_keep_rows(t)))
    return PICKUP_REASON


async def reason_typed(update: Update, context: BotContext, user: User) -> object:
    assert update.effective_message is not None
    t = context.t
    pending = load(context, RescheduleRequest)
    if pending is None:
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
    save(context, pending.model_copy(update={"reason": reason}))
    send = SendReschedule(case=pending.case, appointment=pending.appointment)
    rows = [[render.button(t.t("issuance.member.button.send_request"), send)], *_keep_rows(t)]
    await say(update, t.t("issuance.member.confirm_request", reason=reason), render.keyboard(rows))
    return None


async def reason_expected(update: Update, context: BotContext, user: User) -> object:
    t = context.t
    await say(update, t.t("issuance.member.type_reason"), render.keyboard(_keep_rows(t)))
    return None


async def request_sent(press: Press[SendReschedule]) -> object:
    pending = load(press.context, RescheduleRequest)
    case_id, appointment_id = press.button.case, press.button.appointment
    if (
        pending is None
        or (pending.case, pending.appointment) != (case_id, appointment_id)
        or not pending.reason
    ):
        # A second tap after sending, or a summary replaced by a newer one.
        press.stale()
        return None
    drop(press.context, RescheduleRequest)
    try:
        await press.services.issuing.request_reschedule(
            press.user.id, case_id, appointment_id, pending.reason
        )
    except StaleAppointment as error:
        await _stale_answer(press, case_id, error)
        await press.done()
        return ConversationHandler.END
    await press.done()
    await press.send(press.t.t("issuance.member.requested"))
    return ConversationHandler.END


async def keep_pressed(press: Press[KeepAppointment]) -> object:
    # Nobody's appointment but a member's: anyone else is refused (``on_press``).
    await press.services.foundations.member(press.user.id)
    await press.done()
    drop(press.context, RescheduleRequest)
    await press.send(press.t.t("issuance.member.kept"))
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


def feature() -> Feature:
    return Feature(
        name="foundation_pickup",
        buttons=(PickupSummary, ConfirmPickup, AskReschedule, SendReschedule, KeepAppointment),
        handlers=[
            on_press(PickupSummary, confirm_pressed),
            on_press(ConfirmPickup, confirmed_pressed),
            on_press(KeepAppointment, keep_pressed),
            # Sent after the conversation ended (say, after a restart): stale, answered as such.
            on_press(SendReschedule, request_sent),
        ],
        conversation=FOUNDATION,
        entry_points=[on_press(AskReschedule, reschedule_pressed)],
        states={
            PICKUP_REASON: [
                MessageHandler(TYPED, on_message(reason_typed)),
                MessageHandler(FILE | ANYTHING_ELSE, on_message(reason_expected)),
                on_press(SendReschedule, request_sent),
                on_press(KeepAppointment, keep_pressed),
            ]
        },
        # Appointment notifications carry their calendar file, made when each is sent.
        documents={"pickup": calendar_file},
    )
