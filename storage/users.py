"""Users: who someone is to the bot (role, language, foundation or province)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import aiosqlite

from bot.workflow import Role
from storage.clock import to_db
from storage.models import User


async def get(conn: aiosqlite.Connection, user_id: int) -> User | None:
    async with conn.execute("SELECT * FROM users WHERE id = ?", (user_id,)) as cur:
        row = await cur.fetchone()
    return User.from_row(row) if row else None


async def touch(
    conn: aiosqlite.Connection,
    user_id: int,
    display_name: str,
    telegram_language: str | None,
    now: datetime,
) -> None:
    """Record that a person wrote to us (creating them as role 'none' if new)."""
    await conn.execute(
        "INSERT INTO users (id, display_name, telegram_language, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (id) DO UPDATE SET display_name = excluded.display_name,"
        " telegram_language = excluded.telegram_language, reachable = 1"
        " WHERE users.display_name IS NOT excluded.display_name"
        " OR users.telegram_language IS NOT excluded.telegram_language OR users.reachable = 0",
        (user_id, display_name, telegram_language, to_db(now), to_db(now)),
    )


async def set_language(
    conn: aiosqlite.Connection, user_id: int, language: str, now: datetime
) -> None:
    await conn.execute(
        "UPDATE users SET language = ?, updated_at = ? WHERE id = ?",
        (language, to_db(now), user_id),
    )


async def set_role(
    conn: aiosqlite.Connection,
    user_id: int,
    role: Role,
    now: datetime,
    *,
    foundation_id: int | None = None,
    province: str | None = None,
    active: bool = True,
) -> None:
    await conn.execute(
        "UPDATE users SET role = ?, foundation_id = ?, province = ?, active = ?, updated_at = ?"
        " WHERE id = ?",
        (role.value, foundation_id, province, int(active), to_db(now), user_id),
    )


async def ensure_admins(conn: aiosqlite.Connection, ids: Iterable[int], now: datetime) -> None:
    """Make the configured admins exist and be admins (their language stays theirs)."""
    for user_id in ids:
        await conn.execute(
            "INSERT INTO users (id, role, created_at, updated_at) VALUES (?, 'admin', ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET role = 'admin', active = 1,"
            " foundation_id = NULL, province = NULL",
            (user_id, to_db(now), to_db(now)),
        )


async def set_reachable(conn: aiosqlite.Connection, user_id: int, reachable: bool) -> None:
    await conn.execute("UPDATE users SET reachable = ? WHERE id = ?", (int(reachable), user_id))


async def members_of(conn: aiosqlite.Connection, foundation_id: int) -> list[User]:
    async with conn.execute(
        "SELECT * FROM users WHERE role = 'member' AND active = 1 AND foundation_id = ?"
        " ORDER BY id",
        (foundation_id,),
    ) as cur:
        return [User.from_row(r) for r in await cur.fetchall()]


async def officers_for(conn: aiosqlite.Connection, province: str) -> list[User]:
    """Active officers of exactly this province."""
    async with conn.execute(
        "SELECT * FROM users WHERE role = 'officer' AND active = 1 AND province = ? ORDER BY id",
        (province,),
    ) as cur:
        return [User.from_row(r) for r in await cur.fetchall()]


async def central_staff(conn: aiosqlite.Connection) -> list[User]:
    """Active central-office officers (no province) and admins."""
    async with conn.execute(
        "SELECT * FROM users WHERE active = 1 AND"
        " (role = 'admin' OR (role = 'officer' AND province IS NULL)) ORDER BY id"
    ) as cur:
        return [User.from_row(r) for r in await cur.fetchall()]


async def admins(conn: aiosqlite.Connection) -> list[User]:
    async with conn.execute(
        "SELECT * FROM users WHERE role = 'admin' AND active = 1 ORDER BY id"
    ) as cur:
        return [User.from_row(r) for r in await cur.fetchall()]


async def office_for(conn: aiosqlite.Connection, province: str) -> list[User]:
    """Who handles a province's cases: its officers; if it has none yet, the central office."""
    return await officers_for(conn, province) or await central_staff(conn)
