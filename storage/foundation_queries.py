"""Reads the foundation side needs: its cases page by page, and the public part of a timeline.

The timeline query never selects ``internal_note``: officers' notes for each other cannot reach
a foundation through this module even by mistake in a template.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import aiosqlite
from pydantic import field_validator

from bot.workflow import Status
from storage.models import Case, _json_dict, _Row


class PublicEvent(_Row):
    """A case event as a foundation may see it: no internal note, no officer's identity."""

    id: int
    action: str
    from_status: Status | None
    to_status: Status | None
    public_comment: str | None
    data: dict[str, Any]
    created_at: datetime

    _data = field_validator("data", mode="before")(_json_dict)


async def registration_taken(conn: aiosqlite.Connection, registration_no: str) -> bool:
    async with conn.execute(
        "SELECT 1 FROM foundations WHERE registration_no = ?", (registration_no,)
    ) as cur:
        return await cur.fetchone() is not None


async def count_submitted(conn: aiosqlite.Connection, foundation_id: int) -> int:
    """Cases the foundation has sent to the office (drafts are reached through /continue)."""
    async with conn.execute(
        "SELECT COUNT(*) FROM cases WHERE foundation_id = ? AND status <> ?",
        (foundation_id, Status.DRAFT.value),
    ) as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def submitted_page(
    conn: aiosqlite.Connection, foundation_id: int, limit: int, offset: int
) -> list[Case]:
    """Newest first: the one just submitted is on top (every case but a draft has a
    submission time, so the index in 0003 serves this order)."""
    async with conn.execute(
        "SELECT * FROM cases WHERE foundation_id = ? AND status <> ?"
        " ORDER BY submitted_at DESC, id DESC LIMIT ? OFFSET ?",
        (foundation_id, Status.DRAFT.value, limit, offset),
    ) as cur:
        return [Case.from_row(r) for r in await cur.fetchall()]


async def public_events(
    conn: aiosqlite.Connection, case_id: int, actions: Sequence[str]
) -> list[PublicEvent]:
    marks = ", ".join("?" for _ in actions)
    async with conn.execute(
        "SELECT id, action, from_status, to_status, public_comment, data, created_at"
        f" FROM case_events WHERE case_id = ? AND action IN ({marks}) ORDER BY id",
        (case_id, *actions),
    ) as cur:
        return [PublicEvent.from_row(r) for r in await cur.fetchall()]
