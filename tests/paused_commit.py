"""``python -m tests.paused_commit``: the real ``python -m bot``, with one test-only hook.

The first transaction that adds an event to case ``PAUSE_CASE_ID`` stops just before its
COMMIT, writes the file ``PAUSED_FILE`` and waits there, so a test can SIGKILL the process
with a decision's writes made but not committed. Production code has no such hook: this
module wraps ``Database.transaction`` from outside, and only this launcher imports it.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite

from bot.__main__ import main
from storage.db import Database

_COUNT_EVENTS = "SELECT COUNT(*) FROM case_events WHERE case_id = ?"


def install(case_id: int, paused_file: Path) -> None:
    original = Database.transaction

    async def events(conn: aiosqlite.Connection) -> int:
        async with conn.execute(_COUNT_EVENTS, (case_id,)) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    @asynccontextmanager
    async def transaction(self: Database) -> AsyncIterator[aiosqlite.Connection]:
        async with original(self) as conn:
            before = await events(conn)
            yield conn
            # Still inside ``original``: its COMMIT runs only after this returns.
            if await events(conn) > before:
                await asyncio.to_thread(paused_file.write_text, "paused", encoding="utf-8")
                await asyncio.sleep(3600)

    Database.transaction = transaction  # type: ignore[method-assign]


if __name__ == "__main__":
    install(int(os.environ["PAUSE_CASE_ID"]), Path(os.environ["PAUSED_FILE"]))
    sys.exit(main([]))
