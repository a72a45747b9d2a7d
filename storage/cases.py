"""Cases: one application for one volunteer, with its status and version."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import aiosqlite

from bot.workflow import Status
from storage.clock import to_db
from storage.models import Case


class StaleVersion(Exception):
    """The case changed since the caller read it; ``current`` is its version now."""

    def __init__(self, case_id: int, expected: int, current: int | None) -> None:
        super().__init__(f"case {case_id}: expected version {expected}, found {current}")
        self.case_id = case_id
        self.expected = expected
        self.current = current


async def create_draft(
    conn: aiosqlite.Connection,
    *,
    foundation_id: int,
    province: str,
    created_by: int,
    volunteer_name: str,
    passport_no: str,
    details: dict[str, Any],
    tracking_prefix: str,
    now: datetime,
) -> Case:
    async with conn.execute(
        "INSERT INTO cases (tracking_no, foundation_id, province, status, volunteer_name,"
        " passport_no, details, created_by, created_at, updated_at)"
        " VALUES (hex(randomblob(8)), ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (
            foundation_id,
            province,
            Status.DRAFT.value,
            volunteer_name,
            passport_no,
            json.dumps(details, ensure_ascii=False),
            created_by,
            to_db(now),
            to_db(now),
        ),
    ) as cur:
        row = await cur.fetchone()
    assert row is not None
    # The tracking number is derived from the id so it is short, unique and sortable.
    tracking_no = f"{tracking_prefix}{row['id']:06d}"
    async with conn.execute(
        "UPDATE cases SET tracking_no = ? WHERE id = ? RETURNING *", (tracking_no, row["id"])
    ) as cur:
        created = await cur.fetchone()
    assert created is not None
    return Case.from_row(created)


async def get(conn: aiosqlite.Connection, case_id: int) -> Case | None:
    async with conn.execute("SELECT * FROM cases WHERE id = ?", (case_id,)) as cur:
        row = await cur.fetchone()
    return Case.from_row(row) if row else None


async def get_by_tracking(conn: aiosqlite.Connection, tracking_no: str) -> Case | None:
    async with conn.execute("SELECT * FROM cases WHERE tracking_no = ?", (tracking_no,)) as cur:
        row = await cur.fetchone()
    return Case.from_row(row) if row else None


_UPDATABLE = frozenset(
    {
        "status",
        # Only ever changed on a draft (EDIT_DRAFT): the workplace decides the office.
        "province",
        "volunteer_name",
        "passport_no",
        "details",
        "receipt_no",
        "claimed_by",
        "submitted_at",
        "closed_at",
        "clock_stage",
        "clock_base",
        "clock_carried",
        "applicant_since",
    }
)


async def update(
    conn: aiosqlite.Connection,
    case_id: int,
    expected_version: int,
    now: datetime,
    **fields: Any,
) -> Case:
    """Change fields and bump the version, only if nobody else did first."""
    unknown = set(fields) - _UPDATABLE
    if unknown:
        raise ValueError(f"not updatable: {sorted(unknown)}")
    values: list[Any] = []
    for name, value in fields.items():
        if name == "details":
            value = json.dumps(value, ensure_ascii=False)
        elif isinstance(value, Status):
            value = value.value
        elif isinstance(value, datetime):
            value = to_db(value)
        values.append(value)
    assignments = "".join(f"{name} = ?, " for name in fields)
    async with conn.execute(
        f"UPDATE cases SET {assignments}version = version + 1, updated_at = ?"
        " WHERE id = ? AND version = ? RETURNING *",
        (*values, to_db(now), case_id, expected_version),
    ) as cur:
        row = await cur.fetchone()
    if row is None:
        current = await get(conn, case_id)
        raise StaleVersion(case_id, expected_version, current.version if current else None)
    return Case.from_row(row)


async def receipt_taken(
    conn: aiosqlite.Connection, province: str, receipt_no: str, except_case: int
) -> bool:
    async with conn.execute(
        "SELECT 1 FROM cases WHERE province = ? AND receipt_no = ? AND id <> ?",
        (province, receipt_no, except_case),
    ) as cur:
        return await cur.fetchone() is not None


async def list_for_foundation(conn: aiosqlite.Connection, foundation_id: int) -> list[Case]:
    async with conn.execute(
        "SELECT * FROM cases WHERE foundation_id = ? ORDER BY created_at DESC, id DESC",
        (foundation_id,),
    ) as cur:
        return [Case.from_row(r) for r in await cur.fetchall()]
