"""Reads for the division's reports (issue 17): the cases open at some time in a period, and
their status changes, for one province or every province.

Rows come back as plain tuples and slotted dataclasses, not pydantic models: a fiscal year
over every province is tens of thousands of cases and hundreds of thousands of status
changes, and validating each row would cost more than the whole report. The local day of each
change is computed by SQLite (``date(created_at, '+N minutes')``) from the office's UTC offset,
which for Asia/Bangkok is +7:00 all year (no daylight saving time).

Status changes are read from migration 0007's partial index ``case_events_moves``, which holds
only the events that changed the status (about a third of the log), in case order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from storage.clock import to_db


@dataclass(frozen=True, slots=True)
class ReportCaseRow:
    id: int
    tracking_no: str
    receipt_no: str | None
    province: str
    status: str
    volunteer_name: str
    passport_no: str
    foundation_th: str
    foundation_en: str


# (case id, local day 'YYYY-MM-DD', status it changed to), in case and event order.
MoveRow = tuple[int, str, str]

_CASES_IN_PERIOD = (
    "{scope}c.status <> 'draft' AND c.submitted_at IS NOT NULL"
    " AND c.submitted_at < ? AND (c.closed_at IS NULL OR c.closed_at >= ?)"
)


def _where(province: str | None, start: datetime, end: datetime) -> tuple[str, tuple[object, ...]]:
    scope, params = ("c.province = ? AND ", (province,)) if province is not None else ("", ())
    return _CASES_IN_PERIOD.format(scope=scope), (*params, to_db(end), to_db(start))


async def cases_in_period(
    conn: aiosqlite.Connection, province: str | None, start: datetime, end: datetime
) -> list[ReportCaseRow]:
    """Submitted cases open at some moment in ``[start, end)``: submitted before its end and
    not closed before its start. ``province`` None means every province."""
    where, params = _where(province, start, end)
    rows = await conn.execute_fetchall(
        "SELECT c.id, c.tracking_no, c.receipt_no, c.province, c.status, c.volunteer_name,"
        " c.passport_no, f.name_th, f.name_en"
        f" FROM cases c JOIN foundations f ON f.id = c.foundation_id WHERE {where} ORDER BY c.id",
        params,
    )
    return [ReportCaseRow(*r) for r in rows]


async def moves_in_period(
    conn: aiosqlite.Connection,
    province: str | None,
    start: datetime,
    end: datetime,
    utc_offset_minutes: int,
) -> list[MoveRow]:
    """Every status change (up to now) of the cases ``cases_in_period`` returns, oldest first
    per case, with the local day it happened on."""
    where, params = _where(province, start, end)
    rows = await conn.execute_fetchall(
        "SELECT e.case_id, date(e.created_at, ?), e.to_status FROM case_events e"
        " WHERE e.to_status IS NOT e.from_status"
        f" AND e.case_id IN (SELECT c.id FROM cases c WHERE {where})"
        " ORDER BY e.case_id, e.id",
        (f"{utc_offset_minutes:+d} minutes", *params),
    )
    return [(r[0], r[1], r[2]) for r in rows]
