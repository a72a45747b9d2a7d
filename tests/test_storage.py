"""Storage: pragmas, migrations, the append-only log, revisions and optimistic versions."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.testing.clock import ManualClock
from bot.workflow import Status
from storage import attachments as attachments_repo
from storage import cases as cases_repo
from storage import events as events_repo
from storage.cases import StaleVersion
from storage.db import Database
from storage.migrate import MIGRATIONS_DIR, MigrationError, migrate
from tests.conftest import World


async def test_connection_uses_wal_foreign_keys_and_a_busy_timeout(db: Database) -> None:
    assert (await db.fetchone("PRAGMA journal_mode"))[0] == "wal"  # type: ignore[index]
    assert (await db.fetchone("PRAGMA foreign_keys"))[0] == 1  # type: ignore[index]
    assert (await db.fetchone("PRAGMA busy_timeout"))[0] >= 1000  # type: ignore[index]
    with pytest.raises(sqlite3.IntegrityError):
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO cases (tracking_no, foundation_id, province, status, created_by,"
                " created_at, updated_at) VALUES ('x', 999, 'p', 'draft', 999, 'n', 'n')"
            )


async def test_migrations_apply_once_and_refuse_edits_and_gaps(tmp_path: Path) -> None:
    migrations = tmp_path / "migrations"
    migrations.mkdir()
    for source in MIGRATIONS_DIR.glob("*.sql"):
        (migrations / source.name).write_text(source.read_text("utf-8"), "utf-8")
    db = await Database.open(tmp_path / "m.sqlite3")
    try:
        first = await migrate(db, migrations)
        assert first and first[0] == "0001_initial.sql"
        assert await migrate(db, migrations) == []

        nxt = len(first) + 1
        (migrations / f"{nxt:04d}_add_note.sql").write_text(
            "ALTER TABLE foundations ADD COLUMN note TEXT;", "utf-8"
        )
        assert await migrate(db, migrations) == [f"{nxt:04d}_add_note.sql"]

        (migrations / "0001_initial.sql").write_text(
            (MIGRATIONS_DIR / "0001_initial.sql").read_text("utf-8") + "\n-- edited\n", "utf-8"
        )
        with pytest.raises(MigrationError, match="changed after it was applied"):
            await migrate(db, migrations)
        (migrations / "0001_initial.sql").write_text(
            (MIGRATIONS_DIR / "0001_initial.sql").read_text("utf-8"), "utf-8"
        )
        (migrations / f"{nxt + 2:04d}_gap.sql").write_text("SELECT 1;", "utf-8")
        with pytest.raises(MigrationError, match="no gap"):
            await migrate(db, migrations)
    finally:
        await db.close()


async def test_a_failing_migration_leaves_nothing_behind(tmp_path: Path) -> None:
    migrations = tmp_path / "migrations"
    migrations.mkdir()
    (migrations / "0001_ok.sql").write_text("CREATE TABLE a (x INTEGER);", "utf-8")
    (migrations / "0002_broken.sql").write_text(
        "CREATE TABLE b (x INTEGER);\nINSERT INTO nowhere VALUES (1);", "utf-8"
    )
    db = await Database.open(tmp_path / "m.sqlite3")
    try:
        with pytest.raises(sqlite3.OperationalError):
            await migrate(db, migrations)
        tables = {r[0] for r in await db.fetchall("SELECT name FROM sqlite_master")}
        assert "a" in tables and "b" not in tables
        versions = [r[0] for r in await db.fetchall("SELECT version FROM schema_migrations")]
        assert versions == [1]
    finally:
        await db.close()


async def _draft(db: Database, world: World, clock: ManualClock) -> int:
    async with db.transaction() as conn:
        case = await cases_repo.create_draft(
            conn,
            foundation_id=world.foundation_id,
            province=world.province,
            created_by=world.member,
            volunteer_name="A B",
            passport_no="X1",
            details={"k": "ข้อมูล"},
            tracking_prefix="VC",
            now=clock(),
        )
    return case.id


async def test_the_event_log_is_append_only(db: Database, world: World, clock: ManualClock) -> None:
    case_id = await _draft(db, world, clock)
    async with db.transaction() as conn:
        await events_repo.append(
            conn,
            case_id=case_id,
            actor_id=world.member,
            action="submit",
            from_status=Status.DRAFT,
            to_status=Status.AWAITING_CHECK,
            now=clock(),
        )
    for statement in ("UPDATE case_events SET action = 'x'", "DELETE FROM case_events"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            async with db.transaction() as conn:
                await conn.execute(statement)
    assert len(await events_repo.for_case(db.conn, case_id)) == 1


async def test_versions_refuse_a_stale_update(
    db: Database, world: World, clock: ManualClock
) -> None:
    case_id = await _draft(db, world, clock)
    async with db.transaction() as conn:
        updated = await cases_repo.update(conn, case_id, 1, clock(), volunteer_name="C D")
    assert updated.version == 2 and updated.details == {"k": "ข้อมูล"}
    with pytest.raises(StaleVersion) as stale:
        async with db.transaction() as conn:
            await cases_repo.update(conn, case_id, 1, clock(), volunteer_name="E F")
    assert stale.value.current == 2
    case = await cases_repo.get(db.conn, case_id)
    assert case is not None and case.volunteer_name == "C D"
    with pytest.raises(ValueError):
        async with db.transaction() as conn:
            await cases_repo.update(conn, case_id, 2, clock(), version=1)


async def test_receipt_numbers_are_unique_per_office(
    db: Database, world: World, clock: ManualClock
) -> None:
    first, second = await _draft(db, world, clock), await _draft(db, world, clock)
    async with db.transaction() as conn:
        await cases_repo.update(conn, first, 1, clock(), receipt_no="1/2569")
    with pytest.raises(sqlite3.IntegrityError):
        async with db.transaction() as conn:
            await cases_repo.update(conn, second, 1, clock(), receipt_no="1/2569")
    assert await cases_repo.receipt_taken(db.conn, world.province, "1/2569", second)
    assert not await cases_repo.receipt_taken(db.conn, world.other_province, "1/2569", second)


async def test_a_new_revision_never_overwrites_the_reviewed_one(
    db: Database, world: World, clock: ManualClock
) -> None:
    case_id = await _draft(db, world, clock)

    async def upload(sha: str) -> int:
        async with db.transaction() as conn:
            added = await attachments_repo.add_revision(
                conn,
                case_id=case_id,
                item="cv",
                slot=0,
                file_name="cv.pdf",
                mime_type="application/pdf",
                size=10,
                sha256=sha,
                telegram_file_id="",
                uploaded_by=world.member,
                now=clock(),
            )
        return added.id

    first = await upload("a" * 64)
    async with db.transaction() as conn:
        await attachments_repo.set_verdict(
            conn, first, "needs_correction", "blurred", world.officer, clock()
        )
    second = await upload("b" * 64)
    current = await attachments_repo.current(db.conn, case_id)
    assert [(a.id, a.revision, a.verdict) for a in current] == [(second, 2, None)]
    history = await attachments_repo.history(db.conn, case_id)
    assert [(a.revision, a.sha256[0], a.verdict, a.verdict_reason) for a in history] == [
        (1, "a", "needs_correction", "blurred"),
        (2, "b", None, None),
    ]
