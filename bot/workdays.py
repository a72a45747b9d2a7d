"""Working days in Bangkok: weekends and Thai public holidays (the ``holidays`` library) are off.

Clocks that say "3 working days" count whole working days between two moments, in local time:
a case that arrived on Friday afternoon has waited 0 working days on Saturday and Sunday and 1
on Monday evening... precisely, the number of working days strictly after the start date up to
and including the end date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

BANGKOK = ZoneInfo("Asia/Bangkok")


# Working-day ordinals count from this date; any date before the service existed will do.
EPOCH = dt.date(2020, 1, 1)


@lru_cache(maxsize=64)
def _thai_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("TH", years=year).keys())


@lru_cache(maxsize=64)
def _holiday_names(year: int, lang: str) -> dict[dt.date, str]:
    # The library ships Thai and English names for Thailand's holidays.
    names = holidays.country_holidays("TH", years=year, language="th" if lang == "th" else "en_US")
    return {day: str(name) for day, name in names.items()}


class WorkCalendar:
    def __init__(self, tz: dt.tzinfo = BANGKOK, extra_days_off: Iterable[dt.date] = ()) -> None:
        self.tz = tz
        self.extra_days_off = frozenset(extra_days_off)
        self._year_cache: dict[int, int] = {}

    def local_date(self, moment: dt.datetime) -> dt.date:
        if moment.tzinfo is None:
            raise ValueError("naive datetime: pass an aware time")
        return moment.astimezone(self.tz).date()

    def holiday_name(self, day: dt.date, lang: str = "en") -> str | None:
        return _holiday_names(day.year, lang).get(day)

    def is_working_day(self, day: dt.date) -> bool:
        return (
            day.weekday() < 5
            and day not in _thai_holidays(day.year)
            and day not in self.extra_days_off
        )

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after ``day``."""
        day += dt.timedelta(days=1)
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    def add_working_days(self, day: dt.date, count: int) -> dt.date:
        """The ``count``-th working day after ``day`` (``count`` >= 0; 0 gives ``day``)."""
        for _ in range(count):
            day = self.next_working_day(day)
        return day

    def working_days_between(self, start: dt.datetime, end: dt.datetime) -> int:
        """Working days after ``start``'s local date, up to and including ``end``'s."""
        first, last = self.local_date(start), self.local_date(end)
        if last <= first:
            return 0
        count = 0
        day = first + dt.timedelta(days=1)
        while day <= last:
            if self.is_working_day(day):
                count += 1
            day += dt.timedelta(days=1)
        return count

    def ordinal(self, day: dt.date) -> int:
        """How many working days lie in (EPOCH, day]: waited days become a subtraction.

        Stored with a case when its clock starts, this lets the reminder scan find overdue
        cases with one indexed comparison instead of walking calendars case by case.
        """
        if day <= EPOCH:
            return 0
        return self._year_start_ordinal(day.year) + self._count_in_year(day)

    def _count_in_year(self, day: dt.date) -> int:
        start = max(dt.date(day.year, 1, 1), EPOCH + dt.timedelta(days=1))
        count, current = 0, start
        while current <= day:
            if self.is_working_day(current):
                count += 1
            current += dt.timedelta(days=1)
        return count

    def _year_start_ordinal(self, year: int) -> int:
        cached = self._year_cache.get(year)
        if cached is None:
            cached = sum(self._count_in_year(dt.date(y, 12, 31)) for y in range(EPOCH.year, year))
            self._year_cache[year] = cached
        return cached
