"""Officer accounts as admins manage them: list, move between provinces, (de)activate."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import aiosqlite

from storage.clock import to_db
from storage.models import User


async def count(conn: aiosqlite.Connection) -> int:
    async with conn.execute("SELECT COUNT(*) FROM users WHERE role = 'officer'") as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def page(conn: aiosqlite.Connection, offset: int, limit: int) -> list[User]:
    """Officers, active ones first, then by name."""
    async with conn.execute(
        "SELECT * FROM users WHERE role = 'officer'"
        " ORDER BY active DESC, display_name COLLATE NOCASE, id LIMIT ? OFFSET ?",
        (limit, offset),
    ) as cur:
        return [User.from_row(r) for r in await cur.fetchall()]


async def set_province(
    conn: aiosqlite.Connection, user_id: int, province: str | None, now: datetime
) -> User | None:
    """Move an officer (None: all provinces); None if the person is not an officer."""
    async with conn.execute(
        "UPDATE users SET province = ?, updated_at = ? WHERE id = ? AND role = 'officer'"
        " RETURNING *",
        (province, to_db(now), user_id),
    ) as cur:
        row = await cur.fetchone()
    return User.from_row(row) if row else None


async def set_active(
    conn: aiosqlite.Connection, user_id: int, active: bool, now: datetime
) -> User | None:
    async with conn.execute(
        "UPDATE users SET active = ?, updated_at = ? WHERE id = ? AND role = 'officer' RETURNING *",
        (int(active), to_db(now), user_id),
    ) as cur:
        row = await cur.fetchone()
    return User.from_row(row) if row else None


async def display_names(conn: aiosqlite.Connection, ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    marks = ", ".join("?" for _ in wanted)
    async with conn.execute(
        f"SELECT id, display_name FROM users WHERE id IN ({marks})", wanted
    ) as cur:
        return {int(r["id"]): str(r["display_name"]) for r in await cur.fetchall()}
