"""Issuance for the chats: the print pack of a case, which pickup moments may be booked, the
appointment as the screens and the calendar file show it. No Telegram types here.

The issuance actions themselves are ``bot.actions.issuance.IssuanceActions``; this service
adds what has to be checked or assembled around them: the office hours and holidays of
``bot.issuance.slots``, the office's own address from ``office.toml``, and the PDF built off
the event loop.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.actions.issuance import IssuanceActions
from bot.files import FileStore
from bot.i18n import Catalogs, Translator
from bot.i18n_marker import N_, MsgId
from bot.issuance.config import IssuanceConfig, OfficeConfig
from bot.issuance.ics import ics_filename, pickup_ics
from bot.issuance.printpack import build_print_pack_async
from bot.issuance.slots import Check, MonthGrid, PickupRules, Refusal
from bot.kernel.errors import InvalidInput, StaleAppointment
from bot.kernel.inputs import CERTIFICATE_ITEM
from bot.kernel.kernel import CaseKernel, Outcome
from bot.services.officers import CaseView, OfficerService
from bot.services.print_pack import pack_input
from bot.workflow import (
    Action,
    CaseFacts,
    CaseRef,
    check,
    check_printable,
    pickup_answer_refusal,
)
from storage import appointments as appointments_repo
from storage import cases as cases_repo
from storage import users as users_repo
from storage.appointments import Appointment
from storage.models import Attachment, Case

ICS_ALARM = dt.timedelta(days=1)
ICS_DOMAIN = "dsdw-certificate-bot"

REFUSAL: dict[Refusal, MsgId] = {
    Refusal.PAST: N_("issuance.refusal.past"),
    Refusal.TOO_FAR: N_("issuance.refusal.too_far"),
    Refusal.WEEKEND: N_("issuance.refusal.weekend"),
    Refusal.HOLIDAY: N_("issuance.refusal.holiday"),
    Refusal.CLOSED: N_("issuance.refusal.closed"),
    Refusal.NOT_A_SLOT: N_("issuance.refusal.not_a_slot"),
}


class RefusedMoment(InvalidInput):
    """A pickup date or time that may not be booked; says why in the reader's language."""

    def __init__(self, check: Check, horizon_days: int) -> None:
        assert check.refusal is not None
        super().__init__(
            REFUSAL[check.refusal], holiday=check.holiday_name or "", days=horizon_days
        )


@dataclass(frozen=True, slots=True)
class Completion:
    """What the officer confirms before the case closes: the scan, the pickup, who is told."""

    case: Case
    scan: Attachment | None
    appointment: Appointment | None
    members: int


class IssuanceService:
    def __init__(
        self,
        kernel: CaseKernel,
        actions: IssuanceActions,
        officers: OfficerService,
        files: FileStore,
        catalogs: Catalogs,
        config: IssuanceConfig,
        tz: ZoneInfo,
    ) -> None:
        self.kernel = kernel
        self.actions = actions
        self.officers = officers
        self.db = kernel.db
        self.files = files
        self.catalogs = catalogs
        self.config = config
        self.tz = tz
        self.rules = PickupRules(config.pickup, kernel.calendar)

    def now(self) -> dt.datetime:
        return self.kernel.clock()

    def office(self, province: str) -> OfficeConfig:
        return self.config.office_for(province)

    async def appointment(self, case_id: int) -> Appointment | None:
        """The case's current appointment, the one every screen shows."""
        return await appointments_repo.latest_for_case(self.db.conn, case_id)

    # ----- pickup dates and times -------------------------------------------------------------

    def month(self, year: int, month: int, lang: str) -> MonthGrid:
        """The inline calendar's month; (0, 0), or a month outside the bookable range, gives
        the month of the first day that can be booked (next month, late in a month)."""
        now = self.now()
        first, last = self.rules.today(now).replace(day=1), self.rules.last_day(now).replace(day=1)
        try:
            wanted = dt.date(year, month, 1)
        except ValueError:
            wanted = first
        if not first <= wanted <= last:
            offerable = self.rules.offerable_days(now)
            wanted = offerable[0].replace(day=1) if offerable else first
        return self.rules.month_grid(wanted.year, wanted.month, now, lang)

    def check_day(self, day: dt.date, lang: str) -> list[dt.time]:
        """The slots still open on ``day``; ``RefusedMoment`` saying why when there are none."""
        check = self.rules.check_date(day, self.now(), lang)
        if not check.ok:
            raise RefusedMoment(check, self.config.pickup.horizon_days)
        return self.rules.slots(day, self.now())

    def check_moment(self, moment: dt.datetime, lang: str) -> None:
        check = self.rules.check(moment, self.now(), lang)
        if not check.ok:
            raise RefusedMoment(check, self.config.pickup.horizon_days)

    def local_moment(self, day: dt.date, time: dt.time) -> dt.datetime:
        return dt.datetime.combine(day, time, tzinfo=self.tz)

    async def schedule(
        self,
        user_id: int,
        case_id: int,
        version: int,
        when: dt.datetime,
        place: str | None,
        note: str | None,
        lang: str,
    ) -> Outcome:
        """Book the pickup; ``place`` None is the office's own place, in both languages.

        The moment is checked again here: the officer may have chosen it minutes ago.
        """
        self.check_moment(when, lang)
        case = await self.kernel.get_visible(user_id, case_id)
        place_en: str | None = None
        if place is None:
            office = self.office(case.province)
            place, place_en = office.place("th"), office.place("en")
        return await self.actions.schedule_pickup(
            user_id, case_id, version, when, place, note, place_en=place_en
        )

    async def answerable(
        self, user_id: int, case_id: int, appointment_id: int, action: Action
    ) -> tuple[Case, Appointment]:
        """The case and appointment a member is about to answer (``CONFIRM_PICKUP`` or
        ``REQUEST_RESCHEDULE``), checked before they confirm or type a reason; the service
        checks again when saving."""
        actor = await self.kernel.actor(user_id)
        case = await self.kernel.get_visible(user_id, case_id)
        appointment = await self.appointment(case_id)
        ref = CaseRef(case.status, case.foundation_id, case.province)
        check(action, actor, ref, CaseFacts(has_pickup=appointment is not None, has_reason=True))
        refusal = pickup_answer_refusal(
            action,
            appointment_id,
            appointment.id if appointment else None,
            appointment.state if appointment else None,
        )
        if refusal is not None or appointment is None:
            raise StaleAppointment(refusal or N_("issuance.error.appointment_superseded"))
        return case, appointment

    # ----- completion -------------------------------------------------------------------------

    async def completion(self, user_id: int, case_id: int) -> Completion:
        view = await self.officers.case_view(user_id, case_id)
        scan = next((a for a in view.attachments if a.item == CERTIFICATE_ITEM), None)
        members = await users_repo.members_of(self.db.conn, view.case.foundation_id)
        return Completion(view.case, scan, await self.appointment(case_id), len(members))

    # ----- the print pack ---------------------------------------------------------------------

    async def printable(self, user_id: int, case_id: int) -> CaseView:
        """The case, if this officer may print its pack now (approved, not yet closed)."""
        view = await self.officers.case_view(user_id, case_id)
        check_printable(view.case.status)
        return view

    async def print_pack(
        self, user_id: int, case_id: int, t: Translator
    ) -> tuple[Case, bytes, bytes]:
        """The PDF for the governor's signature and the editable ``.docx`` of its memo and
        certificates, built in a worker thread; the cover in ``t``'s language (the officer's)."""
        view = await self.printable(user_id, case_id)
        pack = await pack_input(
            view,
            config=self.config,
            t=t,
            checklist=self.kernel.checklist,
            files=self.files,
            conn=self.db.conn,
            prepared_on=self.rules.today(self.now()),
        )
        pdf = await build_print_pack_async(pack, t, self.catalogs)
        # python-docx (and lxml) load with the first pack, not with every bot start.
        from bot.issuance.wordfile import build_word_file

        word = await asyncio.to_thread(build_word_file, pack, self.catalogs)
        return view.case, pdf, word

    # ----- the calendar file ------------------------------------------------------------------

    async def ics(self, appointment_id: int, t: Translator) -> tuple[bytes, str] | None:
        """The appointment's ``.ics`` in the reader's language; None if it is gone."""
        conn = self.db.conn
        appointment = await appointments_repo.get(conn, appointment_id)
        if appointment is None:
            return None
        case = await cases_repo.get(conn, appointment.case_id)
        if case is None:
            return None
        office = self.office(case.province)
        texts = {
            "tracking_no": case.tracking_no,
            "volunteer": case.volunteer_name,
            "office": office.name.get(t.lang),
            "phone": office.phone,
            "note": appointment.note or "-",
        }
        data = pickup_ics(
            # One UID per case and a growing SEQUENCE: a new time moves the calendar event.
            uid=f"pickup-{case.tracking_no}@{ICS_DOMAIN}",
            start=appointment.starts_at,
            duration=dt.timedelta(minutes=self.config.pickup.duration_minutes),
            summary=t.t("issuance.ics.summary", **texts),
            location=appointment.place_in(t.lang),
            description=t.t("issuance.ics.description", **texts),
            language=t.lang,
            now=self.now(),
            sequence=await appointments_repo.earlier_count(conn, appointment),
            alarm_before=ICS_ALARM,
            tz=self.tz,
        )
        return data, ics_filename(case.tracking_no)
