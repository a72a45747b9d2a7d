"""Building a report: who may see which scope, reading the period's cases, computing figures.

    reports = ReportService(db, WorkCalendar(), clock, settings.reminders.officer_days)
    report = await reports.build(user_id, ReportRequest(PeriodKind.LAST_MONTH, per_province=True))
    text = render_summary(report, t)           # bot/reports/summary.py
    png = render_chart(report, t)              # bot/reports/chart.py
    xlsx = render_workbook(report, t)          # bot/reports/workbook.py

Officers see their own province; central officers (officers without a province) and admins see
every province, or one of them, or every province one by one. Passport numbers go into the
case list only for admins. Nothing here sends anything: the /report command and its buttons
(handlers) call ``build`` and the renderers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from bot import provinces
from bot.reminders import Stage
from bot.reports.figures import CaseTimes, Figures, Measure, Move, case_times, compute, targets_from
from bot.reports.periods import Period, PeriodKind, custom, fiscal_year, period_of
from bot.workdays import WorkCalendar
from bot.workflow import Role, Status
from storage import reports as reports_repo
from storage import users as users_repo
from storage.db import Database


class ReportRefused(Exception):
    """The person may not have this report (not staff, or another province)."""


@dataclass(frozen=True, slots=True)
class ReportRequest:
    kind: PeriodKind
    province: str | None = None
    """One province; None for the reader's own scope (their province, or every province)."""
    per_province: bool = False
    """Every province one by one as well as the total (central office and admins)."""
    first: dt.date | None = None
    last: dt.date | None = None
    """The days of a CUSTOM period, both included."""
    fiscal_year: int | None = None
    """FISCAL_YEAR: the (Gregorian) year it ends in, e.g. the previous one; None: the current."""


@dataclass(frozen=True, slots=True)
class ReportCase:
    """One row of the case list: who, where, what became of it, how long each stage took."""

    tracking_no: str
    receipt_no: str | None
    province: str
    foundation: dict[str, str]
    volunteer_name: str
    passport_no: str | None
    """Only for admins; None otherwise."""
    status: Status
    times: CaseTimes


@dataclass(frozen=True, slots=True)
class Report:
    period: Period
    province: str | None
    """The province reported on; None for every province."""
    generated_at: dt.datetime
    total: Figures
    by_province: dict[str, Figures]
    """Each province's figures when asked for per province (empty otherwise)."""
    cases: list[ReportCase]
    targets: dict[Measure, int | None]
    with_passports: bool


class ReportService:
    def __init__(
        self,
        db: Database,
        calendar: WorkCalendar,
        clock: Callable[[], dt.datetime],
        officer_days: Mapping[Stage, int],
    ) -> None:
        self.db = db
        self.calendar = calendar
        self.clock = clock
        self.targets = targets_from(officer_days)

    async def scope_of(self, user_id: int, request: ReportRequest) -> tuple[str | None, bool]:
        """The province the reader may have (None: every province) and whether they are an
        admin; ``ReportRefused`` for anyone else or another province."""
        user = await users_repo.get(self.db.conn, user_id)
        if user is None or not user.active or user.role not in (Role.OFFICER, Role.ADMIN):
            raise ReportRefused()
        central = user.role is Role.ADMIN or user.province is None
        if not central:
            if request.per_province or request.province not in (None, user.province):
                raise ReportRefused()
            return user.province, False
        if request.province is not None and provinces.get(request.province) is None:
            raise ReportRefused()
        return request.province, user.role is Role.ADMIN

    def period(self, request: ReportRequest) -> Period:
        if request.kind is PeriodKind.CUSTOM:
            if request.first is None or request.last is None:
                raise ValueError("a custom period needs its first and last day")
            return custom(request.first, request.last)
        if request.kind is PeriodKind.FISCAL_YEAR and request.fiscal_year is not None:
            return fiscal_year(self.clock(), self.calendar.tz, ending=request.fiscal_year)
        return period_of(request.kind, self.clock(), self.calendar.tz)

    async def build(self, user_id: int, request: ReportRequest) -> Report:
        province, admin = await self.scope_of(user_id, request)
        return await self.compute(
            self.period(request),
            province,
            per_province=request.per_province and province is None,
            with_passports=admin,
        )

    async def compute(
        self,
        period: Period,
        province: str | None,
        *,
        per_province: bool = False,
        with_passports: bool = False,
    ) -> Report:
        """The report for a scope, without the access check (benchmarks, scheduled reports)."""
        now = self.clock()
        start, end = period.utc_bounds(self.calendar.tz)
        offset = self.calendar.tz.utcoffset(now) or dt.timedelta()
        # Plain reads on the shared connection, as the other services read: a write
        # transaction would hold the write lock from everyone for the report's duration.
        conn = self.db.conn
        rows = await reports_repo.cases_in_period(conn, province, start, end)
        moves = await reports_repo.moves_in_period(
            conn, province, start, end, int(offset.total_seconds() // 60)
        )
        times = self._times(moves)
        cases = [
            ReportCase(
                r.tracking_no,
                r.receipt_no,
                r.province,
                {"th": r.foundation_th, "en": r.foundation_en},
                r.volunteer_name,
                r.passport_no if with_passports else None,
                Status(r.status),
                times.get(r.id, CaseTimes()),
            )
            for r in rows
        ]
        total, by_province = compute(
            ((c.province, c.times) for c in cases), period, self.targets, per_province=per_province
        )
        return Report(
            period, province, now, total, by_province, cases, dict(self.targets), with_passports
        )

    def _times(self, moves: list[reports_repo.MoveRow]) -> dict[int, CaseTimes]:
        # Days repeat a lot (every case moves on the same few hundred days): parse and look up
        # each day's working-day ordinal once.
        days: dict[str, dt.date] = {}
        ordinals: dict[dt.date, int] = {}
        statuses = {s.value: s for s in Status}

        def ordinal(day: dt.date) -> int:
            value = ordinals.get(day)
            if value is None:
                value = ordinals[day] = self.calendar.ordinal(day)
            return value

        out: dict[int, CaseTimes] = {}
        current: int | None = None
        path: list[Move] = []
        for case_id, day_text, to_status in moves:
            if case_id != current:
                if current is not None:
                    out[current] = case_times(path, ordinal)
                current, path = case_id, []
            day = days.get(day_text)
            if day is None:
                day = days[day_text] = dt.date.fromisoformat(day_text)
            path.append(Move(day, statuses[to_status]))
        if current is not None:
            out[current] = case_times(path, ordinal)
        return out
