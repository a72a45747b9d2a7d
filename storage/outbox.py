"""Notifications written with the change that caused them, sent later by the outbox worker."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

import aiosqlite

from storage.clock import to_db
from storage.models import OutboxMessage


async def enqueue(
    conn: aiosqlite.Connection,
    *,
    recipient_id: int,
    kind: str,
    msg_id: str,
    params: str,
    now: datetime,
    case_id: int | None = None,
    event_id: int | None = None,
    attachment_id: int | None = None,
    urgent: bool = True,
    not_before: datetime | None = None,
) -> int:
    """Queue one message; ``not_before`` holds it (reminders wait out quiet hours)."""
    async with conn.execute(
        "INSERT INTO outbox (recipient_id, case_id, event_id, attachment_id, kind, msg_id,"
        " params, urgent, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " RETURNING id",
        (
            recipient_id,
            case_id,
            event_id,
            attachment_id,
            kind,
            msg_id,
            params,
            int(urgent),
            to_db(not_before or now),
            to_db(now),
        ),
    ) as cur:
        row = await cur.fetchone()
    assert row is not None
    return int(row["id"])


async def due(conn: aiosqlite.Connection, now: datetime, limit: int = 100) -> list[OutboxMessage]:
    """Pending messages whose time has come, oldest first, so each person gets them in order.

    A message also waits while an earlier one to the same person waits for a retry (it failed
    at least once); one held only by quiet hours does not hold back what must go at once.
    """
    at = to_db(now)
    # The people held back are found once (those waiting for a retry are few), not with a
    # subquery per due message: after a morning's reminders (7,500 due, hundreds for one
    # admin) that subquery walked each person's earlier messages for every message, 140 ms
    # a poll, every poll. A message is held when the person's first retry-waiting one is
    # older than it (exactly what "an earlier one waits for a retry" means).
    async with conn.execute(
        "WITH held AS (SELECT recipient_id, MIN(id) AS first_id FROM outbox"
        "  WHERE state = 'pending' AND attempts > 0 AND next_attempt_at > ?"
        "  GROUP BY recipient_id)"
        " SELECT o.* FROM outbox o LEFT JOIN held h ON h.recipient_id = o.recipient_id"
        " WHERE o.state = 'pending' AND o.next_attempt_at <= ?"
        " AND (h.first_id IS NULL OR o.id < h.first_id)"
        " ORDER BY o.id LIMIT ?",
        (at, at, limit),
    ) as cur:
        return [OutboxMessage.from_row(r) for r in await cur.fetchall()]


async def count_due(conn: aiosqlite.Connection, now: datetime) -> int:
    async with conn.execute(
        "SELECT COUNT(*) FROM outbox WHERE state = 'pending' AND next_attempt_at <= ?",
        (to_db(now),),
    ) as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def for_case(conn: aiosqlite.Connection, case_id: int) -> list[OutboxMessage]:
    async with conn.execute(
        "SELECT * FROM outbox WHERE case_id = ? ORDER BY id", (case_id,)
    ) as cur:
        return [OutboxMessage.from_row(r) for r in await cur.fetchall()]


async def mark_sent(conn: aiosqlite.Connection, message_id: int, now: datetime) -> None:
    await conn.execute(
        "UPDATE outbox SET state = 'sent', sent_at = ?, attempts = attempts + 1 WHERE id = ?",
        (to_db(now), message_id),
    )


async def reschedule(
    conn: aiosqlite.Connection,
    message_id: int,
    error: str,
    next_attempt_at: datetime,
    *,
    count_attempt: bool = True,
) -> None:
    await conn.execute(
        "UPDATE outbox SET attempts = attempts + ?, last_error = ?, next_attempt_at = ?"
        " WHERE id = ?",
        (int(count_attempt), error, to_db(next_attempt_at), message_id),
    )


async def mark_undeliverable(
    conn: aiosqlite.Connection, message_id: int, state: str, error: str
) -> None:
    await conn.execute(
        "UPDATE outbox SET state = ?, last_error = ?, attempts = attempts + 1 WHERE id = ?",
        (state, error, message_id),
    )


class Queued(NamedTuple):
    """One message of a batch for ``enqueue_many``."""

    recipient_id: int
    kind: str
    msg_id: str
    params: str
    case_id: int | None = None


async def enqueue_many(
    conn: aiosqlite.Connection,
    messages: Sequence[Queued],
    *,
    now: datetime,
    urgent: bool = True,
    not_before: datetime | None = None,
) -> None:
    """Queue many messages with one statement, in this order (ids ascend with it)."""
    at, created = to_db(not_before or now), to_db(now)
    await conn.executemany(
        "INSERT INTO outbox (recipient_id, case_id, kind, msg_id, params, urgent,"
        " next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (m.recipient_id, m.case_id, m.kind, m.msg_id, m.params, int(urgent), at, created)
            for m in messages
        ],
    )
