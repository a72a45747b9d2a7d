"""The reminder scan over every open case of the seeded database (100,000 cases).

    python bench/reminder_scan.py [--repeats 5]

``ReminderService.scan()`` runs on a copy of the seeded database (``bench/seed.py``) with the
bot's own services (``bot.app.open_services``) and a controllable clock set to 09:00 in Bangkok
on the first working day after the seeded history ends: the first scan after the morning
digest time, the heaviest of the day (overdue and escalation alerts for every late case, the
officers' digests, the applicants' correction reminders, pickup reminders), with all its
outbox writes. Then the scan runs again every five minutes of the clock (as the bot's job does)
when there is nothing new to send. Reports the time of each run, what it queued, and the SQL
statements it issued; then how long the outbox worker's poll for due messages takes with the
morning's reminders waiting.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiosqlite

from bench.common import load, machine, median, ms
from bench.seed import describe, ensure_seeded, seeded_copy
from bot.app import open_services
from bot.config import Settings
from bot.services.reminders import ScanReport
from bot.testing.clock import ManualClock
from bot.testing.fake_telegram import DEFAULT_TOKEN
from bot.workdays import BANGKOK, WorkCalendar
from storage import outbox as outbox_repo

TARGET = 0.200


def count_statements() -> list[int]:
    """Count SQL statements (``execute`` and ``executemany`` calls) from here on."""
    counter = [0]

    def counting(method: Any) -> Any:
        def counted(self: aiosqlite.Connection, *args: Any, **kwargs: Any) -> Any:
            counter[0] += 1
            return method(self, *args, **kwargs)

        return counted

    aiosqlite.Connection.execute = counting(aiosqlite.Connection.execute)  # type: ignore[method-assign]
    aiosqlite.Connection.executemany = counting(aiosqlite.Connection.executemany)  # type: ignore[method-assign]
    return counter


def scan_time(as_of: dt.datetime) -> dt.datetime:
    calendar = WorkCalendar(BANGKOK)
    day = calendar.next_working_day(calendar.local_date(as_of))
    return dt.datetime.combine(day, dt.time(9, 0), BANGKOK).astimezone(dt.UTC)


def summary(report: ScanReport) -> str:
    queued = ", ".join(f"{k} {v}" for k, v in sorted(report.queued.items())) or "nothing"
    closed = f"; closed as abandoned: {len(report.closed)}" if report.closed else ""
    return queued + closed


async def main(repeats: int) -> int:
    seeded = ensure_seeded()
    print(describe(seeded))
    print(f"machine: {machine()}")
    statements = count_statements()
    with tempfile.TemporaryDirectory(prefix="certbot-bench-") as tmp:
        data_dir = seeded_copy(seeded, Path(tmp) / "data")
        settings = Settings(
            _env_file=None,
            bot_token=DEFAULT_TOKEN,
            api_base_url="http://127.0.0.1:9/bot",
            data_dir=data_dir,
        )
        clock = ManualClock(scan_time(seeded.as_of))
        services = await open_services(settings, clock)
        try:
            reminders = services.reminders
            open_cases = await services.db.fetchone(
                "SELECT COUNT(*) FROM cases WHERE status NOT IN"
                " ('draft', 'completed', 'returned', 'not_approved', 'withdrawn', 'abandoned')"
            )
            assert open_cases is not None
            local = clock.now.astimezone(BANGKOK)
            print(f"scan at {local:%A %Y-%m-%d %H:%M} Bangkok over {open_cases[0]} open cases")
            runs: list[float] = []
            for run in range(repeats + 1):
                before = statements[0]
                start = time.perf_counter()
                report = await reminders.scan()
                elapsed = time.perf_counter() - start
                runs.append(elapsed)
                label = "first scan" if run == 0 else f"repeat {run}"
                print(
                    f"{label:<11} {ms(elapsed):>9} ms  {statements[0] - before:>6} SQL statements"
                    f"  queued: {summary(report)}"
                )
                clock.now += dt.timedelta(minutes=5)
            pending = await services.db.fetchone(
                "SELECT COUNT(*) FROM outbox WHERE state = 'pending'"
            )
            assert pending is not None
            # What the morning does to the outbox worker: it polls ``due`` every batch, on the
            # connection every update of every person also waits for.
            polls = []
            for _ in range(5):
                start = time.perf_counter()
                batch = await outbox_repo.due(services.db.conn, clock.now)
                polls.append(time.perf_counter() - start)
            print(
                f"outbox rows pending after the scans: {pending[0]}; the worker's poll for the"
                f" next {len(batch)} (outbox.due): median {ms(median(polls))} ms"
            )
        finally:
            await services.db.close()
    print(f"at the end: {load()}")
    first, repeated = runs[0], median(runs[1:]) if repeats else float("nan")
    print(
        f"first scan {ms(first)} ms, repeated scans median {ms(repeated)} ms "
        f"(target {ms(TARGET)} ms: first {'met' if first < TARGET else 'MISSED'}, "
        f"repeated {'met' if repeated < TARGET else 'MISSED'})"
    )
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.repeats)))
