"""Shared fixtures: a real SQLite file per test, migrated, and a small world of people."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from bot.checklist import Checklist, load_checklist
from bot.testing.clock import ManualClock
from bot.workflow import Role
from storage import foundations as foundations_repo
from storage import users as users_repo
from storage.db import Database
from storage.migrate import migrate


@pytest.fixture
def clock() -> ManualClock:
    """A clock tests move by hand; starts on a Thursday morning in Bangkok."""
    return ManualClock()


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "bot.sqlite3")
    await migrate(database)
    yield database
    await database.close()


@pytest.fixture
def checklist() -> Checklist:
    return load_checklist()


@dataclass
class World:
    foundation_id: int
    other_foundation_id: int
    member: int = 1001
    colleague: int = 1002
    other_member: int = 1003
    officer: int = 2001
    officer_elsewhere: int = 2002
    central_officer: int = 2003
    admin: int = 3001
    stranger: int = 4001
    province: str = "50"
    other_province: str = "83"


@pytest.fixture
async def world(db: Database, clock: ManualClock) -> World:
    return await seed_world(db, clock())


async def seed_world(db: Database, now: datetime) -> World:
    """Two foundations in two provinces, their members, officers, an admin and a stranger."""
    async with db.transaction() as conn:
        home = await foundations_repo.create(
            conn,
            kind="foundation",
            name_th="มูลนิธิทดสอบ",
            name_en="Test Foundation",
            registration_no="กท 123",
            province="50",
            now=now,
        )
        away = await foundations_repo.create(
            conn,
            kind="association",
            name_th="สมาคมอื่น",
            name_en="Other Association",
            registration_no="ภก 9",
            province="83",
            now=now,
        )
        w = World(foundation_id=home.id, other_foundation_id=away.id)
        people = [
            (w.member, Role.MEMBER, home.id, None),
            (w.colleague, Role.MEMBER, home.id, None),
            (w.other_member, Role.MEMBER, away.id, None),
            (w.officer, Role.OFFICER, None, w.province),
            (w.officer_elsewhere, Role.OFFICER, None, w.other_province),
            (w.central_officer, Role.OFFICER, None, None),
            (w.admin, Role.ADMIN, None, None),
            (w.stranger, Role.NONE, None, None),
        ]
        for user_id, role, foundation_id, province in people:
            await users_repo.touch(conn, user_id, f"user {user_id}", "th", now)
            await users_repo.set_role(
                conn, user_id, role, now, foundation_id=foundation_id, province=province
            )
    return w
