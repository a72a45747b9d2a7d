"""Pickup appointments below the chats: the table (one current appointment per case, upcoming
ones for reminders), the migration that carries older appointments over from events, and the
case service's answers (confirm, ask for another time) with their guards."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from bot.checklist import Checklist
from bot.kernel.errors import CaseNotFound, StaleAppointment
from bot.testing.clock import ManualClock
from bot.workflow import PreconditionFailed, Status
from storage import appointments as appointments_repo
from storage.db import Database
from storage.migrate import MIGRATIONS_DIR, migrate
from storage.models import Case
from tests.case_actions import ActionSet
from tests.conftest import World
from tests.test_case_service import draft_with_documents

DEC_3_10AM = dt.datetime(2026, 12, 3, 3, 0, tzinfo=dt.UTC)  # 10:00 in Bangkok
DEC_8_1PM = dt.datetime(2026, 12, 8, 6, 0, tzinfo=dt.UTC)


@pytest.fixture
def service(db: Database, checklist: Checklist, clock: ManualClock) -> ActionSet:
    return ActionSet.build(db, checklist, clock)


async def signing_case(service: ActionSet, world: World) -> Case:
    """A case sent for signing, through the service as the officers do it."""
    case = await draft_with_documents(service, world)
    receipt = f"{case.id}/2569"
    officer = world.officer
    case = (await service.application.submit(world.member, case.id, case.version)).case
    case = (await service.review.mark_remaining(officer, case.id, case.version, "complete")).case
    case = (await service.review.documents_complete(officer, case.id, case.version, receipt)).case
    case = (await service.review.mark_remaining(officer, case.id, case.version, "correct")).case
    case = (await service.consideration.approve(officer, case.id, case.version)).case
    return (await service.issuing.send_for_signing(officer, case.id, case.version)).case


async def test_a_new_time_supersedes_and_the_latest_is_current(
    service: ActionSet, db: Database, world: World
) -> None:
    case = await signing_case(service, world)
    assert not (await service.kernel.facts(case.id)).has_pickup
    case = (
        await service.issuing.schedule_pickup(
            world.officer, case.id, case.version, DEC_3_10AM, "ห้อง 1"
        )
    ).case
    first = await appointments_repo.latest_for_case(db.conn, case.id)
    assert first is not None and first.state == "proposed" and first.starts_at == DEC_3_10AM
    assert (await service.kernel.facts(case.id)).has_pickup
    case = (
        await service.issuing.schedule_pickup(
            world.officer, case.id, case.version, DEC_8_1PM, "ห้อง 2", place_en="Room 2"
        )
    ).case
    second = await appointments_repo.latest_for_case(db.conn, case.id)
    assert second is not None and second.id != first.id
    assert (second.place_in("th"), second.place_in("en")) == ("ห้อง 2", "Room 2")
    old = await appointments_repo.get(db.conn, first.id)
    assert old is not None and old.state == "superseded"
    assert await appointments_repo.earlier_count(db.conn, second) == 1
    # The database itself refuses a second current appointment for one case.
    with pytest.raises(sqlite3.IntegrityError):
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO appointments (case_id, starts_at, place, created_by, created_at)"
                " VALUES (?, 'x', 'y', ?, 'z')",
                (case.id, world.officer),
            )


async def test_answers_are_guarded_and_happen_once(
    service: ActionSet, db: Database, world: World
) -> None:
    case = await signing_case(service, world)
    with pytest.raises(PreconditionFailed) as refused:
        await service.issuing.confirm_pickup(world.member, case.id, 1)
    assert refused.value.msg_id == "error.pickup_required"
    case = (
        await service.issuing.schedule_pickup(
            world.officer, case.id, case.version, DEC_3_10AM, "ห้อง 1"
        )
    ).case
    current = await appointments_repo.latest_for_case(db.conn, case.id)
    assert current is not None
    with pytest.raises(CaseNotFound):
        await service.issuing.confirm_pickup(world.other_member, case.id, current.id)
    with pytest.raises(PreconditionFailed) as refused:
        await service.issuing.request_reschedule(world.member, case.id, current.id, "  ")
    assert refused.value.msg_id == "error.reason_required"
    outcome = await service.issuing.request_reschedule(world.member, case.id, current.id, "ไม่สะดวก")
    assert outcome.case.version == case.version  # answers do not make the office's view stale
    with pytest.raises(StaleAppointment) as twice:
        await service.issuing.request_reschedule(world.colleague, case.id, current.id, "ไม่สะดวก")
    assert twice.value.msg_id == "issuance.error.already_asked"
    case = (
        await service.issuing.schedule_pickup(
            world.officer, case.id, case.version, DEC_8_1PM, "ห้อง 2"
        )
    ).case
    with pytest.raises(StaleAppointment) as superseded:
        await service.issuing.confirm_pickup(world.member, case.id, current.id)
    assert superseded.value.msg_id == "issuance.error.appointment_superseded"
    latest = await appointments_repo.latest_for_case(db.conn, case.id)
    assert latest is not None
    await service.issuing.confirm_pickup(world.colleague, case.id, latest.id)
    confirmed = await appointments_repo.get(db.conn, latest.id)
    assert confirmed is not None
    assert (confirmed.state, confirmed.answered_by) == ("confirmed", world.colleague)


async def test_upcoming_lists_current_appointments_of_cases_still_going(
    service: ActionSet, db: Database, world: World
) -> None:
    kept = await signing_case(service, world)
    moved = await signing_case(service, world)
    dropped = await signing_case(service, world)
    for case in (kept, moved, dropped):
        await service.issuing.schedule_pickup(
            world.officer, case.id, case.version, DEC_3_10AM, "ห้อง"
        )
    moved = await service.kernel.get_visible(world.officer, moved.id)
    await service.issuing.schedule_pickup(world.officer, moved.id, moved.version, DEC_8_1PM, "ห้อง")
    dropped = await service.kernel.get_visible(world.member, dropped.id)
    await service.application.withdraw(world.member, dropped.id, dropped.version, "อาสาสมัครไม่มาแล้ว")

    start = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    found = await appointments_repo.upcoming(db.conn, start, start + dt.timedelta(days=14))
    assert [(a.case_id, a.starts_at) for a in found] == [
        (kept.id, DEC_3_10AM),
        (moved.id, DEC_8_1PM),
    ]
    # The window is [start, end): an appointment at the end is the next window's.
    assert await appointments_repo.upcoming(db.conn, start, DEC_3_10AM) == []


async def test_the_migration_carries_appointments_over_from_events(tmp_path: Path) -> None:
    before = tmp_path / "before"
    before.mkdir()
    for source in sorted(MIGRATIONS_DIR.glob("*.sql")):
        if source.name < "0006":
            (before / source.name).write_text(source.read_text("utf-8"), "utf-8")
    db = await Database.open(tmp_path / "old.sqlite3")
    try:
        await migrate(db, before)
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO users (id, role, created_at, updated_at)"
                " VALUES (7, 'officer', 'n', 'n')"
            )
            await conn.execute(
                "INSERT INTO foundations (kind, name_th, name_en, registration_no, province,"
                " created_at) VALUES ('foundation', 'ม', 'F', 'r1', '50', 'n')"
            )
            await conn.execute(
                "INSERT INTO cases (tracking_no, foundation_id, province, status, created_by,"
                " created_at, updated_at) VALUES ('VC1', 1, '50', ?, 7, 'n', 'n')",
                (Status.AWAITING_SIGNATURE.value,),
            )
            for when in ("2026-12-02T10:00:00+07:00", "2026-12-03T10:00:00+07:00"):
                data = json.dumps({"when": when, "place": "ห้อง 1", "note": None})
                await conn.execute(
                    "INSERT INTO case_events (case_id, actor_id, action, data, created_at)"
                    " VALUES (1, 7, 'schedule_pickup', ?, '2026-11-26T02:00:00+00:00')",
                    (data,),
                )
        # 0006 and every later migration; the later ones are tested where they are used.
        assert (await migrate(db))[0] == "0006_issuance.sql"
        carried = await appointments_repo.latest_for_case(db.conn, 1)
        assert carried is not None
        assert (carried.starts_at, carried.place, carried.state) == (
            DEC_3_10AM,
            "ห้อง 1",
            "proposed",
        )
        window = await appointments_repo.upcoming(
            db.conn, DEC_3_10AM, DEC_3_10AM + dt.timedelta(minutes=1)
        )
        assert [a.id for a in window] == [carried.id]
    finally:
        await db.close()
