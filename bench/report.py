"""The division's report over the seeded database (100,000 cases): figures for every province.

    python bench/report.py [--repeats 5]

``ReportService.compute`` (bot/reports/service.py) on a copy of the seeded database
(``bench/seed.py``) with the clock on the first working day after the seeded history, for this
month, last month and the fiscal year, over every province and every province one by one (the
central office's ``/report``), and for Bangkok alone: the reads (``storage.reports``) and the
figures (``bot.reports.figures``), which is what the 2 s target is about. Then, once each, what
the command would also send: the summary text, the chart (PNG) and the ``.xlsx`` with one row
per case. Last, the two dashboard reads issue 17 changed: the status counts over every province
(before: ``COUNT(*) GROUP BY status`` over the cases; now: the counts table kept by triggers)
and the completed list's first page, now the newest cases (before: oldest first, the recent
ones ~90,000 deep).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import load, machine, median, ms
from bench.seed import describe, ensure_seeded, seeded_copy
from bot.app import open_services
from bot.config import Settings
from bot.reports.chart import render_chart
from bot.reports.periods import Period, PeriodKind, fiscal_year, period_of
from bot.reports.service import Report, ReportService
from bot.reports.summary import render_summary
from bot.reports.workbook import render_workbook
from bot.testing.clock import ManualClock
from bot.testing.fake_telegram import DEFAULT_TOKEN
from bot.workdays import BANGKOK, WorkCalendar
from bot.workflow import Bucket
from storage import queue as queue_repo
from storage.db import Database

TARGET = 2.0
T = TypeVar("T")
BANGKOK_CODE = "10"
PAGE = 8


def report_time(as_of: dt.datetime) -> dt.datetime:
    calendar = WorkCalendar(BANGKOK)
    day = calendar.next_working_day(calendar.local_date(as_of))
    return dt.datetime.combine(day, dt.time(9, 0), BANGKOK).astimezone(dt.UTC)


async def timed(
    repeats: int, make: Callable[[], Awaitable[T]], cpu: list[float] | None = None
) -> tuple[list[float], T]:
    """Wall-clock seconds of each run; with ``cpu``, also the CPU seconds this process spent
    (every thread: the event loop and aiosqlite's), which other load on the machine does not
    inflate the way it inflates the wall clock."""
    runs: list[float] = []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = await make()
        runs.append(time.perf_counter() - start)
        if cpu is not None:
            cpu.append(time.process_time() - start_cpu)
    return runs, result


async def dashboard_reads(db: Database, repeats: int) -> None:
    async def old_counts() -> object:
        return await db.conn.execute_fetchall("SELECT status, COUNT(*) FROM cases GROUP BY status")

    async def new_counts() -> object:
        return await queue_repo.status_counts(db.conn, None)

    completed = await queue_repo.bucket_size(db.conn, None, Bucket.COMPLETED)
    last_offset = (completed - 1) // PAGE * PAGE

    async def old_recent_page() -> object:
        # Before issue 17 the most recent cases were on the last page of an oldest-first list.
        return await db.conn.execute_fetchall(
            "SELECT c.id FROM cases c WHERE c.id IN (SELECT c.id FROM cases c"
            " WHERE c.bucket = 'completed' ORDER BY c.submitted_at, c.id LIMIT ? OFFSET ?)"
            " ORDER BY c.submitted_at, c.id",
            (PAGE, last_offset),
        )

    async def new_recent_page() -> object:
        return await queue_repo.bucket_page(db.conn, None, Bucket.COMPLETED, 0, PAGE)

    reads: list[tuple[str, Callable[[], Awaitable[object]]]] = [
        ("status counts, every province: COUNT(*) over cases (before)", old_counts),
        ("status counts, every province: counts table (now)", new_counts),
        (f"recent completed page: oldest first, offset {last_offset} (before)", old_recent_page),
        ("recent completed page: newest first, offset 0 (now)", new_recent_page),
    ]
    for label, make in reads:
        runs, _ = await timed(repeats * 20, make)
        print(f"  {label:<78} median {ms(median(runs)):>7} ms")


async def main(repeats: int) -> int:
    seeded = ensure_seeded()
    print(describe(seeded))
    print(f"machine: {machine()}")
    worst = 0.0
    with tempfile.TemporaryDirectory(prefix="certbot-bench-") as tmp:
        data_dir = seeded_copy(seeded, Path(tmp) / "data")
        settings = Settings(
            _env_file=None,
            bot_token=DEFAULT_TOKEN,
            api_base_url="http://127.0.0.1:9/bot",
            data_dir=data_dir,
        )
        clock = ManualClock(report_time(seeded.as_of))
        services = await open_services(settings, clock)
        try:
            reports = ReportService(
                services.db, WorkCalendar(settings.tz), clock, settings.reminders.officer_days
            )
            print(f"report asked at {clock.now.astimezone(BANGKOK):%A %Y-%m-%d %H:%M} Bangkok")
            t = services.catalogs.for_language("th")
            scopes: list[tuple[str, str | None, bool]] = [
                ("every province + per province", None, True),
                ("Bangkok", BANGKOK_CODE, False),
            ]
            current_year = fiscal_year(clock.now)
            periods = [
                period_of(PeriodKind.THIS_MONTH, clock.now),
                period_of(PeriodKind.LAST_MONTH, clock.now),
                current_year,
                # The previous fiscal year: twelve full months of the seeded history, the
                # heaviest report the division would ask for.
                fiscal_year(clock.now, ending=current_year.fiscal_year - 1),
            ]
            for period in periods:
                for label, province, per_province in scopes:

                    async def build(
                        period: Period = period,
                        province: str | None = province,
                        each: bool = per_province,
                    ) -> Report:
                        return await reports.compute(period, province, per_province=each)

                    cpu: list[float] = []
                    runs, report = await timed(repeats, build, cpu)
                    if province is None:
                        worst = max(worst, median(runs))
                    print(
                        f"{period.kind.value:<12} {period.first}..{period.last} {label:<30}"
                        f" median {ms(median(runs)):>8} ms"
                        f" (min {ms(min(runs))}, max {ms(max(runs))}), CPU {ms(median(cpu))} ms"
                        f"  {len(report.times):>6} cases"
                    )
            # What /report sends besides the figures, once each, for the previous fiscal year over
            # every province (the biggest): text, chart, spreadsheet.
            period = periods[-1]
            report = await reports.compute(period, None, per_province=True, with_passports=True)
            start = time.perf_counter()
            case_list = await reports.case_list(report)
            print(
                f"read the case list: {ms(time.perf_counter() - start)} ms, {len(case_list)} rows"
            )
            for label, render in (
                ("summary text", lambda: render_summary(report, t)),
                ("chart (PNG)", lambda: render_chart(report, t)),
                ("spreadsheet (.xlsx)", lambda: render_workbook(report, case_list, t)),
            ):
                start = time.perf_counter()
                output = render()
                elapsed = time.perf_counter() - start
                print(
                    f"render {label:<22} {ms(elapsed):>9} ms, {len(output):>9} "
                    f"{'characters' if isinstance(output, str) else 'bytes'}"
                )
            print("dashboard reads (SQLite through aiosqlite, no bot):")
            await dashboard_reads(services.db, repeats)
        finally:
            await services.db.close()
    print(f"at the end: {load()}")
    print(
        f"every province's figures, slowest period: median {ms(worst)} ms "
        f"(target {ms(TARGET)} ms: {'met' if worst < TARGET else 'MISSED'})"
    )
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.repeats)))
