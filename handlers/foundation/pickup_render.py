"""How the pickup appointment looks to a foundation member: in the case view, and the answer
buttons under the appointment (in the view and under the notification)."""

from __future__ import annotations

from bot.i18n import Translator, decode_params
from bot.i18n_marker import N_, MsgId
from bot.services.foundations import CaseView
from bot.workflow import Action
from handlers.foundation import render
from handlers.foundation.buttons import AskReschedule, PickupSummary
from storage.appointments import Appointment
from storage.models import OutboxMessage

STATE: dict[str, MsgId] = {
    "proposed": N_("issuance.member.state.proposed"),
    "confirmed": N_("issuance.member.state.confirmed"),
    "reschedule_requested": N_("issuance.member.state.reschedule_requested"),
    "superseded": N_("issuance.member.state.superseded"),
}


def appointment_text(appointment: Appointment, t: Translator) -> str:
    return t.t(
        "issuance.member.pickup",
        when=appointment.starts_at,
        place=t.pick(th=appointment.place, en=appointment.place_en or appointment.place),
        note=appointment.note or "-",
        state=STATE[appointment.state],
    )


def answer_buttons(case_id: int, appointment: Appointment, t: Translator) -> render.Rows:
    """Confirm (unless confirmed) and ask for another time (unless asked already)."""
    row = []
    if appointment.state != "confirmed":
        row.append(
            render.button(
                t.t("issuance.member.button.confirm"),
                PickupSummary(case=case_id, appointment=appointment.id),
            )
        )
    if appointment.state != "reschedule_requested":
        row.append(
            render.button(
                t.t("issuance.member.button.reschedule"),
                AskReschedule(case=case_id, appointment=appointment.id),
            )
        )
    return [row]


def view_rows(view: CaseView, t: Translator) -> render.Rows:
    """The answer buttons in the case view, while the foundation may still answer."""
    answers = {Action.CONFIRM_PICKUP, Action.REQUEST_RESCHEDULE}
    if view.appointment is None or not answers <= set(view.actions):
        return []
    return answer_buttons(view.case.id, view.appointment, t)


def notification_rows(message: OutboxMessage, t: Translator) -> render.Rows:
    """Under the appointment notification: answer it there and then."""
    if message.kind != "pickup" or message.case_id is None:
        return []
    appointment_id = decode_params(message.params).get("appointment_id")
    if not isinstance(appointment_id, int):
        return []  # queued before appointments were kept: the case view has the buttons
    return [
        [
            render.button(
                t.t("issuance.member.button.confirm"),
                PickupSummary(case=message.case_id, appointment=appointment_id),
            ),
            render.button(
                t.t("issuance.member.button.reschedule"),
                AskReschedule(case=message.case_id, appointment=appointment_id),
            ),
        ]
    ]
