"""The officers' view of cases: counts per status, bucket pages and search, one province or all.

Every query here stays on an index at 100,000 cases: status counts and bucket sizes from the
table kept by triggers (migration 0007); pages on ``cases_bucket_queue`` /
``cases_bucket_queue_all`` (the ``bucket`` column of migration 0004) in submission order, the
completed list on ``cases_closed_queue(_all)`` newest first, so no sort is needed.
``province`` None means every province (the central office and admins).
"""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.workflow import Bucket, Status, statuses_in
from storage.models import _Row

# One row of a list: the case with the names a list shows (foundation, who claimed it).
_ROW_SELECT = (
    "SELECT c.id, c.tracking_no, c.status, c.version, c.volunteer_name, c.passport_no,"
    " c.receipt_no, c.submitted_at, c.closed_at, c.claimed_by,"
    " u.display_name AS claimer_name, f.name_th AS foundation_th, f.name_en AS foundation_en"
    " FROM cases c JOIN foundations f ON f.id = c.foundation_id"
    " LEFT JOIN users u ON u.id = c.claimed_by"
)


class QueueRow(_Row):
    id: int
    tracking_no: str
    status: Status
    version: int
    volunteer_name: str
    passport_no: str
    receipt_no: str | None
    submitted_at: datetime | None
    closed_at: datetime | None
    claimed_by: int | None
    claimer_name: str | None
    foundation_th: str
    foundation_en: str


def _scope(province: str | None) -> tuple[str, tuple[object, ...]]:
    return ("c.province = ? AND ", (province,)) if province is not None else ("", ())


async def status_counts(conn: aiosqlite.Connection, province: str | None) -> dict[Status, int]:
    """How many submitted cases have each status (drafts are the foundation's own).

    Read from ``case_status_counts`` (migration 0007), which triggers on ``cases`` keep in the
    same transaction as every change: ~80 rows for every province instead of counting every
    case on each view.
    """
    params: tuple[object, ...] = ()
    if province is None:
        sql = "SELECT status, SUM(n) AS n FROM case_status_counts GROUP BY status"
    else:
        sql = "SELECT status, n FROM case_status_counts WHERE province = ?"
        params = (province,)
    rows = await conn.execute_fetchall(sql, params)
    counts = {Status(r["status"]): int(r["n"]) for r in rows if r["n"]}
    counts.pop(Status.DRAFT, None)
    return counts


async def bucket_size(conn: aiosqlite.Connection, province: str | None, bucket: Bucket) -> int:
    """How many cases a bucket holds, from the counts the triggers keep (migration 0007): the
    completed list is ~96,000 cases at 100,000, and counting them on every page was most of
    the page's cost."""
    statuses = [s.value for s in statuses_in(bucket)]
    marks = ", ".join("?" for _ in statuses)
    where, params = ("province = ? AND ", (province,)) if province is not None else ("", ())
    rows = await conn.execute_fetchall(
        f"SELECT COALESCE(SUM(n), 0) FROM case_status_counts WHERE {where}status IN ({marks})",
        (*params, *statuses),
    )
    return int(next(iter(rows))[0])


async def bucket_page(
    conn: aiosqlite.Connection, province: str | None, bucket: Bucket, offset: int, limit: int
) -> list[QueueRow]:
    """One page of a bucket: oldest submission first, except the completed list, which is
    newest first (most recently closed; issue 17: the cases people look for are the recent
    ones). Ties by id, so pages never overlap.

    The page's ids are picked from the bucket index alone, and only those rows are read and
    joined: with the joins in the paged query, SQLite reads and joins every row it skips, so
    the last pages of a 90,000-case list took 40-60 ms instead of 5.
    """
    where, params = _scope(province)
    order = (
        "c.closed_at DESC, c.id DESC"  # cases_closed_queue(_all), read backwards
        if bucket is Bucket.COMPLETED
        else "c.submitted_at, c.id"  # cases_bucket_queue(_all)
    )
    async with conn.execute(
        f"{_ROW_SELECT} WHERE c.id IN (SELECT c.id FROM cases c WHERE {where}c.bucket = ?"
        f" ORDER BY {order} LIMIT ? OFFSET ?) ORDER BY {order}",
        (*params, bucket.value, limit, offset),
    ) as cur:
        return [QueueRow.from_row(r) for r in await cur.fetchall()]


def like_pattern(term: str) -> str:
    """``%term%`` with LIKE's own wildcards taken literally."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


async def search(
    conn: aiosqlite.Connection, province: str | None, patterns: tuple[str, ...], limit: int
) -> list[QueueRow]:
    """Submitted cases whose tracking, receipt or passport number, volunteer or foundation name
    matches one of the LIKE ``patterns``, oldest first.

    LIKE ignores case for ASCII letters only; the service passes a lower- and an upper-case
    pattern when the term has other letters (é, ü). Thai has no case. Foundations are matched
    first (a small table), so each case row is tested on its own four columns only.
    """
    where, params = _scope(province)
    fields = ("c.tracking_no", "COALESCE(c.receipt_no, '')", "c.passport_no", "c.volunteer_name")
    tests: list[str] = []
    values: list[object] = []
    for pattern in patterns:
        tests += [f"{field} LIKE ? ESCAPE '\\'" for field in fields]
        values += [pattern] * len(fields)
    names = " OR ".join(
        "name_th LIKE ? ESCAPE '\\' OR name_en LIKE ? ESCAPE '\\'" for _ in patterns
    )
    tests.append(f"c.foundation_id IN (SELECT id FROM foundations WHERE {names})")
    values += [p for pattern in patterns for p in (pattern, pattern)]
    async with conn.execute(
        f"{_ROW_SELECT} WHERE {where}c.status <> 'draft' AND ({' OR '.join(tests)})"
        " ORDER BY c.submitted_at, c.id LIMIT ?",
        (*params, *values, limit),
    ) as cur:
        return [QueueRow.from_row(r) for r in await cur.fetchall()]
