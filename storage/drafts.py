"""Wizard drafts: what a person typed so far, one JSON document per (person, wizard)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import aiosqlite

from storage.clock import to_db
from storage.models import Draft


async def save(
    conn: aiosqlite.Connection, user_id: int, kind: str, data: dict[str, Any], now: datetime
) -> None:
    await conn.execute(
        "INSERT INTO drafts (user_id, kind, data, updated_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (user_id, kind) DO UPDATE SET data = excluded.data,"
        " updated_at = excluded.updated_at",
        (user_id, kind, json.dumps(data, ensure_ascii=False), to_db(now)),
    )


async def load(conn: aiosqlite.Connection, user_id: int, kind: str) -> Draft | None:
    async with conn.execute(
        "SELECT * FROM drafts WHERE user_id = ? AND kind = ?", (user_id, kind)
    ) as cur:
        row = await cur.fetchone()
    return Draft.from_row(row) if row else None


async def delete(conn: aiosqlite.Connection, user_id: int, kind: str) -> None:
    await conn.execute("DELETE FROM drafts WHERE user_id = ? AND kind = ?", (user_id, kind))
