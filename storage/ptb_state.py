"""Rows of the ``ptb_state`` table: python-telegram-bot's persisted state, as JSON text.

Each row is ``(kind, key, value)``; ``kind`` groups the rows (``"user_data"``,
``"conversation:wizard"``, ...), ``key`` names one entry inside the kind and ``value`` is JSON
text. The JSON encoding is the caller's business (see ``bot.persistence``); this module only moves
text in and out. All writes go through ``Database.transaction()``.
"""

from __future__ import annotations

from storage.db import Database


async def load_kind(db: Database, kind: str) -> dict[str, str]:
    """All rows of ``kind`` as ``{key: value}`` (empty if there are none)."""
    rows = await db.fetchall(
        "SELECT key, value FROM ptb_state WHERE kind = ? ORDER BY key", (kind,)
    )
    return {str(row["key"]): str(row["value"]) for row in rows}


async def upsert(db: Database, kind: str, key: str, value: str) -> None:
    """Insert the row, or replace the value of the existing ``(kind, key)`` row."""
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO ptb_state(kind, key, value) VALUES (?, ?, ?)"
            " ON CONFLICT(kind, key) DO UPDATE SET value = excluded.value",
            (kind, key, value),
        )


async def delete(db: Database, kind: str, key: str) -> bool:
    """Delete one row; return whether it existed."""
    async with db.transaction() as conn:
        cur = await conn.execute("DELETE FROM ptb_state WHERE kind = ? AND key = ?", (kind, key))
        return cur.rowcount > 0


async def delete_kind(db: Database, kind: str) -> int:
    """Delete every row of ``kind``; return how many there were."""
    async with db.transaction() as conn:
        cur = await conn.execute("DELETE FROM ptb_state WHERE kind = ?", (kind,))
        return cur.rowcount
