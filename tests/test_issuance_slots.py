"""Pickup appointment rules: weekends, Thai holidays, the past, the horizon and office slots."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.dates import NaiveDatetimeError
from bot.issuance.config import (
    DEFAULT_OFFICE_FILE,
    IssuanceConfigError,
    PickupConfig,
    load_issuance_config,
)
from bot.issuance.slots import PickupRules, Refusal
from bot.workdays import WorkCalendar

BANGKOK = ZoneInfo("Asia/Bangkok")
# Tuesday 1 December 2026, 08:00 in Bangkok (01:00 UTC).
NOW = dt.datetime(2026, 12, 1, 8, 0, tzinfo=BANGKOK)
D = dt.date


@pytest.fixture
def rules() -> PickupRules:
    return PickupRules(load_issuance_config().pickup, WorkCalendar())


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=BANGKOK)


def test_weekend_is_refused(rules: PickupRules) -> None:
    assert rules.check_date(D(2026, 12, 5), NOW).refusal is Refusal.WEEKEND  # Saturday
    assert rules.check_date(D(2026, 12, 6), NOW).refusal is Refusal.WEEKEND  # Sunday
    assert rules.check(at(D(2026, 12, 6), 10), NOW).refusal is Refusal.WEEKEND


def test_thai_public_holidays_are_refused_with_their_name(rules: PickupRules) -> None:
    # 5 December 2026 falls on a Saturday, so Monday the 7th is the substitution holiday.
    in_lieu = rules.check_date(D(2026, 12, 7), NOW, "th")
    assert in_lieu.refusal is Refusal.HOLIDAY
    assert in_lieu.holiday_name is not None and "ชดเชย" in in_lieu.holiday_name
    constitution = rules.check_date(D(2026, 12, 10), NOW, "en")
    assert constitution.refusal is Refusal.HOLIDAY
    assert constitution.holiday_name == "Constitution Day"
    assert rules.check(at(D(2026, 12, 10), 10), NOW, "th").holiday_name == "วันรัฐธรรมนูญ"


def test_past_dates_and_times_are_refused(rules: PickupRules) -> None:
    assert rules.check_date(D(2026, 11, 30), NOW).refusal is Refusal.PAST
    assert rules.check_date(D(2026, 12, 1), NOW).ok  # today, before opening
    late = at(D(2026, 12, 1), 15, 40)
    assert rules.check_date(D(2026, 12, 1), late).refusal is Refusal.PAST  # no slot left today
    midday = at(D(2026, 12, 1), 10, 10)
    assert rules.check(at(D(2026, 12, 1), 10), midday).refusal is Refusal.PAST
    assert rules.check(at(D(2026, 12, 1), 10, 30), midday).ok
    assert rules.slots(D(2026, 12, 1), midday)[0] == dt.time(10, 30)


def test_horizon_limits_how_far_ahead(rules: PickupRules) -> None:
    assert rules.last_day(NOW) == D(2027, 1, 30)  # 60 days from the config
    assert rules.check_date(D(2027, 1, 29), NOW).ok  # a Friday inside the horizon
    assert rules.check_date(D(2027, 2, 1), NOW).refusal is Refusal.TOO_FAR


def test_office_hour_slots_skip_lunch(rules: PickupRules) -> None:
    slots = rules.slots(D(2026, 12, 8), NOW)
    assert slots[0] == dt.time(9, 0) and slots[-1] == dt.time(15, 30)
    assert dt.time(12, 0) not in slots and dt.time(12, 30) not in slots
    assert dt.time(11, 30) in slots and dt.time(13, 0) in slots
    assert len(slots) == 12
    assert rules.slots(D(2026, 12, 7), NOW) == []  # holiday: nothing to offer


def test_only_slot_times_are_bookable(rules: PickupRules) -> None:
    day = D(2026, 12, 8)
    assert rules.check(at(day, 10), NOW).ok
    assert rules.check(at(day, 9, 0).astimezone(dt.UTC), NOW).ok  # any zone, same instant
    for hour, minute in ((12, 0), (10, 15), (16, 0), (8, 30)):
        assert rules.check(at(day, hour, minute), NOW).refusal is Refusal.NOT_A_SLOT
    with pytest.raises(NaiveDatetimeError):
        rules.check(dt.datetime(2026, 12, 8, 10, 0), NOW)


def test_configured_hours_change_the_slots() -> None:
    config = PickupConfig(
        opens=dt.time(8, 30),
        closes=dt.time(12, 0),
        slot_minutes=60,
        lunch_start=None,
        lunch_end=None,
    )
    rules = PickupRules(config, WorkCalendar())
    assert rules.day_slots() == [dt.time(8, 30), dt.time(9, 30), dt.time(10, 30), dt.time(11, 30)]


def test_extra_office_closures_are_refused() -> None:
    closed = D(2026, 12, 9)
    rules = PickupRules(load_issuance_config().pickup, WorkCalendar(extra_days_off=[closed]))
    assert rules.check_date(closed, NOW).refusal is Refusal.CLOSED


def test_offerable_days_are_working_days_within_the_horizon(rules: PickupRules) -> None:
    days = rules.offerable_days(NOW)
    assert days[0] == D(2026, 12, 1)
    assert D(2026, 12, 7) not in days and D(2026, 12, 10) not in days
    assert all(day.weekday() < 5 for day in days)
    assert days[-1] <= rules.last_day(NOW)


def test_month_grid_for_the_inline_calendar(rules: PickupRules) -> None:
    grid = rules.month_grid(2026, 12, NOW)
    assert grid.weekdays == (6, 0, 1, 2, 3, 4, 5)  # Sunday first, as Thai calendars
    first_week = grid.weeks[0]
    assert [cell.day for cell in first_week[:2]] == [None, None]  # 1 December is a Tuesday
    assert first_week[2].day == D(2026, 12, 1)
    cells = {cell.day: cell for week in grid.weeks for cell in week if cell.day}
    assert len(cells) == 31
    assert cells[D(2026, 12, 2)].selectable
    assert not cells[D(2026, 12, 5)].selectable
    assert cells[D(2026, 12, 7)].check.refusal is Refusal.HOLIDAY
    assert all(len(week) == 7 for week in grid.weeks)
    assert not grid.has_previous and grid.has_next
    later = rules.month_grid(2027, 1, NOW)
    assert later.has_previous and not later.has_next  # the horizon ends on 30 January
    beyond = {c.day: c for w in later.weeks for c in w if c.day}
    assert beyond[D(2027, 1, 1)].check.refusal is Refusal.HOLIDAY  # New Year's Day


def test_config_errors_name_the_place(tmp_path: Path) -> None:
    text = DEFAULT_OFFICE_FILE.read_text("utf-8")
    bad = tmp_path / "office.toml"
    bad.write_text(text.replace("{passport_no} เพื่อ", "{passport} เพื่อ", 1), "utf-8")
    with pytest.raises(IssuanceConfigError, match=r"memo\.paragraphs\.0.*passport"):
        load_issuance_config(bad)
    bad.write_text(text.replace('provinces = ["50"]', "provinces = []"), "utf-8")
    with pytest.raises(IssuanceConfigError, match="fallback"):
        load_issuance_config(bad)


def test_office_for_a_province_falls_back_to_the_default() -> None:
    config = load_issuance_config()
    assert config.office_for("50").key == "chiang_mai"
    assert config.office_for("10").key == "dsdw"
    assert config.office_for("50").place("en").startswith("Public service room")
    assert config.office_for("10").place("th") == config.office_for("10").address.th
