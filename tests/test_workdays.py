"""Working days: weekends and Thai public holidays are off; ordinals turn waits into subtraction."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.workdays import BANGKOK, WorkCalendar

cal = WorkCalendar()


def bkk(y: int, m: int, d: int, h: int = 10) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=BANGKOK)


def test_weekends_and_thai_holidays_are_not_working_days() -> None:
    assert cal.is_working_day(dt.date(2026, 11, 26))  # Thursday
    assert not cal.is_working_day(dt.date(2026, 11, 28))  # Saturday
    # Father's Day 5 Dec 2026 is a Saturday; the substitute Monday is off too.
    assert not cal.is_working_day(dt.date(2026, 12, 7))
    assert not cal.is_working_day(dt.date(2026, 12, 10))  # Constitution Day
    assert not cal.is_working_day(dt.date(2027, 4, 14))  # Songkran
    assert cal.holiday_name(dt.date(2026, 12, 10), "th") == "วันรัฐธรรมนูญ"
    assert "Constitution" in (cal.holiday_name(dt.date(2026, 12, 10), "en") or "")


def test_waiting_is_counted_in_working_days_across_a_holiday() -> None:
    # Friday 4 Dec -> Tuesday 8 Dec: Sat, Sun and the Monday holiday do not count.
    assert cal.working_days_between(bkk(2026, 12, 4), bkk(2026, 12, 8)) == 1
    assert cal.working_days_between(bkk(2026, 12, 4), bkk(2026, 12, 7)) == 0
    assert cal.working_days_between(bkk(2026, 12, 8), bkk(2026, 12, 8, 17)) == 0
    # Local dates decide: 23:30 UTC on the 7th is already the 8th in Bangkok.
    late = dt.datetime(2026, 12, 7, 23, 30, tzinfo=dt.UTC)
    assert cal.local_date(late) == dt.date(2026, 12, 8)


def test_next_and_added_working_days() -> None:
    assert cal.next_working_day(dt.date(2026, 12, 4)) == dt.date(2026, 12, 8)
    assert cal.add_working_days(dt.date(2026, 12, 3), 3) == dt.date(2026, 12, 9)
    assert cal.add_working_days(dt.date(2026, 12, 3), 0) == dt.date(2026, 12, 3)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (dt.date(2026, 11, 26), dt.date(2026, 12, 15)),
        (dt.date(2026, 12, 30), dt.date(2027, 1, 6)),
        (dt.date(2021, 3, 1), dt.date(2027, 4, 20)),
    ],
)
def test_ordinals_agree_with_counting(start: dt.date, end: dt.date) -> None:
    counted = cal.working_days_between(
        dt.datetime.combine(start, dt.time(9), BANGKOK),
        dt.datetime.combine(end, dt.time(9), BANGKOK),
    )
    assert cal.ordinal(end) - cal.ordinal(start) == counted


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError):
        cal.local_date(dt.datetime(2026, 1, 1))
