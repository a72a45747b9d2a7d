"""Report periods: this month, last month, the government's fiscal year, a custom range.

Every period is a range of whole local days (Asia/Bangkok unless told otherwise), both ends
included, worked out from an injected ``now`` so that tests and benchmarks can fix the day. The
Thai government's fiscal year runs from 1 October to 30 September and is named after the year
it ends in: fiscal year 2570 (B.E.) is 1 October 2026 to 30 September 2027.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from bot import dates
from bot.workdays import BANGKOK


class PeriodKind(StrEnum):
    THIS_MONTH = "this_month"
    LAST_MONTH = "last_month"
    FISCAL_YEAR = "fiscal_year"
    CUSTOM = "custom"


class PeriodError(ValueError):
    """A custom range that cannot be reported on (end before start, or too long)."""


MAX_CUSTOM_DAYS = 3 * 366
"""A longer range is refused: the reports are for months and years, not the whole archive."""


@dataclass(frozen=True, slots=True)
class Period:
    kind: PeriodKind
    first: dt.date
    last: dt.date
    """Both ends are included."""

    def contains(self, day: dt.date) -> bool:
        return self.first <= day <= self.last

    def utc_bounds(self, tz: dt.tzinfo = BANGKOK) -> tuple[dt.datetime, dt.datetime]:
        """The period as UTC instants: local midnight of ``first`` and after ``last``."""
        start = dt.datetime.combine(self.first, dt.time(), tzinfo=tz)
        end = dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time(), tzinfo=tz)
        return start.astimezone(dt.UTC), end.astimezone(dt.UTC)

    @property
    def fiscal_year(self) -> int:
        """The (Gregorian) year the fiscal year ends in; only meaningful for FISCAL_YEAR."""
        return self.last.year

    def months(self) -> list[dt.date]:
        """The first day of every calendar month the period touches, in order."""
        out: list[dt.date] = []
        month = self.first.replace(day=1)
        while month <= self.last:
            out.append(month)
            month = _next_month(month)
        return out


def _next_month(first_of_month: dt.date) -> dt.date:
    if first_of_month.month == 12:
        return dt.date(first_of_month.year + 1, 1, 1)
    return dt.date(first_of_month.year, first_of_month.month + 1, 1)


def _month_of(first_of_month: dt.date, kind: PeriodKind) -> Period:
    return Period(kind, first_of_month, _next_month(first_of_month) - dt.timedelta(days=1))


def local_today(now: dt.datetime, tz: dt.tzinfo = BANGKOK) -> dt.date:
    return dates.to_local(now, tz).date()


def this_month(now: dt.datetime, tz: dt.tzinfo = BANGKOK) -> Period:
    return _month_of(local_today(now, tz).replace(day=1), PeriodKind.THIS_MONTH)


def last_month(now: dt.datetime, tz: dt.tzinfo = BANGKOK) -> Period:
    first = local_today(now, tz).replace(day=1) - dt.timedelta(days=1)
    return _month_of(first.replace(day=1), PeriodKind.LAST_MONTH)


def fiscal_year(now: dt.datetime, tz: dt.tzinfo = BANGKOK, *, ending: int | None = None) -> Period:
    """The fiscal year containing ``now``, or the one ending in September of ``ending``."""
    today = local_today(now, tz)
    if ending is None:
        ending = today.year + 1 if today.month >= 10 else today.year
    return Period(PeriodKind.FISCAL_YEAR, dt.date(ending - 1, 10, 1), dt.date(ending, 9, 30))


def custom(first: dt.date, last: dt.date) -> Period:
    if last < first:
        raise PeriodError("the range ends before it starts")
    if (last - first).days >= MAX_CUSTOM_DAYS:
        raise PeriodError("the range is longer than three years")
    return Period(PeriodKind.CUSTOM, first, last)


def period_of(kind: PeriodKind, now: dt.datetime, tz: dt.tzinfo = BANGKOK) -> Period:
    """One of the named periods (a custom range needs its dates: use ``custom``)."""
    if kind is PeriodKind.THIS_MONTH:
        return this_month(now, tz)
    if kind is PeriodKind.LAST_MONTH:
        return last_month(now, tz)
    if kind is PeriodKind.FISCAL_YEAR:
        return fiscal_year(now, tz)
    raise PeriodError("a custom period needs its first and last day")
