"""Reminders with a controllable clock: the right working day, pauses, quiet hours, no repeats."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from bot.checklist import Checklist
from bot.config import REPO_ROOT
from bot.i18n import Catalogs, decode_params, load_catalogs
from bot.kernel.inputs import FileMeta
from bot.reminders import ReminderSettings
from bot.services.reminders import ReminderService
from bot.testing.clock import ManualClock
from bot.workdays import BANGKOK, WorkCalendar
from bot.workflow import Status
from storage import outbox as outbox_repo
from storage.db import Database
from storage.models import Case, OutboxMessage
from tests.case_actions import ActionSet
from tests.conftest import World


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    return load_catalogs(REPO_ROOT / "locales")


@pytest.fixture
def cases(db: Database, checklist: Checklist, clock: ManualClock) -> ActionSet:
    return ActionSet.build(db, checklist, clock, WorkCalendar())


@pytest.fixture
def reminders(
    db: Database, cases: ActionSet, catalogs: Catalogs, clock: ManualClock
) -> ReminderService:
    return ReminderService(db, cases.kernel, catalogs, ReminderSettings(), WorkCalendar(), clock)


def at(clock: ManualClock, y: int, m: int, d: int, hour: int = 9, minute: int = 0) -> None:
    """Set the clock to a Bangkok wall-clock time."""
    clock.now = dt.datetime(y, m, d, hour, minute, tzinfo=BANGKOK).astimezone(dt.UTC)


def pdf(name: str) -> FileMeta:
    data = f"%PDF-1.4 {name}".encode()
    return FileMeta(name + ".pdf", "application/pdf", len(data), hashlib.sha256(data).hexdigest())


async def submitted(cases: ActionSet, world: World) -> Case:
    case = await cases.application.create_draft(
        world.member, volunteer_name="JOHN SMITH", passport_no="AB1234567", details={}
    )
    for item in cases.kernel.checklist.required:
        case = (
            await cases.application.upload_attachment(
                world.member, case.id, case.version, item.key, pdf(item.key)
            )
        )[0].case
    return (await cases.application.submit(world.member, case.id, case.version)).case


async def queued(reminders: ReminderService) -> dict[str, int]:
    """What a scan queued, leaving out morning digests (tested on their own below)."""
    counts = (await reminders.scan()).queued
    counts.pop("digest", None)
    return counts


async def reminder_rows(db: Database, kind_prefix: str = "") -> list[OutboxMessage]:
    rows = await db.fetchall("SELECT * FROM outbox WHERE urgent = 0 ORDER BY id")
    return [OutboxMessage.from_row(r) for r in rows if r["kind"].startswith(kind_prefix)]


async def test_officers_are_reminded_on_the_right_working_day_across_thai_holidays(
    db: Database, cases: ActionSet, reminders: ReminderService, clock: ManualClock, world: World
) -> None:
    at(clock, 2026, 12, 3)  # Thursday
    case = await submitted(cases, world)
    # Fri 4 (1), Mon 7 is a holiday, Tue 8 (2), Wed 9 (3), Thu 10 Constitution Day, Fri 11 (4).
    for day in (4, 5, 6, 7, 8, 9, 10):
        at(clock, 2026, 12, day)
        await reminders.scan()
        assert await reminder_rows(db, "overdue") == [], f"nothing due on {day} Dec"
    at(clock, 2026, 12, 11)
    assert await queued(reminders) == {"overdue": 1}
    rows = await reminder_rows(db, "overdue")
    assert [(r.recipient_id, r.case_id, r.msg_id) for r in rows] == [
        (world.officer, case.id, "notify.officer.reminder_overdue")
    ]
    assert decode_params(rows[0].params)["days"] == 4
    # Once a working day: not again on the same day, not at the weekend, again on Monday.
    at(clock, 2026, 12, 11, 16)
    assert await queued(reminders) == {}
    at(clock, 2026, 12, 12)
    assert await queued(reminders) == {}
    at(clock, 2026, 12, 14)
    assert await queued(reminders) == {"overdue": 1}
    assert len(await reminder_rows(db, "overdue")) == 2


async def test_admins_are_told_when_a_case_is_past_twice_the_threshold(
    db: Database, cases: ActionSet, reminders: ReminderService, clock: ManualClock, world: World
) -> None:
    at(clock, 2026, 11, 2)  # Monday
    await submitted(cases, world)
    at(clock, 2026, 11, 10)  # Tue: 6 working days -> overdue only
    assert await queued(reminders) == {"overdue": 1}
    at(clock, 2026, 11, 11)  # Wed: 7 working days -> past 2 x 3
    assert await queued(reminders) == {"overdue": 1, "escalation": 1}
    escalations = await reminder_rows(db, "escalation")
    assert [r.recipient_id for r in escalations] == [world.admin]
    assert escalations[0].msg_id == "notify.officer.reminder_escalation"


async def test_the_officer_clock_pauses_while_the_applicant_corrects(
    db: Database, cases: ActionSet, reminders: ReminderService, clock: ManualClock, world: World
) -> None:
    at(clock, 2026, 11, 26)  # Thursday
    case = await submitted(cases, world)
    flagged = (await cases.kernel.current_attachments(case.id))[0]
    case = (
        await cases.review.mark_attachment(
            world.officer, case.id, case.version, flagged.id, "needs_correction", "ไม่ชัด"
        )
    ).case
    at(clock, 2026, 12, 1)  # Tue: 3 working days used
    case = (await cases.review.request_correction(world.officer, case.id, case.version, None)).case
    for day in (2, 3, 4, 8, 9):
        at(clock, 2026, 12, day)
        await reminders.scan()
    assert await reminder_rows(db, "overdue") == [], "the office is not late while it waits"
    at(clock, 2026, 12, 11)  # Friday: the correction arrives
    outcome, _ = await cases.application.upload_attachment(
        world.member, case.id, case.version, flagged.item, pdf("fixed")
    )
    await cases.correction.resubmit(world.member, case.id, outcome.case.version)
    await reminders.scan()
    assert await reminder_rows(db, "overdue") == []  # 3 days carried, none since
    at(clock, 2026, 12, 14)  # Monday: 3 + 1 = 4 working days
    assert await queued(reminders) == {"overdue": 1}


async def test_the_foundation_is_reminded_at_7_and_14_days_warned_then_the_case_closes(
    db: Database, cases: ActionSet, reminders: ReminderService, clock: ManualClock, world: World
) -> None:
    at(clock, 2026, 11, 2)
    case = await submitted(cases, world)
    case = (
        await cases.review.request_correction(world.officer, case.id, case.version, "ส่งใหม่")
    ).case
    start = clock.now

    async def on_day(days: int, hour: int = 9) -> dict[str, int]:
        local = (start + dt.timedelta(days=days)).astimezone(BANGKOK)
        at(clock, local.year, local.month, local.day, hour)
        return await queued(reminders)

    assert await on_day(6) == {}
    assert await on_day(7) == {"reminder": 2}  # both members
    assert await on_day(7, 15) == {}
    assert await on_day(13) == {}
    assert await on_day(14) == {"reminder": 2}
    assert await on_day(26) == {}
    assert await on_day(27) == {"final_warning": 2}
    warning = (await reminder_rows(db, "final_warning"))[0]
    params = decode_params(warning.params)
    assert params["close_on"] == dt.date(2026, 12, 2)
    assert warning.msg_id == "notify.member.reminder_final_warning"
    await on_day(30)
    closed = await cases.kernel.get_visible(world.officer, case.id)
    assert closed.status is Status.ABANDONED and closed.closed_at is not None
    timeline = await cases.kernel.timeline(case.id)
    assert (timeline[-1].action, timeline[-1].actor_id) == ("close_abandoned", None)
    told = {
        (m.recipient_id, m.msg_id)
        for m in await outbox_repo.for_case(db.conn, case.id)
        if m.event_id == timeline[-1].id
    }
    assert told == {
        (world.member, "notify.member.abandoned"),
        (world.colleague, "notify.member.abandoned"),
        (world.officer, "notify.officer.abandoned"),
    }
    assert await on_day(31) == {}


async def test_reminders_missed_while_the_bot_was_down_are_not_sent_in_a_burst(
    db: Database, cases: ActionSet, reminders: ReminderService, clock: ManualClock, world: World
) -> None:
    at(clock, 2026, 11, 2)
    case = await submitted(cases, world)
    await cases.review.request_correction(world.officer, case.id, case.version, "ส่งใหม่")
    at(clock, 2026, 11, 18)  # 16 days later: the 7-day one was missed
    assert await queued(reminders) == {"reminder": 2}
    rows = await reminder_rows(db, "reminder")
    assert {decode_params(r.params)["days"] for r in rows} == {16}


async def test_reminders_wait_for_the_morning_but_status_changes_do_not(
    db: Database, cases: ActionSet, reminders: ReminderService, clock: ManualClock, world: World
) -> None:
    at(clock, 2026, 11, 2)
    case = await submitted(cases, world)
    at(clock, 2026, 11, 6, 21, 30)  # Friday 21:30, 4 working days: overdue, but quiet hours
    assert await queued(reminders) == {"overdue": 1}
    row = (await reminder_rows(db, "overdue"))[0]
    assert row.next_attempt_at == dt.datetime(2026, 11, 7, 7, 0, tzinfo=BANGKOK)
    assert row.id not in {m.id for m in await outbox_repo.due(db.conn, clock())}
    # A decision at night is told at once: the person acted, the foundation hears now.
    outcome = await cases.review.request_correction(world.officer, case.id, case.version, "แก้ไข")
    due_now = {m.id for m in await outbox_repo.due(db.conn, clock())}
    assert set(outcome.outbox_ids) <= due_now and row.id not in due_now
    at(clock, 2026, 11, 7, 7, 0)
    assert row.id in {m.id for m in await outbox_repo.due(db.conn, clock())}


async def test_a_restart_neither_loses_nor_repeats_reminders(
    db: Database,
    cases: ActionSet,
    catalogs: Catalogs,
    clock: ManualClock,
    world: World,
) -> None:
    at(clock, 2026, 11, 2)
    await submitted(cases, world)
    at(clock, 2026, 11, 6, 10)
    first = ReminderService(db, cases.kernel, catalogs, ReminderSettings(), WorkCalendar(), clock)
    assert await queued(first) == {"overdue": 1}
    # A new process on the same database: the same day's reminder is not sent again...
    other = await Database.open(db.path)
    try:
        again = ReminderService(
            other,
            ActionSet.build(other, cases.kernel.checklist, clock).kernel,
            catalogs,
            ReminderSettings(),
            WorkCalendar(),
            clock,
        )
        assert await queued(again) == {}
        # ...and one missed during the downtime is sent when it comes back.
        at(clock, 2026, 11, 9, 11)
        assert await queued(again) == {"overdue": 1}
    finally:
        await other.close()


async def test_the_morning_digest_once_per_working_day_for_officers_who_want_it(
    db: Database, cases: ActionSet, reminders: ReminderService, clock: ManualClock, world: World
) -> None:
    at(clock, 2026, 11, 2)
    case = await submitted(cases, world)
    await reminders.set_digest(world.officer_elsewhere, False)
    at(clock, 2026, 11, 3, 8, 29)
    assert "digest" not in (await reminders.scan()).queued
    at(clock, 2026, 11, 3, 8, 30)
    assert (await reminders.scan()).queued == {"digest": 2}  # province + central officer
    at(clock, 2026, 11, 3, 12)
    assert (await reminders.scan()).queued == {}
    rows = await reminder_rows(db, "digest")
    assert {r.recipient_id for r in rows} == {world.officer, world.central_officer}
    mine = next(r for r in rows if r.recipient_id == world.officer)
    params = decode_params(mine.params)
    assert "รอตรวจสอบเบื้องต้น: 1" in params["counts"]["th"]
    assert case.tracking_no in params["oldest"]["en"]
    assert mine.next_attempt_at == mine.created_at  # 08:30 is outside quiet hours
    at(clock, 2026, 11, 7, 9)  # Saturday
    assert "digest" not in (await reminders.scan()).queued


async def approved(cases: ActionSet, world: World) -> Case:
    case = await submitted(cases, world)
    for a in await cases.kernel.current_attachments(case.id):
        case = (
            await cases.review.mark_attachment(
                world.officer, case.id, case.version, a.id, "complete"
            )
        ).case
    case = (
        await cases.review.documents_complete(world.officer, case.id, case.version, "9/2569")
    ).case
    for a in await cases.kernel.current_attachments(case.id):
        case = (
            await cases.review.mark_attachment(
                world.officer, case.id, case.version, a.id, "correct"
            )
        ).case
    case = (await cases.consideration.approve(world.officer, case.id, case.version)).case
    return (await cases.issuing.send_for_signing(world.officer, case.id, case.version)).case


async def test_pickup_reminders_the_working_day_before_and_that_morning(
    db: Database, cases: ActionSet, reminders: ReminderService, clock: ManualClock, world: World
) -> None:
    at(clock, 2026, 12, 1)  # Tuesday
    case = await approved(cases, world)
    monday = dt.datetime(2026, 12, 14, 10, 0, tzinfo=BANGKOK)
    await cases.issuing.schedule_pickup(world.officer, case.id, case.version, monday, "ศาลากลาง")
    # Thu 10 Dec is Constitution Day: the working day before Monday 14 is Friday 11.
    for day in (2, 3, 4, 8, 9, 10):
        at(clock, 2026, 12, day)
        assert "pickup_eve" not in await queued(reminders)
    at(clock, 2026, 12, 11, 9)
    assert (await queued(reminders)).get("pickup_eve") == 3  # two members and the officer
    at(clock, 2026, 12, 11, 15)
    assert "pickup_eve" not in await queued(reminders)
    at(clock, 2026, 12, 14, 6, 0)  # before the end of quiet hours: queued, held until 07:00
    assert (await queued(reminders)).get("pickup_today") == 3
    rows = await reminder_rows(db, "pickup_today")
    assert {r.recipient_id for r in rows} == {world.member, world.colleague, world.officer}
    assert {r.msg_id for r in rows} == {
        "notify.member.pickup_reminder_today",
        "notify.officer.pickup_reminder_today",
    }
    assert all(r.next_attempt_at == dt.datetime(2026, 12, 14, 7, 0, tzinfo=BANGKOK) for r in rows)
    at(clock, 2026, 12, 14, 11, 0)  # after the appointment: nothing more
    assert "pickup_today" not in await queued(reminders)
