"""Query plans of the hot statements, captured from the services as they run at 100,000 cases.

    python bench/query_plans.py [--runs 20]

On a copy of the seeded database (``bench/seed.py``) the bot's own services run what the
benchmarked flows run: identify a person, the dashboard and queue pages (a Bangkok officer and
the central office, including the completed list ~90,000 deep), a case view, a member's
application wizard step, one outbox poll, and the morning reminder scan. Every SQL statement
they send is captured (``aiosqlite.Connection.execute``/``executemany``); each distinct one is
shown with its ``EXPLAIN QUERY PLAN`` and, for reads, its median time over ``--runs`` runs on a
separate read-only connection (SQLite alone, no thread hop). Statements that scan a big table
(cases, attachments, events, outbox; ``users`` has a few thousand rows) or take over 1 ms are
marked.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiosqlite

from bench.common import load, machine
from bench.reminder_scan import scan_time
from bench.seed import describe, ensure_seeded, seeded_copy
from bot.app import open_services
from bot.config import Settings
from bot.testing.clock import ManualClock
from bot.testing.fake_telegram import DEFAULT_TOKEN
from bot.workflow import Bucket
from storage import outbox as outbox_repo
from storage import ptb_state

BIG = ("c", "cases", "a", "attachments", "case_events", "outbox", "o", "appointments")
SLOW = 0.001


@dataclass
class Statement:
    sql: str
    params: Any
    flows: list[str] = field(default_factory=list)
    count: int = 0


class Capture:
    def __init__(self) -> None:
        self.flow = ""
        self.statements: dict[str, Statement] = {}

    def install(self) -> None:
        def capturing(method: Callable[..., Any], many: bool) -> Callable[..., Any]:
            def captured(self_: aiosqlite.Connection, sql: str, params: Any = None) -> Any:
                self.record(sql, params, many)
                return method(self_, sql, params) if params is not None else method(self_, sql)

            return captured

        aiosqlite.Connection.execute = capturing(aiosqlite.Connection.execute, False)  # type: ignore[method-assign]
        aiosqlite.Connection.executemany = capturing(aiosqlite.Connection.executemany, True)  # type: ignore[method-assign]

    def record(self, sql: str, params: Any, many: bool) -> None:
        if not self.flow:
            return
        text = " ".join(sql.split())
        if text.split(" ", 1)[0].upper() in ("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA"):
            return
        key = re.sub(r"\?(, \?)+", "?, ...", text)  # IN lists of any length are one query
        if many:
            params = next(iter(params), None)
        found = self.statements.setdefault(key, Statement(text, params))
        found.count += 1
        if self.flow not in found.flows:
            found.flows.append(self.flow)


async def exercise(capture: Capture, db_path: Path, data_dir: Path, as_of: Any) -> None:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:

        def one(sql: str, *params: object) -> Any:
            return conn.execute(sql, params).fetchone()

        officer = one("SELECT id FROM users WHERE role = 'officer' AND province = '10' LIMIT 1")[0]
        central = one("SELECT id FROM users WHERE role = 'officer' AND province IS NULL LIMIT 1")[0]
        member = one(
            "SELECT id FROM users WHERE role = 'member'"
            " AND id NOT IN (SELECT user_id FROM drafts) LIMIT 1"
        )[0]
        case_id = one(
            "SELECT id FROM cases WHERE province = '10' AND status = 'awaiting_consideration'"
        )[0]
        completed = one("SELECT COUNT(*) FROM cases WHERE bucket = 'completed'")[0]
    finally:
        conn.close()
    settings = Settings(_env_file=None, bot_token=DEFAULT_TOKEN, data_dir=data_dir)
    clock = ManualClock(scan_time(as_of))
    services = await open_services(settings, clock)
    try:
        officers, apps, reminders = services.officers, services.applications, services.reminders
        capture.flow = "identify"
        await services.users.seen(officer, "someone new", "th")  # a changed name: the write
        await services.users.seen(officer, "someone new", "th")
        capture.flow = "dashboard"
        await officers.dashboard(officer)
        await officers.dashboard(central)
        capture.flow = "queue page"
        await officers.queue(officer, Bucket.WAITING_FOR_OFFICER, 1)
        await officers.queue(central, Bucket.WAITING_FOR_OFFICER, 1)
        await officers.queue(central, Bucket.COMPLETED, completed // 8 - 1)
        capture.flow = "case view"
        await officers.case_view(officer, case_id)
        capture.flow = ""
        await apps.start(member)
        capture.flow = "wizard step"
        await apps.answer(member, "JOHN SMITH")
        capture.flow = "persistence"
        await ptb_state.upsert(services.db, "conversation:foundation", "[1,1]", '"applying"')
        capture.flow = "outbox poll"
        await outbox_repo.count_due(services.db.conn, clock())
        async with services.db.transaction() as conn_:
            await outbox_repo.due(conn_, clock())
        capture.flow = "reminder scan"
        await reminders.scan()
        capture.flow = ""
    finally:
        await services.db.close()


def timing(db_path: Path, statement: Statement, runs: int) -> float | None:
    if not statement.sql.upper().startswith(("SELECT", "WITH")):
        return None
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        params = statement.params if statement.params is not None else ()
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            conn.execute(statement.sql, params).fetchall()
            times.append(time.perf_counter() - start)
        return statistics.median(times)
    finally:
        conn.close()


def plan(db_path: Path, statement: Statement) -> list[str]:
    conn = sqlite3.connect(db_path)  # a copy: EXPLAIN of a write changes nothing anyway
    try:
        params = statement.params if statement.params is not None else ()
        rows = conn.execute(f"EXPLAIN QUERY PLAN {statement.sql}", params).fetchall()
        return [str(r[3]) for r in rows]
    finally:
        conn.close()


async def main(runs: int) -> int:
    seeded = ensure_seeded()
    print(describe(seeded))
    print(f"machine: {machine()}")
    capture = Capture()
    capture.install()
    with tempfile.TemporaryDirectory(prefix="certbot-bench-") as tmp:
        data_dir = seeded_copy(seeded, Path(tmp) / "data")
        db_path = data_dir / "bot.sqlite3"
        await exercise(capture, db_path, data_dir, seeded.as_of)
        flagged = 0
        for statement in sorted(capture.statements.values(), key=lambda s: s.flows[0]):
            seconds = timing(db_path, statement, runs)
            steps = plan(db_path, statement)
            big_scan = any(re.match(rf"SCAN ({'|'.join(BIG)})\b", s) for s in steps)
            suspicious = big_scan or (seconds is not None and seconds > SLOW)
            flagged += suspicious
            took = f"{seconds * 1000:.3f} ms" if seconds is not None else "write"
            sql = statement.sql if len(statement.sql) <= 300 else statement.sql[:297] + "..."
            print(
                f"\n[{', '.join(statement.flows)}] x{statement.count}, {took}"
                f"{'  <-- look' if suspicious else ''}\n  {sql}"
            )
            for step in steps:
                print(f"    {step}")
    print(f"at the end: {load()}")
    print(f"\n{len(capture.statements)} distinct statements, {flagged} marked to look at")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.runs)))
