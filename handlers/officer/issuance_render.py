"""How issuance looks to officers: its buttons on the case screen, the appointment lines, the
inline calendar and time slots, and the summaries shown before anything is saved.

Texts and keyboards only; ``issuance`` decides and sends.
"""

from __future__ import annotations

import datetime as dt

from babel import Locale
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.dates import BUDDHIST_ERA_OFFSET
from bot.i18n import Translator
from bot.i18n_marker import N_, MsgId
from bot.issuance.slots import MonthGrid, Refusal
from bot.kernel.inputs import CERTIFICATE_ITEM
from bot.services.issuance import Completion
from bot.services.officers import CaseView
from bot.uploads import human_size
from bot.workflow import ACTION_LABEL, Action, Status
from handlers.officer.buttons import (
    DONE,
    SIGN,
    AskIssuance,
    AskScan,
    AttachScan,
    CancelIssuance,
    DoIssuance,
    Ignore,
    NoNote,
    OfficePlace,
    PickupCalendar,
    PickupDay,
    PickupTime,
    PrintPack,
    SavePickup,
)
from handlers.officer.render import button, rows_of
from storage.appointments import Appointment
from storage.models import Attachment, Case, CaseEvent

STATE: dict[str, MsgId] = {
    "proposed": N_("issuance.state.proposed"),
    "confirmed": N_("issuance.state.confirmed"),
    "reschedule_requested": N_("issuance.state.reschedule_requested"),
    "superseded": N_("issuance.state.superseded"),
}
REFUSED_DAY = "✖"
SCAN_ICON = "📜"
PADDING = "·"
SLOTS_PER_ROW = 4


def _key(case: Case) -> dict[str, int]:
    """The case and the version the officer sees, as every changing button carries them."""
    return {"case": case.id, "version": case.version}


def _cancel(t: Translator, case: Case) -> InlineKeyboardButton:
    return button(t.t("officer.button.cancel"), CancelIssuance(case=case.id))


# ----- on the case screen -------------------------------------------------------------------


def case_buttons(t: Translator, view: CaseView) -> list[InlineKeyboardButton]:
    """The issuance steps the officer may take now, in the manual's order."""
    case, actions = view.case, view.actions
    if case.status not in (Status.AWAITING_ISSUANCE, Status.AWAITING_SIGNATURE):
        return []
    key = _key(case)
    acts = [button(t.t("issuance.button.print_pack"), PrintPack(case=case.id))]
    if Action.SEND_FOR_SIGNING in actions:
        sign = AskIssuance(act=SIGN, **key)
        acts.append(button(t.t(ACTION_LABEL[Action.SEND_FOR_SIGNING]), sign))
    if Action.SCHEDULE_PICKUP in actions:
        label = (
            t.t("issuance.button.reschedule")
            if view.appointment
            else t.t(ACTION_LABEL[Action.SCHEDULE_PICKUP])
        )
        acts.append(button(label, PickupCalendar(month=0, **key)))
    if Action.UPLOAD_CERTIFICATE in actions:
        has_scan = any(a.item == CERTIFICATE_ITEM for a in view.attachments)
        label = (
            t.t("issuance.button.replace_scan")
            if has_scan
            else t.t(ACTION_LABEL[Action.UPLOAD_CERTIFICATE])
        )
        acts.append(button(label, AskScan(**key)))
        if has_scan and Action.COMPLETE in actions:
            done = AskIssuance(act=DONE, **key)
            acts.append(button(t.t(ACTION_LABEL[Action.COMPLETE]), done))
    return acts


def scan_mark(attachment: Attachment) -> tuple[str, MsgId] | None:
    """The signed scan is sent to the foundation, not judged: no verdict to show for it."""
    if attachment.item != CERTIFICATE_ITEM:
        return None
    return SCAN_ICON, N_("issuance.case.scan_attached")


def appointment_lines(t: Translator, appointment: Appointment | None) -> list[str]:
    if appointment is None:
        return []
    lines = [
        t.t(
            "issuance.case.pickup",
            when=appointment.starts_at,
            place=t.pick(th=appointment.place, en=appointment.place_en or appointment.place),
            state=STATE[appointment.state],
        )
    ]
    if appointment.note:
        lines.append(t.t("issuance.case.pickup_note", note=appointment.note))
    if appointment.state == "reschedule_requested" and appointment.answer_reason:
        lines.append(t.t("issuance.case.pickup_reason", reason=appointment.answer_reason))
    return lines


def describe_event(t: Translator, event: CaseEvent) -> str | None:
    """The timeline line of an issuance event, or None for other events."""
    data = event.data
    if event.action == Action.SCHEDULE_PICKUP.value and data.get("when"):
        when = dt.datetime.fromisoformat(str(data["when"]))
        place = t.pick(
            th=str(data.get("place") or ""), en=str(data.get("place_en") or data.get("place") or "")
        )
        return t.t("issuance.event.schedule_pickup", when=when, place=place)
    if event.action == Action.CONFIRM_PICKUP.value:
        return t.t("issuance.event.confirm_pickup")
    if event.action == Action.REQUEST_RESCHEDULE.value:
        return t.t("issuance.event.request_reschedule")
    if event.action == Action.UPLOAD_CERTIFICATE.value and data.get("file_name"):
        return t.t("issuance.event.upload_certificate", file_name=str(data["file_name"]))
    return None


# ----- confirmations --------------------------------------------------------------------------


def confirm_markup(
    t: Translator, confirm: InlineKeyboardButton, case_id: int
) -> InlineKeyboardMarkup:
    cancel = button(t.t("officer.button.cancel"), CancelIssuance(case=case_id))
    return InlineKeyboardMarkup([[confirm], [cancel]])


def signing_summary(t: Translator, case: Case) -> tuple[str, InlineKeyboardMarkup]:
    confirm = button(t.t("officer.button.confirm"), DoIssuance(act=SIGN, **_key(case)))
    text = t.t("issuance.confirm.send_for_signing", tracking_no=case.tracking_no)
    return text, confirm_markup(t, confirm, case.id)


def _pickup_text(t: Translator, appointment: Appointment | None) -> str:
    if appointment is None:
        return t.t("issuance.pickup.none")
    return t.t(
        "issuance.pickup.summary",
        when=appointment.starts_at,
        place=t.pick(th=appointment.place, en=appointment.place_en or appointment.place),
        state=STATE[appointment.state],
    )


def _file(file_name: str, size: int) -> str:
    return f"{file_name} ({human_size(size)})"


def completion_text(
    t: Translator, done: Completion, *, scan: str | None = None, head: str | None = None
) -> str:
    """What completing sends, and to whom; ``scan`` names a file not attached yet."""
    if scan is None:
        scan = _file(done.scan.file_name, done.scan.size) if done.scan else "-"
    lines = [head] if head else []
    lines.append(
        t.t(
            "issuance.confirm.complete",
            tracking_no=done.case.tracking_no,
            volunteer=done.case.volunteer_name,
            scan=scan,
            pickup=_pickup_text(t, done.appointment),
            members=done.members,
        )
    )
    if done.appointment is None:
        lines.append(t.t("issuance.pickup.needed"))
    elif done.appointment.state == "reschedule_requested":
        lines.append(t.t("issuance.pickup.reschedule_warning"))
    return "\n\n".join(lines)


def completion_summary(t: Translator, done: Completion) -> tuple[str, InlineKeyboardMarkup]:
    confirm = button(t.t("issuance.button.send"), DoIssuance(act=DONE, **_key(done.case)))
    return completion_text(t, done), confirm_markup(t, confirm, done.case.id)


def scan_received(
    t: Translator, done: Completion, file_name: str, size: int
) -> tuple[str, InlineKeyboardMarkup]:
    """The summary of a scan not yet attached: attach and send, or only attach."""
    case = done.case
    head = t.t("issuance.scan.received", file=_file(file_name, size))
    rows: list[list[InlineKeyboardButton]] = []
    if done.appointment is not None:
        send = AttachScan(send=1, **_key(case))
        rows.append([button(t.t("issuance.button.attach_and_send"), send)])
    rows.append([button(t.t("issuance.button.attach_only"), AttachScan(send=0, **_key(case)))])
    rows.append([_cancel(t, case)])
    # The scan in the summary is the new file, not one attached earlier.
    text = completion_text(t, done, scan=_file(file_name, size), head=head)
    return text, InlineKeyboardMarkup(rows)


def scan_prompt(t: Translator, case: Case, limit: int) -> tuple[str, InlineKeyboardMarkup]:
    cancel = _cancel(t, case)
    text = t.t("issuance.prompt.scan", tracking_no=case.tracking_no, limit=limit)
    return text, InlineKeyboardMarkup([[cancel]])


# ----- the pickup appointment -------------------------------------------------------------------


def _month_title(t: Translator, year: int, month: int) -> str:
    name = Locale.parse(t.lang).months["stand-alone"]["wide"][month]
    return f"{name} {year + BUDDHIST_ERA_OFFSET if t.lang == 'th' else year}"


def calendar_screen(
    t: Translator, case: Case, grid: MonthGrid, notice: str | None = None
) -> tuple[str, InlineKeyboardMarkup]:
    """A month of days: open days to press, closed ones marked (pressing one says why)."""
    key = _key(case)
    holidays = [
        t.t("issuance.calendar.holiday", day=cell.day, name=cell.check.holiday_name or "")
        for week in grid.weeks
        for cell in week
        if cell.day is not None and cell.check.refusal is Refusal.HOLIDAY
    ]
    lines = [notice] if notice else []
    lines.append(
        t.t(
            "issuance.calendar.title",
            tracking_no=case.tracking_no,
            month=_month_title(t, grid.year, grid.month),
            mark=REFUSED_DAY,
        )
    )
    if holidays:
        lines.append(t.t("issuance.calendar.holidays", holidays="\n".join(holidays)))
    days = Locale.parse(t.lang).days["format"]["abbreviated"]
    rows = [[button(str(days[wd]), Ignore()) for wd in grid.weekdays]]
    for week in grid.weeks:
        row: list[InlineKeyboardButton] = []
        for cell in week:
            if cell.day is None:
                row.append(button(PADDING, Ignore()))
                continue
            label = str(cell.day.day) if cell.selectable else f"{REFUSED_DAY}{cell.day.day}"
            row.append(button(label, PickupDay(day=int(cell.day.strftime("%Y%m%d")), **key)))
        rows.append(row)
    nav: list[InlineKeyboardButton] = []
    if grid.has_previous:
        previous = dt.date(grid.year, grid.month, 1) - dt.timedelta(days=1)
        nav.append(
            button(
                t.t("issuance.button.previous_month"),
                PickupCalendar(month=previous.year * 100 + previous.month, **key),
            )
        )
    if grid.has_next:
        following = dt.date(grid.year, grid.month, 28) + dt.timedelta(days=4)
        nav.append(
            button(
                t.t("issuance.button.next_month"),
                PickupCalendar(month=following.year * 100 + following.month, **key),
            )
        )
    if nav:
        rows.append(nav)
    rows.append([_cancel(t, case)])
    return "\n\n".join(lines), InlineKeyboardMarkup(rows)


def times_screen(
    t: Translator, case: Case, day: dt.date, slots: list[dt.time]
) -> tuple[str, InlineKeyboardMarkup]:
    key = _key(case)
    ymd = int(day.strftime("%Y%m%d"))
    slot_buttons = [
        button(s.strftime("%H:%M"), PickupTime(day=ymd, time=s.hour * 100 + s.minute, **key))
        for s in slots
    ]
    rows = rows_of(slot_buttons, SLOTS_PER_ROW)
    month = day.year * 100 + day.month
    rows.append([button(t.t("issuance.button.change_date"), PickupCalendar(month=month, **key))])
    rows.append([_cancel(t, case)])
    text = t.t("issuance.calendar.times", tracking_no=case.tracking_no, day=day)
    return text, InlineKeyboardMarkup(rows)


def place_screen(
    t: Translator, case: Case, when: dt.datetime, office_place: str
) -> tuple[str, InlineKeyboardMarkup]:
    rows = [
        [button(t.t("issuance.button.use_office_place"), OfficePlace(**_key(case)))],
        [_cancel(t, case)],
    ]
    text = t.t(
        "issuance.prompt.place", tracking_no=case.tracking_no, when=when, office_place=office_place
    )
    return text, InlineKeyboardMarkup(rows)


def note_screen(t: Translator, case: Case) -> tuple[str, InlineKeyboardMarkup]:
    rows = [
        [button(t.t("issuance.button.no_note"), NoNote(**_key(case)))],
        [_cancel(t, case)],
    ]
    return t.t("issuance.prompt.note", tracking_no=case.tracking_no), InlineKeyboardMarkup(rows)


def pickup_summary(
    t: Translator, case: Case, when: dt.datetime, place: str, note: str | None
) -> tuple[str, InlineKeyboardMarkup]:
    key = _key(case)
    rows = [
        [button(t.t("officer.button.confirm"), SavePickup(**key))],
        [button(t.t("issuance.button.change_date"), PickupCalendar(month=0, **key))],
        [_cancel(t, case)],
    ]
    text = t.t(
        "issuance.confirm.pickup",
        tracking_no=case.tracking_no,
        when=when,
        place=place,
        note=note or "-",
    )
    return text, InlineKeyboardMarkup(rows)
