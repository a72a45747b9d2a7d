"""The report's figures, pure: stage durations from each case's status changes, then counts,
medians, 90th percentiles and the share within target. No Telegram, no database.

Durations are working days (``bot.workdays``, Thai holidays off) counted as the reminder clocks
count them (``bot.reminders.next_clock``): a stretch of a stage from day ``a`` to day ``b`` is
``ordinal(b) - ordinal(a)``, the working days after ``a`` up to and including ``b``. The
preliminary check is the sum of its stretches in *awaiting check* and *awaiting recheck*: the
time the case waits for the foundation's correction is left out (the clock pauses) and measured
on its own as the foundation's correction time. Measured:

- **preliminary check**: submission to the officers' verdict on the documents (complete, or
  returned as not eligible), correction waits excluded;
- **correction** (the foundation's time): from each correction request to the resubmission,
  one figure per round;
- **consideration**: documents complete to the decision (approved or not approved);
- **issuance**: approval to completion (memo, signing and pickup);
- **end to end**: submission to completion, everything included.

A stage counts in the period in which it *ended* (the verdict, the resubmission, the decision,
the completion); a stage cut short by a withdrawal or an abandoned correction is not measured.
Counts: *received* are first submissions in the period; the closed counts are cases that
reached that final status in the period.

The median is the usual one (the mean of the two middle values for an even count); the 90th
percentile is the nearest rank: the smallest duration that at least 90 % of the cases did not
exceed, i.e. the ``ceil(0.9 n)``-th smallest. Both are easy to check by hand.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from bot.reminders import Stage
from bot.reports.periods import Period
from bot.workflow import TERMINAL, Status


class Measure(StrEnum):
    PRELIMINARY = "preliminary"
    CORRECTION = "correction"
    CONSIDERATION = "consideration"
    ISSUANCE = "issuance"
    END_TO_END = "end_to_end"


class Count(StrEnum):
    RECEIVED = "received"
    COMPLETED = "completed"
    RETURNED = "returned"
    NOT_APPROVED = "not_approved"
    WITHDRAWN = "withdrawn"
    ABANDONED = "abandoned"


CLOSED_COUNT: dict[Status, Count] = {
    Status.COMPLETED: Count.COMPLETED,
    Status.RETURNED: Count.RETURNED,
    Status.NOT_APPROVED: Count.NOT_APPROVED,
    Status.WITHDRAWN: Count.WITHDRAWN,
    Status.ABANDONED: Count.ABANDONED,
}

# Tuples, not sets: ``in`` on a tuple compares identity in C, while a set would call the enum's
# Python-level ``__hash__`` for every one of the hundreds of thousands of moves of a report.
_CHECK, _CORRECTION, _RECHECK = (
    Status.AWAITING_CHECK,
    Status.AWAITING_CORRECTION,
    Status.AWAITING_RECHECK,
)
_CONSIDERATION, _COMPLETED = Status.AWAITING_CONSIDERATION, Status.COMPLETED
_PRELIMINARY_RUNS = (_CHECK, _RECHECK)
_PRELIMINARY_VERDICTS = (_CONSIDERATION, Status.RETURNED)
_CONSIDERATION_DECISIONS = (Status.AWAITING_ISSUANCE, Status.NOT_APPROVED)
_ISSUANCE_RUNS = (Status.AWAITING_ISSUANCE, Status.AWAITING_SIGNATURE)
_TERMINAL = tuple(TERMINAL)


def targets_from(officer_days: Mapping[Stage, int]) -> dict[Measure, int | None]:
    """Each stage's target: the officers' reminder threshold for it (``Settings.reminders``).

    A case is within target when its stage took no more working days than the threshold, i.e.
    when it never became overdue. The foundation's correction time and the whole journey have
    no target of the office's own.
    """
    return {
        Measure.PRELIMINARY: officer_days.get(Stage.PRELIMINARY),
        Measure.CORRECTION: None,
        Measure.CONSIDERATION: officer_days.get(Stage.CONSIDERATION),
        Measure.ISSUANCE: officer_days.get(Stage.ISSUANCE),
        Measure.END_TO_END: None,
    }


@dataclass(frozen=True, slots=True)
class Move:
    """A status change of a case: the local day it happened and the status it led to."""

    day: dt.date
    to: Status
    workday: int
    """``WorkCalendar.ordinal(day)``: working days between two moves are a subtraction."""


@dataclass(frozen=True, slots=True)
class Span:
    days: int
    """Working days."""
    ended: dt.date


@dataclass(frozen=True, slots=True)
class CaseTimes:
    """What one case's status changes say: when it came and went, and each stage's length."""

    submitted: dt.date | None = None
    closed: dt.date | None = None
    closed_as: Status | None = None
    preliminary: Span | None = None
    corrections: tuple[Span, ...] = ()
    consideration: Span | None = None
    issuance: Span | None = None
    end_to_end: Span | None = None

    def correction_days(self) -> int | None:
        return sum(s.days for s in self.corrections) if self.corrections else None


def case_times(moves: Sequence[Move]) -> CaseTimes:
    """Walk one case's status changes (oldest first, starting with its submission)."""
    submitted: dt.date | None = None
    closed: dt.date | None = None
    closed_as: Status | None = None
    preliminary: Span | None = None
    corrections: list[Span] = []
    consideration: Span | None = None
    issuance: Span | None = None
    end_to_end: Span | None = None
    prelim_days = issuance_days = 0
    status: Status | None = None
    since = 0
    first_workday = 0
    for move in moves:
        to, workday = move.to, move.workday
        if status is not None:
            days = workday - since
            if status in _PRELIMINARY_RUNS:
                prelim_days += days
                if to in _PRELIMINARY_VERDICTS:
                    preliminary = Span(prelim_days, move.day)
            elif status is _CORRECTION:
                if to is _RECHECK:
                    corrections.append(Span(days, move.day))
            elif status is _CONSIDERATION:
                if to in _CONSIDERATION_DECISIONS:
                    consideration = Span(days, move.day)
            elif status in _ISSUANCE_RUNS:
                issuance_days += days
                if to is _COMPLETED:
                    issuance = Span(issuance_days, move.day)
        if to is _CHECK and submitted is None:
            submitted, first_workday = move.day, workday
        elif to in _TERMINAL:
            closed, closed_as = move.day, to
            if to is _COMPLETED and submitted is not None:
                end_to_end = Span(workday - first_workday, move.day)
        status, since = to, workday
    return CaseTimes(
        submitted,
        closed,
        closed_as,
        preliminary,
        tuple(corrections),
        consideration,
        issuance,
        end_to_end,
    )


@dataclass(frozen=True, slots=True)
class StageFigures:
    count: int = 0
    median: float | None = None
    p90: int | None = None
    target: int | None = None
    within_target: int | None = None
    """How many took no more than ``target`` working days; None without a target."""

    @property
    def within_share(self) -> float | None:
        if self.within_target is None or self.count == 0:
            return None
        return self.within_target / self.count


def nearest_rank(sorted_values: Sequence[int], fraction: float) -> int:
    """The ``ceil(fraction * n)``-th smallest value (1-based), of a non-empty sorted list."""
    rank = max(1, math.ceil(fraction * len(sorted_values) - 1e-9))
    return sorted_values[rank - 1]


def stage_figures(days: Iterable[int], target: int | None) -> StageFigures:
    values = sorted(days)
    if not values:
        return StageFigures(target=target, within_target=None if target is None else 0)
    within = None if target is None else sum(1 for d in values if d <= target)
    return StageFigures(
        len(values), float(statistics.median(values)), nearest_rank(values, 0.9), target, within
    )


@dataclass(frozen=True, slots=True)
class Figures:
    counts: dict[Count, int]
    stages: dict[Measure, StageFigures]
    monthly: dict[dt.date, tuple[int, int]] = field(default_factory=dict)
    """First of each month in the period: (received, completed) that month."""


_M_PRELIMINARY, _M_CORRECTION, _M_CONSIDERATION, _M_ISSUANCE, _M_END_TO_END = Measure


def _contribution(
    times: CaseTimes, period: Period
) -> tuple[dt.date | None, Count | None, dt.date | None, list[tuple[Measure, int]]]:
    """What one case adds to the figures of ``period``: the month it was received in, its final
    count and month, and the stages that ended in the period (measure, working days)."""
    first, last = period.first, period.last
    received = closed_month = None
    closed: Count | None = None
    if times.submitted is not None and first <= times.submitted <= last:
        received = times.submitted.replace(day=1)
    if times.closed is not None and times.closed_as is not None and first <= times.closed <= last:
        closed, closed_month = CLOSED_COUNT[times.closed_as], times.closed.replace(day=1)
    spans: list[tuple[Measure, int]] = []
    if times.preliminary is not None and first <= times.preliminary.ended <= last:
        spans.append((_M_PRELIMINARY, times.preliminary.days))
    if times.consideration is not None and first <= times.consideration.ended <= last:
        spans.append((_M_CONSIDERATION, times.consideration.days))
    if times.issuance is not None and first <= times.issuance.ended <= last:
        spans.append((_M_ISSUANCE, times.issuance.days))
    if times.end_to_end is not None and first <= times.end_to_end.ended <= last:
        spans.append((_M_END_TO_END, times.end_to_end.days))
    for span in times.corrections:
        if first <= span.ended <= last:
            spans.append((_M_CORRECTION, span.days))
    return received, closed, closed_month, spans


class _Tally:
    """Figures gathered case by case, for one scope (a province or everything)."""

    def __init__(self, period: Period) -> None:
        self.counts = dict.fromkeys(Count, 0)
        self.days: dict[Measure, list[int]] = {m: [] for m in Measure}
        self.monthly = {m: [0, 0] for m in period.months()}

    def add(
        self,
        received: dt.date | None,
        closed: Count | None,
        closed_month: dt.date | None,
        spans: list[tuple[Measure, int]],
    ) -> None:
        if received is not None:
            self.counts[Count.RECEIVED] += 1
            self.monthly[received][0] += 1
        if closed is not None:
            self.counts[closed] += 1
            if closed is Count.COMPLETED and closed_month is not None:
                self.monthly[closed_month][1] += 1
        for measure, days in spans:
            self.days[measure].append(days)

    def figures(self, targets: Mapping[Measure, int | None]) -> Figures:
        return Figures(
            dict(self.counts),
            {m: stage_figures(v, targets.get(m)) for m, v in self.days.items()},
            {m: (r, c) for m, (r, c) in self.monthly.items()},
        )


def compute(
    cases: Iterable[tuple[str, CaseTimes]],
    period: Period,
    targets: Mapping[Measure, int | None],
    *,
    per_province: bool = False,
) -> tuple[Figures, dict[str, Figures]]:
    """Figures over ``(province, times)`` pairs: the total, and each province's when asked."""
    total = _Tally(period)
    provinces: dict[str, _Tally] = {}
    for province, times in cases:
        contribution = _contribution(times, period)
        total.add(*contribution)
        if per_province:
            tally = provinces.get(province)
            if tally is None:
                tally = provinces[province] = _Tally(period)
            tally.add(*contribution)
    return total.figures(targets), {p: t.figures(targets) for p, t in sorted(provinces.items())}
