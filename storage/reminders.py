"""What the reminder scan reads, and the log that makes every reminder happen once."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import aiosqlite

from bot.workflow import Status
from storage.clock import to_db
from storage.models import Case, User, _Row

# The statuses in which the officers' clock runs (bot.reminders.OFFICER_CLOCK_RUNS).
_OFFICER_RUNNING = (
    Status.AWAITING_CHECK.value,
    Status.AWAITING_RECHECK.value,
    Status.AWAITING_CONSIDERATION.value,
    Status.AWAITING_ISSUANCE.value,
    Status.AWAITING_SIGNATURE.value,
)
_RUNNING_SQL = ", ".join("?" for _ in _OFFICER_RUNNING)

_CASE_SELECT = (
    "SELECT c.id, c.tracking_no, c.status, c.version, c.province, c.foundation_id,"
    " c.volunteer_name, c.clock_stage, c.clock_base, c.applicant_since,"
    " f.name_th AS foundation_th, f.name_en AS foundation_en"
    " FROM cases c JOIN foundations f ON f.id = c.foundation_id"
)


class WaitingCase(_Row):
    id: int
    tracking_no: str
    status: Status
    version: int
    province: str
    foundation_id: int
    volunteer_name: str
    clock_stage: str | None
    clock_base: int | None
    applicant_since: datetime | None
    foundation_th: str
    foundation_en: str


async def log_once(
    conn: aiosqlite.Connection,
    key: str,
    kind: str,
    now: datetime,
    *,
    case_id: int | None = None,
    user_id: int | None = None,
) -> bool:
    """Record a reminder; False if one with this key was already recorded (do not send)."""
    cur = await conn.execute(
        "INSERT OR IGNORE INTO reminder_log (key, kind, case_id, user_id, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (key, kind, case_id, user_id, to_db(now)),
    )
    return cur.rowcount == 1


async def was_logged(conn: aiosqlite.Connection, key: str) -> bool:
    async with conn.execute("SELECT 1 FROM reminder_log WHERE key = ?", (key,)) as cur:
        return await cur.fetchone() is not None


# Keys per statement: well under SQLite's limit on bound parameters.
_KEYS_PER_QUERY = 500


async def logged(conn: aiosqlite.Connection, keys: Iterable[str]) -> set[str]:
    """Which of these keys are recorded: one query per 500 keys, not one per reminder."""
    wanted = list(dict.fromkeys(keys))
    found: set[str] = set()
    for start in range(0, len(wanted), _KEYS_PER_QUERY):
        chunk = wanted[start : start + _KEYS_PER_QUERY]
        marks = ", ".join("?" for _ in chunk)
        async with conn.execute(
            f"SELECT key FROM reminder_log WHERE key IN ({marks})", chunk
        ) as cur:
            found.update(str(row[0]) for row in await cur.fetchall())
    return found


class LogEntry(_Row):
    key: str
    kind: str
    case_id: int | None = None
    user_id: int | None = None


async def log_many(conn: aiosqlite.Connection, entries: Sequence[LogEntry], now: datetime) -> None:
    """Record reminders that ``logged`` (in the same write transaction) found unrecorded."""
    at = to_db(now)
    await conn.executemany(
        "INSERT OR IGNORE INTO reminder_log (key, kind, case_id, user_id, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        [(e.key, e.kind, e.case_id, e.user_id, at) for e in entries],
    )


async def officer_waiting_since_before(
    conn: aiosqlite.Connection, stage: str, base_below: int
) -> list[WaitingCase]:
    """Cases of a stage whose officer clock started before ``base_below`` (index on base)."""
    async with conn.execute(
        f"{_CASE_SELECT} WHERE c.clock_base IS NOT NULL AND c.clock_base < ?"
        f" AND c.clock_stage = ? AND c.status IN ({_RUNNING_SQL}) ORDER BY c.clock_base, c.id",
        (base_below, stage, *_OFFICER_RUNNING),
    ) as cur:
        return [WaitingCase.from_row(r) for r in await cur.fetchall()]


async def applicant_waiting_since_before(
    conn: aiosqlite.Connection, moment: datetime
) -> list[WaitingCase]:
    async with conn.execute(
        f"{_CASE_SELECT} WHERE c.applicant_since IS NOT NULL AND c.applicant_since <= ?"
        " AND c.status = ? ORDER BY c.applicant_since, c.id",
        (to_db(moment), Status.AWAITING_CORRECTION.value),
    ) as cur:
        return [WaitingCase.from_row(r) for r in await cur.fetchall()]


async def clocks_not_started(conn: aiosqlite.Connection) -> list[tuple[int, Status]]:
    """Open cases whose officer clock should run but has no base (cases from before 0005)."""
    async with conn.execute(
        f"SELECT id, status FROM cases WHERE clock_base IS NULL AND status IN ({_RUNNING_SQL})",
        _OFFICER_RUNNING,
    ) as cur:
        return [(int(r[0]), Status(r[1])) for r in await cur.fetchall()]


async def start_clock(conn: aiosqlite.Connection, case_id: int, stage: str, base: int) -> None:
    # Bookkeeping only: the version is not bumped, so nobody's buttons go stale over it.
    await conn.execute(
        "UPDATE cases SET clock_stage = ?, clock_base = ? WHERE id = ? AND clock_base IS NULL",
        (stage, base, case_id),
    )


async def digest_readers(conn: aiosqlite.Connection) -> list[User]:
    """Active officers who want the morning digest (province None: every province)."""
    async with conn.execute(
        "SELECT * FROM users WHERE role = 'officer' AND active = 1"
        " AND digest_enabled = 1 ORDER BY id"
    ) as cur:
        return [User.from_row(r) for r in await cur.fetchall()]


async def running_over_by_province(
    conn: aiosqlite.Connection, stage: str, base_below: int
) -> dict[str, int]:
    """Cases of a stage whose officer clock started before ``base_below``, per province."""
    async with conn.execute(
        "SELECT province, COUNT(*) FROM cases WHERE clock_base IS NOT NULL AND clock_base < ?"
        " AND clock_stage = ? GROUP BY province",
        (base_below, stage),
    ) as cur:
        return {str(r[0]): int(r[1]) for r in await cur.fetchall()}


async def active_staff(conn: aiosqlite.Connection) -> list[User]:
    """Active officers and admins, by id: who reminders to the office go to."""
    async with conn.execute(
        "SELECT * FROM users WHERE active = 1 AND role IN ('officer', 'admin') ORDER BY id"
    ) as cur:
        return [User.from_row(r) for r in await cur.fetchall()]


async def members_of_foundations(
    conn: aiosqlite.Connection, foundation_ids: Iterable[int]
) -> dict[int, list[User]]:
    """``users.members_of`` for many foundations in one query per 500 (ordered by id)."""
    wanted = sorted(set(foundation_ids))
    found: dict[int, list[User]] = {f: [] for f in wanted}
    for start in range(0, len(wanted), _KEYS_PER_QUERY):
        chunk = wanted[start : start + _KEYS_PER_QUERY]
        marks = ", ".join("?" for _ in chunk)
        async with conn.execute(
            "SELECT * FROM users WHERE role = 'member' AND active = 1"
            f" AND foundation_id IN ({marks}) ORDER BY id",
            chunk,
        ) as cur:
            for row in await cur.fetchall():
                found[int(row["foundation_id"])].append(User.from_row(row))
    return found


async def cases_by_id(conn: aiosqlite.Connection, ids: Iterable[int]) -> dict[int, Case]:
    wanted = sorted(set(ids))
    found: dict[int, Case] = {}
    for start in range(0, len(wanted), _KEYS_PER_QUERY):
        chunk = wanted[start : start + _KEYS_PER_QUERY]
        marks = ", ".join("?" for _ in chunk)
        async with conn.execute(f"SELECT * FROM cases WHERE id IN ({marks})", chunk) as cur:
            found.update((int(r["id"]), Case.from_row(r)) for r in await cur.fetchall())
    return found


async def set_digest(conn: aiosqlite.Connection, user_id: int, enabled: bool) -> None:
    await conn.execute("UPDATE users SET digest_enabled = ? WHERE id = ?", (int(enabled), user_id))


async def digest_enabled(conn: aiosqlite.Connection, user_id: int) -> bool:
    async with conn.execute("SELECT digest_enabled FROM users WHERE id = ?", (user_id,)) as cur:
        row = await cur.fetchone()
    return bool(row[0]) if row else False
