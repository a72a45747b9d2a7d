"""Building a report: who may see which scope, reading the period's cases, computing figures.

    reports = ReportService(db, WorkCalendar(), clock, settings.reminders.officer_days)
    report = await reports.build(user_id, ReportRequest(PeriodKind.LAST_MONTH, per_province=True))
    text = render_summary(report, t)           # bot/reports/summary.py
    png = render_chart(report, t)              # bot/reports/chart.py
    cases = await reports.case_list(report)   # only for the spreadsheet
    xlsx = render_workbook(report, cases, t)   # bot/reports/workbook.py

Officers see their own province; central officers (officers without a province) and admins see
every province, or one of them, or every province one by one. Passport numbers go into the
case list only for admins. Nothing here sends anything: the /report command and its buttons
(handlers) call ``build`` and the renderers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from bot import provinces
from bot.clock import Clock
from bot.reminders import Stage
from bot.reports.figures import CaseTimes, Figures, Measure, Move, case_times, compute, targets_from
from bot.reports.periods import Period, PeriodKind, custom, fiscal_year, period_of
from bot.workdays import WorkCalendar
from bot.workflow import Role, Status
from storage import reports as reports_repo
from storage import users as users_repo
from storage.db import Database
from storage.reports import MOVE_SEPARATOR


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
    times: dict[int, CaseTimes]
    """Every case open at some moment in the period, by id: what its status changes say."""
    targets: dict[Measure, int | None]
    with_passports: bool


class ReportService:
    def __init__(
        self,
        db: Database,
        calendar: WorkCalendar,
        clock: Clock,
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
        """The figures for a scope, without the access check (benchmarks, scheduled reports).

        Plain reads on the shared connection, as the other services read: a write transaction
        would hold the write lock from everyone for the report's duration.
        """
        now = self.clock()
        start, end = period.utc_bounds(self.calendar.tz)
        offset = self.calendar.tz.utcoffset(now) or dt.timedelta()
        conn = self.db.conn
        cases = await reports_repo.cases_in_period(conn, province, start, end)
        moves = await reports_repo.moves_in_period(
            conn, province, start, end, int(offset.total_seconds() // 60)
        )
        times = self._times(moves)
        empty = CaseTimes()
        total, by_province = compute(
            ((p, times.get(case_id, empty)) for case_id, p in cases),
            period,
            self.targets,
            per_province=per_province,
        )
        return Report(
            period, province, now, total, by_province, times, dict(self.targets), with_passports
        )

    async def case_list(self, report: Report) -> list[ReportCase]:
        """One row per case of the report (for the spreadsheet), in id order; passport numbers
        only when the report is an admin's."""
        start, end = report.period.utc_bounds(self.calendar.tz)
        rows = await reports_repo.case_rows(self.db.conn, report.province, start, end)
        empty = CaseTimes()
        return [
            ReportCase(
                r.tracking_no,
                r.receipt_no,
                r.province,
                {"th": r.foundation_th, "en": r.foundation_en},
                r.volunteer_name,
                r.passport_no if report.with_passports else None,
                Status(r.status),
                report.times.get(r.id, empty),
            )
            for r in rows
        ]

    def _times(self, moves: list[tuple[int, str]]) -> dict[int, CaseTimes]:
        # The same (day, status) pairs recur across cases (a few hundred days, a dozen
        # statuses): each is parsed, and its day's working-day ordinal found, once.
        parsed: dict[str, Move] = {}
        ordinals: dict[dt.date, int] = {}
        statuses = {s.value: s for s in Status}

        def move_of(text: str) -> Move:
            day_text, _, status = text.partition(" ")
            day = dt.date.fromisoformat(day_text)
            ordinal = ordinals.get(day)
            if ordinal is None:
                ordinal = ordinals[day] = self.calendar.ordinal(day)
            move = parsed[text] = Move(day, statuses[status], ordinal)
            return move

        out: dict[int, CaseTimes] = {}
        for case_id, joined in moves:
            path = [parsed.get(item) or move_of(item) for item in joined.split(MOVE_SEPARATOR)]
            out[case_id] = case_times(path)
        return out
