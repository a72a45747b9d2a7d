"""Reminder rules: stage clocks that pause for the applicant, thresholds, quiet hours."""

from __future__ import annotations

import datetime as dt

from bot.reminders import (
    ApplicantStep,
    Clock,
    OfficerAlert,
    ReminderSettings,
    Stage,
    applicant_steps,
    in_quiet_hours,
    next_clock,
    officer_alerts,
    quiet_release,
)
from bot.workdays import BANGKOK, WorkCalendar
from bot.workflow import Status

cal = WorkCalendar()
NOW = dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC)


def ordinal(y: int, m: int, d: int) -> int:
    return cal.ordinal(dt.date(y, m, d))


def test_the_preliminary_clock_pauses_for_the_applicant_and_resumes() -> None:
    clock = next_clock(Clock(), Status.AWAITING_CHECK, ordinal(2026, 11, 26), NOW)  # Thu
    assert (clock.stage, clock.elapsed(ordinal(2026, 12, 1))) == (Stage.PRELIMINARY, 3)
    # Returned for correction on Tue 1 Dec after 3 working days (Fri, Mon, Tue).
    paused = next_clock(clock, Status.AWAITING_CORRECTION, ordinal(2026, 12, 1), NOW)
    assert paused.base is None and paused.carried == 3 and paused.applicant_since == NOW
    assert paused.elapsed(ordinal(2026, 12, 30)) is None
    # Resubmitted on Fri 11 Dec; by Tue 15 Dec one more working day has passed (Mon 14).
    resumed = next_clock(paused, Status.AWAITING_RECHECK, ordinal(2026, 12, 11), NOW)
    assert resumed.applicant_since is None
    assert resumed.elapsed(ordinal(2026, 12, 14)) == 4
    # Documents complete: consideration starts from zero.
    considered = next_clock(resumed, Status.AWAITING_CONSIDERATION, ordinal(2026, 12, 15), NOW)
    assert (considered.stage, considered.elapsed(ordinal(2026, 12, 15))) == (
        Stage.CONSIDERATION,
        0,
    )
    issuing = next_clock(considered, Status.AWAITING_ISSUANCE, ordinal(2026, 12, 16), NOW)
    signing = next_clock(issuing, Status.AWAITING_SIGNATURE, ordinal(2026, 12, 18), NOW)
    assert signing == issuing  # one issuance stage across its two statuses
    assert next_clock(signing, Status.COMPLETED, ordinal(2026, 12, 21), NOW) == Clock()


def test_officer_alerts_follow_the_threshold_and_its_double() -> None:
    assert officer_alerts(None, 3, 2) == ()
    assert officer_alerts(3, 3, 2) == ()
    assert officer_alerts(4, 3, 2) == (OfficerAlert.OVERDUE,)
    assert officer_alerts(6, 3, 2) == (OfficerAlert.OVERDUE,)
    assert officer_alerts(7, 3, 2) == (OfficerAlert.OVERDUE, OfficerAlert.ESCALATION)


def test_applicant_steps_at_7_14_final_warning_and_30() -> None:
    settings = ReminderSettings()
    assert applicant_steps(6, settings) == []
    assert [(s.step, s.day) for s in applicant_steps(7, settings)] == [(ApplicantStep.REMINDER, 7)]
    assert [s.day for s in applicant_steps(15, settings)] == [7, 14]
    assert [s.step for s in applicant_steps(27, settings)][-1] is ApplicantStep.FINAL_WARNING
    assert [s.step for s in applicant_steps(30, settings)][-1] is ApplicantStep.ABANDON
    never = ReminderSettings(abandon_after_days=0)
    assert [s.step for s in applicant_steps(400, never)] == [ApplicantStep.REMINDER] * 2


def test_quiet_hours_hold_messages_until_seven_in_bangkok() -> None:
    start, end = dt.time(20), dt.time(7)
    evening = dt.datetime(2026, 12, 1, 13, 30, tzinfo=dt.UTC)  # 20:30 in Bangkok
    assert in_quiet_hours(evening, BANGKOK, start, end)
    assert quiet_release(evening, BANGKOK, start, end) == dt.datetime(
        2026, 12, 2, 0, 0, tzinfo=dt.UTC
    )  # 07:00 next morning
    early = dt.datetime(2026, 12, 1, 22, 0, tzinfo=dt.UTC)  # 05:00 on the 2nd
    assert quiet_release(early, BANGKOK, start, end) == dt.datetime(
        2026, 12, 2, 0, 0, tzinfo=dt.UTC
    )
    noon = dt.datetime(2026, 12, 1, 5, 0, tzinfo=dt.UTC)
    assert not in_quiet_hours(noon, BANGKOK, start, end)
    assert quiet_release(noon, BANGKOK, start, end) == noon
    assert in_quiet_hours(noon, BANGKOK, dt.time(11), dt.time(13))
