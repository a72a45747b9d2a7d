"""The stage clocks kept with each case, so that the reminder scan reads them without replaying
the event log: which stage's time is running, since when, and what was carried over."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.reminders import Clock as StageClock
from bot.reminders import Stage, next_clock
from bot.workdays import WorkCalendar
from bot.workflow import Status
from storage.models import Case


def stage_clock(case: Case) -> StageClock:
    return StageClock(
        stage=Stage(case.clock_stage) if case.clock_stage else None,
        base=case.clock_base,
        carried=case.clock_carried,
        applicant_since=case.applicant_since,
    )


def clock_fields(
    case: Case, new_status: Status, now: datetime, calendar: WorkCalendar
) -> dict[str, Any]:
    """The case fields of the stage clock after the case moves to ``new_status``."""
    clock = next_clock(
        stage_clock(case), new_status, calendar.ordinal(calendar.local_date(now)), now
    )
    return {
        "clock_stage": clock.stage.value if clock.stage else None,
        "clock_base": clock.base,
        "clock_carried": clock.carried,
        "applicant_since": clock.applicant_since,
    }
