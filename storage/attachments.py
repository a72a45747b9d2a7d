"""Attachments, one row per revision: a corrected file never overwrites the reviewed one."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from storage.clock import to_db
from storage.models import Attachment, Verdict


async def add_revision(
    conn: aiosqlite.Connection,
    *,
    case_id: int,
    item: str,
    slot: int,
    file_name: str,
    mime_type: str,
    size: int,
    sha256: str,
    telegram_file_id: str,
    uploaded_by: int,
    now: datetime,
) -> Attachment:
    async with conn.execute(
        "INSERT INTO attachments (case_id, item, slot, revision, file_name, mime_type, size,"
        " sha256, telegram_file_id, uploaded_by, uploaded_at)"
        " VALUES (?, ?, ?, (SELECT COALESCE(MAX(revision), 0) + 1 FROM attachments"
        "  WHERE case_id = ? AND item = ? AND slot = ?), ?, ?, ?, ?, ?, ?, ?) RETURNING *",
        (
            case_id,
            item,
            slot,
            case_id,
            item,
            slot,
            file_name,
            mime_type,
            size,
            sha256,
            telegram_file_id,
            uploaded_by,
            to_db(now),
        ),
    ) as cur:
        row = await cur.fetchone()
    assert row is not None
    return Attachment.from_row(row)


async def get(conn: aiosqlite.Connection, attachment_id: int) -> Attachment | None:
    async with conn.execute("SELECT * FROM attachments WHERE id = ?", (attachment_id,)) as cur:
        row = await cur.fetchone()
    return Attachment.from_row(row) if row else None


async def current(conn: aiosqlite.Connection, case_id: int) -> list[Attachment]:
    """The latest revision of each (item, slot) of a case."""
    async with conn.execute(
        "SELECT a.* FROM attachments a WHERE a.case_id = ? AND a.revision = ("
        " SELECT MAX(b.revision) FROM attachments b"
        " WHERE b.case_id = a.case_id AND b.item = a.item AND b.slot = a.slot)"
        " ORDER BY a.item, a.slot",
        (case_id,),
    ) as cur:
        return [Attachment.from_row(r) for r in await cur.fetchall()]


async def history(conn: aiosqlite.Connection, case_id: int) -> list[Attachment]:
    async with conn.execute(
        "SELECT * FROM attachments WHERE case_id = ? ORDER BY item, slot, revision", (case_id,)
    ) as cur:
        return [Attachment.from_row(r) for r in await cur.fetchall()]


async def set_verdict(
    conn: aiosqlite.Connection,
    attachment_id: int,
    verdict: Verdict,
    reason: str | None,
    by: int,
    now: datetime,
) -> Attachment:
    async with conn.execute(
        "UPDATE attachments SET verdict = ?, verdict_reason = ?, verdict_by = ?, verdict_at = ?"
        " WHERE id = ? RETURNING *",
        (verdict, reason, by, to_db(now), attachment_id),
    ) as cur:
        row = await cur.fetchone()
    if row is None:
        raise LookupError(f"attachment {attachment_id} not found")
    return Attachment.from_row(row)
