"""Versioned schema migrations, applied at start-up.

Each change is a new file ``migrations/NNNN_name.sql``; an applied file is never edited (its
SHA-256 is recorded and checked, so an edit stops start-up instead of silently diverging).
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from storage.clock import utcnow
from storage.db import Database

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_NAME_RE = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class MigrationError(Exception):
    pass


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def discover(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    found: list[Migration] = []
    for path in sorted(directory.glob("*.sql")):
        match = _NAME_RE.match(path.name)
        if not match:
            raise MigrationError(f"migration file name not understood: {path.name}")
        found.append(Migration(int(match.group(1)), path.name, path.read_text("utf-8")))
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise MigrationError(f"migrations must be numbered 0001, 0002, ... with no gap: {versions}")
    return found


async def migrate(
    db: Database, directory: Path = MIGRATIONS_DIR, *, clock: Callable[[], datetime] = utcnow
) -> list[str]:
    """Apply pending migrations in order; return the names applied now (stamped by ``clock``)."""
    await db.conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL,"
        " applied_at TEXT NOT NULL)"
    )
    applied = {row["version"]: row for row in await db.fetchall("SELECT * FROM schema_migrations")}
    done: list[str] = []
    for migration in discover(directory):
        row = applied.get(migration.version)
        if row is not None:
            if row["checksum"] != migration.checksum:
                raise MigrationError(
                    f"{migration.name} changed after it was applied; add a new migration instead"
                )
            continue
        # executescript would COMMIT on its own; run the statements inside our transaction.
        async with db.transaction() as conn:
            for statement in _split(migration.sql):
                await conn.execute(statement)
            await conn.execute(
                "INSERT INTO schema_migrations(version, name, checksum, applied_at)"
                " VALUES (?, ?, ?, ?)",
                (migration.version, migration.name, migration.checksum, _stamp(clock())),
            )
        done.append(migration.name)
    return done


def _split(script: str) -> list[str]:
    """Split a script into statements; a trigger body keeps its inner ``;``."""

    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        if not buffer and line.strip().startswith("--"):
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        raise MigrationError(f"incomplete statement at end of migration: {buffer[:60]!r}")
    return statements


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")
