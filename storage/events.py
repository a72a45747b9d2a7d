"""The append-only event log of each case (the database refuses UPDATE and DELETE on it)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import aiosqlite

from bot.workflow import Status
from storage.clock import to_db
from storage.models import CaseEvent


async def append(
    conn: aiosqlite.Connection,
    *,
    case_id: int,
    actor_id: int | None,
    action: str,
    from_status: Status | None,
    to_status: Status | None,
    now: datetime,
    public_comment: str | None = None,
    internal_note: str | None = None,
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    async with conn.execute(
        "INSERT INTO case_events (case_id, actor_id, action, from_status, to_status,"
        " public_comment, internal_note, data, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *",
        (
            case_id,
            actor_id,
            action,
            from_status.value if from_status else None,
            to_status.value if to_status else None,
            public_comment,
            internal_note,
            json.dumps(data or {}, ensure_ascii=False),
            to_db(now),
        ),
    ) as cur:
        row = await cur.fetchone()
    assert row is not None
    return CaseEvent.from_row(row)


async def for_case(conn: aiosqlite.Connection, case_id: int) -> list[CaseEvent]:
    async with conn.execute(
        "SELECT * FROM case_events WHERE case_id = ? ORDER BY id", (case_id,)
    ) as cur:
        return [CaseEvent.from_row(r) for r in await cur.fetchall()]


async def latest(conn: aiosqlite.Connection, case_id: int, action: str) -> CaseEvent | None:
    async with conn.execute(
        "SELECT * FROM case_events WHERE case_id = ? AND action = ? ORDER BY id DESC LIMIT 1",
        (case_id, action),
    ) as cur:
        row = await cur.fetchone()
    return CaseEvent.from_row(row) if row else None
