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
from collections.abc import Callable, Iterable, Mapping, Sequence
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

_PRELIMINARY_RUNS = frozenset({Status.AWAITING_CHECK, Status.AWAITING_RECHECK})
_PRELIMINARY_VERDICTS = frozenset({Status.AWAITING_CONSIDERATION, Status.RETURNED})
_CONSIDERATION_DECISIONS = frozenset({Status.AWAITING_ISSUANCE, Status.NOT_APPROVED})
_ISSUANCE_RUNS = frozenset({Status.AWAITING_ISSUANCE, Status.AWAITING_SIGNATURE})


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

    def spans(self, measure: Measure) -> tuple[Span, ...]:
        if measure is Measure.CORRECTION:
            return self.corrections
        one = {
            Measure.PRELIMINARY: self.preliminary,
            Measure.CONSIDERATION: self.consideration,
            Measure.ISSUANCE: self.issuance,
            Measure.END_TO_END: self.end_to_end,
        }[measure]
        return (one,) if one is not None else ()

    def correction_days(self) -> int | None:
        return sum(s.days for s in self.corrections) if self.corrections else None


def case_times(moves: Sequence[Move], ordinal: Callable[[dt.date], int]) -> CaseTimes:
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
    since: dt.date | None = None
    for move in moves:
        if status is not None and since is not None:
            days = ordinal(move.day) - ordinal(since)
            if status in _PRELIMINARY_RUNS:
                prelim_days += days
                if move.to in _PRELIMINARY_VERDICTS:
                    preliminary = Span(prelim_days, move.day)
            elif status is Status.AWAITING_CORRECTION and move.to is Status.AWAITING_RECHECK:
                corrections.append(Span(days, move.day))
            elif status is Status.AWAITING_CONSIDERATION and move.to in _CONSIDERATION_DECISIONS:
                consideration = Span(days, move.day)
            elif status in _ISSUANCE_RUNS:
                issuance_days += days
                if move.to is Status.COMPLETED:
                    issuance = Span(issuance_days, move.day)
        if move.to is Status.AWAITING_CHECK and submitted is None:
            submitted = move.day
        if move.to in TERMINAL:
            closed, closed_as = move.day, move.to
            if move.to is Status.COMPLETED and submitted is not None:
                end_to_end = Span(ordinal(move.day) - ordinal(submitted), move.day)
        status, since = move.to, move.day
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


class _Tally:
    """Figures gathered case by case, for one scope (a province or everything)."""

    def __init__(self, period: Period) -> None:
        self.period = period
        self.counts = dict.fromkeys(Count, 0)
        self.days: dict[Measure, list[int]] = {m: [] for m in Measure}
        self.monthly = {m: [0, 0] for m in period.months()}

    def add(self, times: CaseTimes) -> None:
        period = self.period
        if times.submitted is not None and period.contains(times.submitted):
            self.counts[Count.RECEIVED] += 1
            self.monthly[times.submitted.replace(day=1)][0] += 1
        if (
            times.closed is not None
            and times.closed_as is not None
            and period.contains(times.closed)
        ):
            self.counts[CLOSED_COUNT[times.closed_as]] += 1
            if times.closed_as is Status.COMPLETED:
                self.monthly[times.closed.replace(day=1)][1] += 1
        for measure, values in self.days.items():
            values.extend(s.days for s in times.spans(measure) if period.contains(s.ended))

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
        total.add(times)
        if per_province:
            tally = provinces.get(province)
            if tally is None:
                tally = provinces[province] = _Tally(period)
            tally.add(times)
    return total.figures(targets), {p: t.figures(targets) for p, t in sorted(provinces.items())}
