"""Which pickup dates and times may be offered, and why one is refused. Pure: no I/O, no clock.

A date is offerable when it is a working day (no weekend, no Thai public holiday, no extra
office closure: ``bot.workdays.WorkCalendar``), not before today, not beyond the horizon from
the config, and, for today, when a slot is still ahead. Times are the config's office-hour
slots; none starts inside the lunch break. ``now`` is always passed in, so tests and the
handler agree on "today" in Bangkok.

``month_grid`` gives the inline calendar its shape (weeks of days, each selectable or not, with
the refusal reason); the handler only turns it into buttons.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from bot.dates import to_local
from bot.issuance.config import PickupConfig
from bot.workdays import WorkCalendar

# Thai wall calendars start the week on Sunday (อา จ อ พ พฤ ศ ส).
SUNDAY_FIRST = calendar.SUNDAY


class Refusal(StrEnum):
    """Why a date or time cannot be booked; the handler maps each to a catalog message."""

    PAST = "past"
    TOO_FAR = "too_far"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"  # a Thai public holiday; ``Check.holiday_name`` says which
    CLOSED = "closed"  # an extra office closure (WorkCalendar.extra_days_off)
    NOT_A_SLOT = "not_a_slot"  # outside office hours, in the lunch break, or off the grid


@dataclass(frozen=True, slots=True)
class Check:
    refusal: Refusal | None = None
    holiday_name: str | None = None

    @property
    def ok(self) -> bool:
        return self.refusal is None


@dataclass(frozen=True, slots=True)
class DayCell:
    day: dt.date | None  # None pads the first and last week outside the month
    check: Check = Check()

    @property
    def selectable(self) -> bool:
        return self.day is not None and self.check.ok


@dataclass(frozen=True, slots=True)
class MonthGrid:
    year: int
    month: int
    weekdays: tuple[int, ...]  # column order as date.weekday() numbers (Monday = 0)
    weeks: tuple[tuple[DayCell, ...], ...]
    has_previous: bool  # an earlier month still has offerable days
    has_next: bool


class PickupRules:
    def __init__(self, config: PickupConfig, work_calendar: WorkCalendar) -> None:
        self.config = config
        self.calendar = work_calendar

    def today(self, now: dt.datetime) -> dt.date:
        return self.calendar.local_date(now)

    def last_day(self, now: dt.datetime) -> dt.date:
        return self.today(now) + dt.timedelta(days=self.config.horizon_days)

    def day_slots(self) -> list[dt.time]:
        """Every slot start of an open day, lunch break excluded."""
        c = self.config
        step = dt.timedelta(minutes=c.slot_minutes)
        moment = dt.datetime.combine(dt.date(2000, 1, 1), c.opens)
        slots: list[dt.time] = []
        while moment.time() < c.closes and moment.date() == dt.date(2000, 1, 1):
            start = moment.time()
            in_lunch = (
                c.lunch_start is not None
                and c.lunch_end is not None
                and (c.lunch_start <= start < c.lunch_end)
            )
            if not in_lunch:
                slots.append(start)
            moment += step
        return slots

    def slots(self, day: dt.date, now: dt.datetime) -> list[dt.time]:
        """The slots still bookable on ``day`` (none if the date itself is refused)."""
        if not self._check_day(day, now).ok:
            return []
        return self._open_slots(day, now)

    def _open_slots(self, day: dt.date, now: dt.datetime) -> list[dt.time]:
        slots = self.day_slots()
        if day == self.today(now):
            local_now = to_local(now, self.calendar.tz).time()
            slots = [s for s in slots if s > local_now]
        return slots

    def check_date(self, day: dt.date, now: dt.datetime, lang: str = "th") -> Check:
        check = self._check_day(day, now, lang)
        if check.ok and not self._open_slots(day, now):
            return Check(Refusal.PAST)  # today, after the last slot
        return check

    def _check_day(self, day: dt.date, now: dt.datetime, lang: str = "th") -> Check:
        if day < self.today(now):
            return Check(Refusal.PAST)
        if day > self.last_day(now):
            return Check(Refusal.TOO_FAR)
        if day.weekday() >= 5:
            return Check(Refusal.WEEKEND)
        holiday = self.calendar.holiday_name(day, lang)
        if holiday is not None:
            return Check(Refusal.HOLIDAY, holiday)
        if not self.calendar.is_working_day(day):
            return Check(Refusal.CLOSED)
        return Check()

    def check(self, moment: dt.datetime, now: dt.datetime, lang: str = "th") -> Check:
        """Whether ``moment`` (aware) may be booked: its date first, then its time."""
        local = to_local(moment, self.calendar.tz)  # a naive moment raises: never guess
        day_check = self._check_day(local.date(), now, lang)
        if not day_check.ok:
            return day_check
        if moment <= now:
            return Check(Refusal.PAST)
        if local.time().replace(tzinfo=None) not in self.day_slots():
            return Check(Refusal.NOT_A_SLOT)
        return Check()

    def offerable_days(self, now: dt.datetime) -> list[dt.date]:
        day, last, days = self.today(now), self.last_day(now), []
        while day <= last:
            if self.check_date(day, now).ok:
                days.append(day)
            day += dt.timedelta(days=1)
        return days

    def month_grid(
        self,
        year: int,
        month: int,
        now: dt.datetime,
        lang: str = "th",
        first_weekday: int = SUNDAY_FIRST,
    ) -> MonthGrid:
        month_days = calendar.Calendar(first_weekday).monthdatescalendar(year, month)
        weeks = tuple(
            tuple(
                DayCell(day, self.check_date(day, now, lang))
                if day.month == month
                else DayCell(None)
                for day in week
            )
            for week in month_days
        )
        first = dt.date(year, month, 1)
        last = dt.date(year, month, calendar.monthrange(year, month)[1])
        return MonthGrid(
            year=year,
            month=month,
            weekdays=tuple((first_weekday + i) % 7 for i in range(7)),
            weeks=weeks,
            has_previous=first > self.today(now),
            has_next=last < self.last_day(now),
        )
