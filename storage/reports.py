"""Reads for the division's reports (issue 17): the cases open at some time in a period, their
status changes, and their rows for the case list; one province or every province.

Rows come back as plain tuples and slotted dataclasses, not pydantic models: a fiscal year over
every province is ~60,000 cases and ~370,000 status changes at 100,000 cases, and validating
each row would cost more than the whole report. For the same reason the status changes come one
row per case (``group_concat``), and the local day of each change is computed by SQLite
(``date(created_at, '+N minutes')``) from the office's UTC offset, which for Asia/Bangkok is
+7:00 all year (no daylight saving time).

The indexes are migration 0007's: ``cases_open_during`` picks the cases, ``case_events_moves``
holds only the events that changed the status (about a sixth of the log) in case and event
order. It is named with ``INDEXED BY``: SQLite then reads each case's changes in that order, so
``group_concat`` lists them oldest first (SQLite 3.40 has no ``ORDER BY`` inside an aggregate),
and a database without the index fails loudly instead of scanning the whole log.
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


MOVE_SEPARATOR = ","
"""Between two status changes in ``moves_in_period``; each change is ``YYYY-MM-DD status``."""

_CASES_IN_PERIOD = (
    "{scope}c.status <> 'draft' AND c.submitted_at < ?"
    " AND (c.closed_at IS NULL OR c.closed_at >= ?)"
)


def _where(province: str | None, start: datetime, end: datetime) -> tuple[str, tuple[object, ...]]:
    scope, params = ("c.province = ? AND ", (province,)) if province is not None else ("", ())
    return _CASES_IN_PERIOD.format(scope=scope), (*params, to_db(end), to_db(start))


async def cases_in_period(
    conn: aiosqlite.Connection, province: str | None, start: datetime, end: datetime
) -> list[tuple[int, str]]:
    """(id, province) of the submitted cases open at some moment in ``[start, end)``: submitted
    before its end and not closed before its start. ``province`` None means every province."""
    where, params = _where(province, start, end)
    rows = await conn.execute_fetchall(
        f"SELECT c.id, c.province FROM cases c WHERE {where}", params
    )
    return [(r[0], r[1]) for r in rows]


async def moves_in_period(
    conn: aiosqlite.Connection,
    province: str | None,
    start: datetime,
    end: datetime,
    utc_offset_minutes: int,
) -> list[tuple[int, str]]:
    """For each case ``cases_in_period`` returns: its id and every status change up to now,
    oldest first, as ``YYYY-MM-DD status`` (the local day) joined by ``MOVE_SEPARATOR``."""
    where, params = _where(province, start, end)
    rows = await conn.execute_fetchall(
        "SELECT e.case_id, group_concat(date(e.created_at, ?) || ' ' || e.to_status, ?)"
        " FROM case_events e INDEXED BY case_events_moves"
        " WHERE e.to_status IS NOT e.from_status"
        f" AND e.case_id IN (SELECT c.id FROM cases c WHERE {where})"
        " GROUP BY e.case_id",
        (f"{utc_offset_minutes:+d} minutes", MOVE_SEPARATOR, *params),
    )
    return [(r[0], r[1]) for r in rows]


async def case_rows(
    conn: aiosqlite.Connection, province: str | None, start: datetime, end: datetime
) -> list[ReportCaseRow]:
    """The same cases with what the case list shows, in id order (never internal notes)."""
    where, params = _where(province, start, end)
    rows = await conn.execute_fetchall(
        "SELECT c.id, c.tracking_no, c.receipt_no, c.province, c.status, c.volunteer_name,"
        " c.passport_no, f.name_th, f.name_en"
        f" FROM cases c JOIN foundations f ON f.id = c.foundation_id WHERE {where}",
        params,
    )
    return sorted((ReportCaseRow(*r) for r in rows), key=lambda r: r.id)
