"""Foundations and associations that apply for their volunteers."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import aiosqlite

from storage.clock import to_db
from storage.models import Foundation


async def create(
    conn: aiosqlite.Connection,
    *,
    kind: Literal["foundation", "association"],
    name_th: str,
    name_en: str,
    registration_no: str,
    province: str,
    now: datetime,
    address: str = "",
    phone: str = "",
    email: str = "",
) -> Foundation:
    async with conn.execute(
        "INSERT INTO foundations (kind, name_th, name_en, registration_no, province, address,"
        " phone, email, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *",
        (kind, name_th, name_en, registration_no, province, address, phone, email, to_db(now)),
    ) as cur:
        row = await cur.fetchone()
    assert row is not None
    return Foundation.from_row(row)


async def get(conn: aiosqlite.Connection, foundation_id: int) -> Foundation | None:
    async with conn.execute("SELECT * FROM foundations WHERE id = ?", (foundation_id,)) as cur:
        row = await cur.fetchone()
    return Foundation.from_row(row) if row else None
