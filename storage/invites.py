"""Invitations: stored by the hash of their code; used once, expire, can be revoked."""

from __future__ import annotations

from datetime import datetime, timedelta

import aiosqlite

from storage.clock import to_db
from storage.models import Invite


async def create(
    conn: aiosqlite.Connection,
    *,
    code_hash: str,
    kind: str,
    created_by: int,
    now: datetime,
    expires_at: datetime,
    foundation_id: int | None = None,
    province: str | None = None,
) -> Invite:
    async with conn.execute(
        "INSERT INTO invites (code_hash, kind, foundation_id, province, created_by, created_at,"
        " expires_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *",
        (code_hash, kind, foundation_id, province, created_by, to_db(now), to_db(expires_at)),
    ) as cur:
        row = await cur.fetchone()
    assert row is not None
    return Invite.from_row(row)


async def by_hash(conn: aiosqlite.Connection, code_hash: str) -> Invite | None:
    async with conn.execute("SELECT * FROM invites WHERE code_hash = ?", (code_hash,)) as cur:
        row = await cur.fetchone()
    return Invite.from_row(row) if row else None


async def mark_used(
    conn: aiosqlite.Connection, invite_id: int, user_id: int, now: datetime
) -> bool:
    """Claim the invite for this person; False if someone used it first."""
    cur = await conn.execute(
        "UPDATE invites SET used_by = ?, used_at = ? WHERE id = ? AND used_at IS NULL",
        (user_id, to_db(now), invite_id),
    )
    return cur.rowcount == 1


async def revoke(conn: aiosqlite.Connection, invite_id: int, now: datetime) -> None:
    await conn.execute(
        "UPDATE invites SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
        (to_db(now), invite_id),
    )


async def record_failure(conn: aiosqlite.Connection, user_id: int, now: datetime) -> None:
    await conn.execute(
        "INSERT INTO invite_failures (user_id, failed_at) VALUES (?, ?)", (user_id, to_db(now))
    )


async def recent_failures(
    conn: aiosqlite.Connection, user_id: int, now: datetime, window: timedelta
) -> int:
    async with conn.execute(
        "SELECT COUNT(*) FROM invite_failures WHERE user_id = ? AND failed_at > ?",
        (user_id, to_db(now - window)),
    ) as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0
