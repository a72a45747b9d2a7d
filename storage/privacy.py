"""Privacy notice acceptances: who accepted which version, and when."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from storage.clock import to_db


async def accept(
    conn: aiosqlite.Connection, user_id: int, notice_version: str, now: datetime
) -> None:
    await conn.execute(
        "INSERT INTO privacy_acceptances (user_id, notice_version, accepted_at) VALUES (?, ?, ?)",
        (user_id, notice_version, to_db(now)),
    )


async def has_accepted(conn: aiosqlite.Connection, user_id: int, notice_version: str) -> bool:
    async with conn.execute(
        "SELECT 1 FROM privacy_acceptances WHERE user_id = ? AND notice_version = ?",
        (user_id, notice_version),
    ) as cur:
        return await cur.fetchone() is not None
