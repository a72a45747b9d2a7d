"""Reminder rules, pure: stage clocks, thresholds, quiet hours. No Telegram, no database.

Officer clocks count working days per stage (preliminary check, consideration, issuance). The
preliminary clock pauses while the case waits for the applicant and resumes on resubmission,
carrying the days already spent. A clock is stored as a *base*: the working-day ordinal (see
``WorkCalendar.ordinal``) its count starts from, so ``elapsed = ordinal(today) - base`` and the
reminder scan finds overdue cases with one indexed comparison.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from bot.workflow import Status


class Stage(StrEnum):
    PRELIMINARY = "preliminary"
    CONSIDERATION = "consideration"
    ISSUANCE = "issuance"


STAGE_OF: dict[Status, Stage] = {
    Status.AWAITING_CHECK: Stage.PRELIMINARY,
    Status.AWAITING_CORRECTION: Stage.PRELIMINARY,
    Status.AWAITING_RECHECK: Stage.PRELIMINARY,
    Status.AWAITING_CONSIDERATION: Stage.CONSIDERATION,
    Status.AWAITING_ISSUANCE: Stage.ISSUANCE,
    Status.AWAITING_SIGNATURE: Stage.ISSUANCE,
}

# Statuses in which the officers' clock runs (the officer's move).
OFFICER_CLOCK_RUNS: frozenset[Status] = frozenset(STAGE_OF) - {Status.AWAITING_CORRECTION}


@dataclass(frozen=True, slots=True)
class Clock:
    """A case's officer clock as stored with it."""

    stage: Stage | None = None
    base: int | None = None
    """Working-day ordinal the running count starts from; None while paused or stopped."""
    carried: int = 0
    """Working days already spent in this stage before a pause."""
    applicant_since: dt.datetime | None = None
    """When the case began waiting for the applicant's correction."""

    def elapsed(self, today_ordinal: int) -> int | None:
        """Working days the officers have had the case in this stage; None if not running."""
        if self.base is None:
            return None
        return max(0, today_ordinal - self.base)


def next_clock(clock: Clock, new_status: Status, today_ordinal: int, now: dt.datetime) -> Clock:
    """The clock after the case moves to ``new_status`` (on the day ``today_ordinal``)."""
    stage = STAGE_OF.get(new_status)
    if stage is None:  # draft or closed: nothing runs
        return Clock()
    if new_status is Status.AWAITING_CORRECTION:
        # Pause: keep what the officers already used, start the applicant's wait.
        spent = clock.elapsed(today_ordinal) if clock.stage is stage else 0
        return Clock(stage, None, clock.carried + (spent or 0), now)
    if clock.stage is stage and clock.base is None:
        # Resume after a correction: the days spent before the pause still count.
        return Clock(stage, today_ordinal - clock.carried, clock.carried, None)
    if clock.stage is stage:
        return clock  # same stage, still running (e.g. awaiting issuance -> signature)
    return Clock(stage, today_ordinal, 0, None)


@dataclass(frozen=True, slots=True)
class ReminderSettings:
    officer_days: dict[Stage, int] = field(default_factory=lambda: {s: 3 for s in Stage})
    escalation_factor: int = 2
    applicant_reminder_days: tuple[int, ...] = (7, 14)
    abandon_after_days: int = 30
    final_warning_days_before: int = 3
    digest_time: dt.time = dt.time(8, 30)
    quiet_start: dt.time = dt.time(20, 0)
    quiet_end: dt.time = dt.time(7, 0)


class OfficerAlert(StrEnum):
    OVERDUE = "overdue"
    ESCALATION = "escalation"


def officer_alerts(elapsed: int | None, threshold: int, factor: int) -> tuple[OfficerAlert, ...]:
    """Past the threshold: remind the officers; past ``factor`` times it: escalate to admins."""
    if elapsed is None or elapsed <= threshold:
        return ()
    if elapsed > threshold * factor:
        return (OfficerAlert.OVERDUE, OfficerAlert.ESCALATION)
    return (OfficerAlert.OVERDUE,)


class ApplicantStep(StrEnum):
    REMINDER = "reminder"
    FINAL_WARNING = "final_warning"
    ABANDON = "abandon"


@dataclass(frozen=True, slots=True)
class DueStep:
    step: ApplicantStep
    day: int
    """The threshold (days waited) this step belongs to; part of its once-only key."""


def applicant_steps(days_waiting: int, settings: ReminderSettings) -> list[DueStep]:
    """Every step of the correction wait that is due after ``days_waiting`` calendar days.

    The caller sends only the latest one it has not sent (a bot that was down for a week does
    not send three reminders at once) and records the earlier ones as done.
    """
    steps = [
        DueStep(ApplicantStep.REMINDER, d)
        for d in sorted(settings.applicant_reminder_days)
        if settings.abandon_after_days <= 0 or d < settings.abandon_after_days
    ]
    if settings.abandon_after_days > 0:
        warning = max(1, settings.abandon_after_days - settings.final_warning_days_before)
        steps.append(DueStep(ApplicantStep.FINAL_WARNING, warning))
        steps.append(DueStep(ApplicantStep.ABANDON, settings.abandon_after_days))
    steps.sort(key=lambda s: (s.day, list(ApplicantStep).index(s.step)))
    return [s for s in steps if days_waiting >= s.day]


def in_quiet_hours(moment: dt.datetime, tz: dt.tzinfo, start: dt.time, end: dt.time) -> bool:
    local = moment.astimezone(tz).time()
    if start <= end:
        return start <= local < end
    return local >= start or local < end  # the window crosses midnight


def quiet_release(moment: dt.datetime, tz: dt.tzinfo, start: dt.time, end: dt.time) -> dt.datetime:
    """When a message that must respect quiet hours may be sent: now, or when they end."""
    if not in_quiet_hours(moment, tz, start, end):
        return moment
    local = moment.astimezone(tz)
    release = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if release <= local:
        release += dt.timedelta(days=1)
    return release.astimezone(dt.UTC)
