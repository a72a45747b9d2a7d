"""Pickup appointments: one row per proposed time; a new time supersedes the one before.

"Current" means not superseded: at most one per case (a unique index says so). Its state is
what the foundation answered: ``proposed`` (no answer yet), ``confirmed`` or
``reschedule_requested`` (with the reason they gave).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import aiosqlite

from bot.workflow import Status
from storage.clock import to_db
from storage.models import _Row

AppointmentState = Literal["proposed", "confirmed", "reschedule_requested", "superseded"]
CURRENT_STATES: tuple[AppointmentState, ...] = ("proposed", "confirmed", "reschedule_requested")


class Appointment(_Row):
    id: int
    case_id: int
    starts_at: datetime
    place: str
    place_en: str | None
    note: str | None
    state: AppointmentState
    created_by: int
    created_at: datetime
    answered_by: int | None
    answered_at: datetime | None
    answer_reason: str | None

    def place_in(self, lang: str) -> str:
        """The place in the reader's language when the office's English address was chosen."""
        return self.place_en if lang == "en" and self.place_en else self.place


async def create(
    conn: aiosqlite.Connection,
    *,
    case_id: int,
    starts_at: datetime,
    place: str,
    place_en: str | None,
    note: str | None,
    created_by: int,
    now: datetime,
) -> Appointment:
    """A new current appointment for the case; the one it replaces becomes superseded."""
    await conn.execute(
        "UPDATE appointments SET state = 'superseded' WHERE case_id = ? AND state <> 'superseded'",
        (case_id,),
    )
    async with conn.execute(
        "INSERT INTO appointments (case_id, starts_at, place, place_en, note, created_by,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *",
        (case_id, to_db(starts_at), place, place_en, note, created_by, to_db(now)),
    ) as cur:
        row = await cur.fetchone()
    assert row is not None
    return Appointment.from_row(row)


async def get(conn: aiosqlite.Connection, appointment_id: int) -> Appointment | None:
    async with conn.execute("SELECT * FROM appointments WHERE id = ?", (appointment_id,)) as cur:
        row = await cur.fetchone()
    return Appointment.from_row(row) if row else None


async def latest_for_case(conn: aiosqlite.Connection, case_id: int) -> Appointment | None:
    """The case's current appointment (the one shown everywhere), or None."""
    async with conn.execute(
        "SELECT * FROM appointments WHERE case_id = ? AND state <> 'superseded'"
        " ORDER BY id DESC LIMIT 1",
        (case_id,),
    ) as cur:
        row = await cur.fetchone()
    return Appointment.from_row(row) if row else None


async def earlier_count(conn: aiosqlite.Connection, appointment: Appointment) -> int:
    """How many times the case's pickup was set before this one (the .ics SEQUENCE)."""
    async with conn.execute(
        "SELECT COUNT(*) FROM appointments WHERE case_id = ? AND id < ?",
        (appointment.case_id, appointment.id),
    ) as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def answer(
    conn: aiosqlite.Connection,
    appointment_id: int,
    *,
    state: AppointmentState,
    by: int,
    now: datetime,
    reason: str | None = None,
) -> Appointment:
    async with conn.execute(
        "UPDATE appointments SET state = ?, answered_by = ?, answered_at = ?, answer_reason = ?"
        " WHERE id = ? AND state <> 'superseded' RETURNING *",
        (state, by, to_db(now), reason, appointment_id),
    ) as cur:
        row = await cur.fetchone()
    if row is None:
        raise LookupError(f"appointment {appointment_id} is not current")
    return Appointment.from_row(row)


async def upcoming(
    conn: aiosqlite.Connection, start_utc: datetime, end_utc: datetime
) -> list[Appointment]:
    """Current appointments starting in [start_utc, end_utc), soonest first.

    A withdrawn case's appointment will not be kept, so it is left out; a completed case's is
    still ahead of the foundation (the original is collected after the scan was sent).
    """
    marks = ", ".join("?" for _ in CURRENT_STATES)
    async with conn.execute(
        "SELECT a.* FROM appointments a JOIN cases c ON c.id = a.case_id"
        f" WHERE a.state IN ({marks}) AND a.starts_at >= ? AND a.starts_at < ?"
        " AND c.status <> ? ORDER BY a.starts_at, a.id",
        (*CURRENT_STATES, to_db(start_utc), to_db(end_utc), Status.WITHDRAWN.value),
    ) as cur:
        return [Appointment.from_row(r) for r in await cur.fetchall()]
