"""SIGKILL the real bot process at the worst moments; after a restart nothing is lost or doubled.

Each test seeds its data directory in-process, then runs ``python -m bot`` against the fake
Telegram and kills it (no shutdown, no last persistence flush) in the middle of a submission
wizard, an officer decision and an outbox delivery run. The periodic persistence flush is set
to ten minutes, so only what the bot saves after every update can carry a conversation over.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.i18n import Translator, encode_params
from bot.testing.fake_telegram import FakeTelegram
from bot.testing.harness import BotUnderTest
from bot.workflow import Status
from handlers.officer import buttons as oc
from storage import attachments as attachments_repo
from storage import cases as cases_repo
from storage import events as events_repo
from storage import outbox as outbox_repo
from storage import ptb_state
from storage import users as users_repo
from storage.clock import utcnow
from storage.db import Database
from storage.migrate import migrate
from tests.button_data import encode
from tests.conftest import seed_world
from tests.foundation_steps import PDF, tr, volunteer_answers
from tests.officer_support import open_case, submitted_case, to_consideration
from tests.process_support import BotProcess, Person, poll_until, scalar

# Only the flush after every update may save conversations; notifications go out at once.
ENV = {
    "CERTBOT_PERSISTENCE_INTERVAL_SECONDS": "600",
    "CERTBOT_OUTBOX_INTERVAL_SECONDS": "0.1",
    "CERTBOT_OUTBOX_PER_SECOND": "1000",
    "CERTBOT_OUTBOX_PER_CHAT_INTERVAL": "0",
    "CERTBOT_REMINDERS_ENABLED": "false",
}


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


async def start(fake: FakeTelegram, data: Path, module: str = "bot", **env: str) -> BotProcess:
    return await BotProcess.start(fake, data, module=module, env={**ENV, **env})


async def open_db(data: Path) -> Database:
    return await Database.open(data / "bot.sqlite3")


async def choose_province(person: Person, name: str, t: Translator) -> None:
    for _ in range(10):
        message = person.user.last_message()
        assert message is not None
        if message.find_button(name) is not None:
            await person.press(name)
            return
        await person.press(t.t("foundation.button.next"), message.message_id)
    raise AssertionError(f"province {name!r} never showed")


# --- (a) the submission wizard ---------------------------------------------------------------


async def test_a_wizard_killed_twice_continues_where_it_stood(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    async with BotUnderTest.start(fake, data) as bot:
        world = await seed_world(bot.services.db, bot.services.clock())
        await bot.services.foundations.accept_privacy(world.member)
        answers = volunteer_answers(bot)
        t = tr(bot, "en")
        items = bot.services.checklist.items
    anna = Person(fake, fake.user(world.member, "Anna", language_code="en"))

    first = await start(fake, data)
    assert t.t("foundation.ask.full_name") in await anna.command("new")
    for key in ("full_name", "nationality", "passport_no"):
        await anna.say(answers[key])
    assert t.t("foundation.ask.passport_expiry") in anna.text
    await first.kill()

    # No /continue: the next message simply answers the question that was on screen.
    second = await start(fake, data)
    assert t.t("foundation.ask.date_of_birth") in await anna.say(answers["passport_expiry"])
    await anna.say(answers["date_of_birth"])
    await anna.press(t.t("foundation.sex.f"))
    for key in ("email", "position", "duties", "work_address"):
        await anna.say(answers[key])
    await choose_province(anna, "Chiang Mai", t)
    await anna.say(answers["start_date"])
    await anna.say(answers["end_date"])
    assert await anna.press(t.t("foundation.answer.no")) == t.t("foundation.apply.consent")
    await anna.press(t.t("foundation.button.consent"))
    text = await anna.send_file(PDF + b"0", "letter.pdf")
    assert "letter.pdf" in text and items[1].name_en in text
    await second.kill()

    # The next file is the second item's: the first is neither lost nor asked again.
    third = await start(fake, data)
    assert items[2].name_en in await anna.send_file(PDF + b"1", f"{items[1].key}.pdf")
    for index, item in enumerate(items[2:], start=2):
        if item.required:
            await anna.send_file(PDF + str(index).encode(), f"{item.key}.pdf")
        else:
            await anna.press(t.t("foundation.button.skip"))
    # The summary follows the last answer; on a busy machine it can come after a quiet spell.
    submit = t.t("foundation.button.submit")
    await poll_until(lambda: submit in anna.buttons, what="the summary with its Submit button")
    await anna.press(submit)
    await third.stop()

    db = await open_db(data)
    try:
        [case] = await cases_repo.list_for_foundation(db.conn, world.foundation_id)
        assert case.status is Status.AWAITING_CHECK
        assert anna.text == t.t(
            "foundation.apply.submitted",
            tracking_no=case.tracking_no,
            volunteer=case.volunteer_name,
        )
        assert case.volunteer_name == "ANNA MARIA SCHMIDT" and case.passport_no == "C01X00T47"
        assert case.details["email"] == answers["email"] and case.province == "50"
        history = await attachments_repo.history(db.conn, case.id)
        required = [i for i, item in enumerate(items) if item.required]
        # One file per required item, each once, with the bytes that were sent for it.
        assert sorted((a.item, a.revision) for a in history) == sorted(
            (items[i].key, 1) for i in required
        )
        files = bot.services.files
        for attachment in history:
            index = next(i for i, item in enumerate(items) if item.key == attachment.item)
            assert files.get(attachment.sha256) == PDF + str(index).encode()
        submits = [e for e in await events_repo.for_case(db.conn, case.id) if e.action == "submit"]
        assert len(submits) == 1
    finally:
        await db.close()


# --- (b) an officer's decision ---------------------------------------------------------------


@dataclass(frozen=True)
class CaseState:
    """Everything a decision changes, to compare whole: all of it moves, or none of it."""

    status: Status
    version: int
    events: tuple[tuple[str, str | None], ...]
    outbox: tuple[tuple[int, str, int | None], ...]


async def case_state(data: Path, case_id: int) -> CaseState:
    db = await open_db(data)  # a second connection beside the bot's: WAL lets it read
    try:
        case = await cases_repo.get(db.conn, case_id)
        assert case is not None
        events = await events_repo.for_case(db.conn, case_id)
        rows = await outbox_repo.for_case(db.conn, case_id)
    finally:
        await db.close()
    return CaseState(
        case.status,
        case.version,
        tuple((e.action, e.to_status.value if e.to_status else None) for e in events),
        tuple((r.recipient_id, r.kind, r.event_id) for r in rows),
    )


def case_version(data: Path, case_id: int) -> int:
    version = scalar(data / "bot.sqlite3", "SELECT version FROM cases WHERE id = ?", (case_id,))
    assert isinstance(version, int)
    return version


async def test_what_an_officer_typed_is_saved_by_the_update_that_took_it(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    """In-process and quick: PTB marks user_data for writing only after the last handler
    group, so the flush after an update used to save it an update late (a crash lost it)."""
    async with BotUnderTest.start(fake, tmp_path, persistence_interval_seconds=600) as bot:
        world = await seed_world(bot.services.db, bot.services.clock())
        case = await submitted_case(bot, world.member)
        await bot.settle()
        officer = fake.user(world.officer, "Somchai", language_code="th")
        await open_case(bot, officer, case.id)
        # Someone else's update in between: its flush is not the one that saves the officer's.
        await fake.user(world.member, "Anna").send_command("help")
        await bot.settle()
        await officer.press(tr(bot, "th").t("action.add_internal_note"))
        await bot.settle()
        saved = await ptb_state.load_kind(bot.services.db, "user_data")
        assert '"expects":"text"' in saved.get(str(world.officer), ""), saved


async def test_an_officer_decision_is_all_or_nothing_whenever_the_bot_dies(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    async with BotUnderTest.start(fake, data) as bot:
        world = await seed_world(bot.services.db, bot.services.clock())
        case = await submitted_case(bot, world.member)
        case = await to_consideration(bot, world.officer, case, "10/2569")
        cases = bot.services
        case = (
            await cases.review.mark_remaining(world.officer, case.id, case.version, "correct")
        ).case
        await bot.settle()
        t = tr(bot, "th")
    officer = Person(fake, fake.user(world.officer, "Somchai", language_code="th"))
    before = await case_state(data, case.id)
    comment = "เอกสารครบถ้วน ถูกต้อง"

    # 1. The approval's comment prompt is on screen when the bot dies.
    first = await start(fake, data)
    await officer.press_data(encode(oc.OpenCase, case.id))
    prompt = await officer.press(t.t("action.approve"))
    assert t.t("officer.button.skip") in officer.buttons
    await first.kill()

    # 2. Typed after the restart, the comment is taken as the comment: the summary shows it.
    second = await start(fake, data)
    summary = await officer.say(comment)
    assert summary != prompt and comment in summary
    summary_message = officer.user.last_message()
    assert summary_message is not None
    assert t.t("officer.button.confirm") in officer.buttons
    await second.kill()
    assert await case_state(data, case.id) == before

    # 3. Confirm, and the bot dies inside the decision's transaction, before its COMMIT.
    paused = tmp_path / "paused"
    third = await start(
        fake,
        data,
        module="tests.paused_commit",
        PAUSE_CASE_ID=str(case.id),
        PAUSED_FILE=str(paused),
    )
    await officer.user.press(t.t("officer.button.confirm"), summary_message.message_id)
    await poll_until(paused.exists, what="the decision reached its COMMIT")
    await third.kill(between_updates=False)
    assert await case_state(data, case.id) == before, "nothing of an uncommitted decision"

    # 4. Confirm again (the press was lost with the bot): this time it commits, and the bot
    # dies before it can edit the officer's message.
    fourth = await start(fake, data)
    fake.delay("editMessageText", 3)  # the handler's first call after the commit
    query = await officer.user.press(t.t("officer.button.confirm"), summary_message.message_id)
    await poll_until(lambda: case_version(data, case.id) > before.version, what="the commit")
    await fourth.kill(between_updates=False)
    fake.delay("editMessageText", None)
    assert all(a.query_id != query["id"] for a in officer.user.answered_callbacks)
    after = await case_state(data, case.id)
    [approval] = [e for e in after.events if e[0] == "approve"]
    assert after.status is Status.AWAITING_ISSUANCE and after.version == before.version + 1
    assert after.events == (*before.events, approval)
    members = {world.member, world.colleague}
    new_rows = after.outbox[len(before.outbox) :]
    assert after.outbox[: len(before.outbox)] == before.outbox
    assert {r[0] for r in new_rows} == members and {r[1] for r in new_rows} == {"approved"}
    assert len(new_rows) == len(members)

    # 5. After the restart a further tap decides nothing twice, and the foundation is told
    # (the outbox may have been sending when the bot died: that message may come twice).
    fifth = await start(fake, data)
    confirm = encode(oc.ConfirmText, case.id, before.version, 1)
    await officer.press_data(confirm, summary_message.message_id)
    assert officer.user.answered_callbacks[-1].text == t.t("officer.already_saved")
    assert t.t("status.awaiting_issuance") in officer.text
    pending = "SELECT COUNT(*) FROM outbox WHERE state = 'pending'"
    await poll_until(lambda: scalar(data / "bot.sqlite3", pending) == 0, what="all sent")
    await fifth.stop()
    assert await case_state(data, case.id) == after
    for member in members:
        told = [m for m in fake.messages(member) if comment in (m.text or "")]
        assert 1 <= len(told) <= 2, fake.describe(member)


# --- (c) an outbox delivery run --------------------------------------------------------------

PEOPLE = range(5001, 5013)
PER_PERSON = 5


def notice(person: int, n: int) -> str:
    return f"T-{person}-{n}"


async def queue_notifications(data: Path) -> None:
    """Twelve people with five notifications each, queued in turns as changes would queue them."""
    db = await open_db(data)
    try:
        await migrate(db)
        now = utcnow()
        async with db.transaction() as conn:
            for person in PEOPLE:
                await users_repo.touch(conn, person, f"user {person}", "en", now)
            for n in range(PER_PERSON):
                for person in PEOPLE:
                    params = encode_params({"tracking_no": notice(person, n), "volunteer": "X"})
                    await outbox_repo.enqueue(
                        conn,
                        recipient_id=person,
                        kind="submitted",
                        msg_id="notify.member.submitted",
                        params=params,
                        now=now,
                    )
    finally:
        await db.close()


def received(fake: FakeTelegram, person: int) -> list[str]:
    """Which notifications the person got, in the order Telegram delivered them."""
    marks = [notice(person, n) for n in range(PER_PERSON)]
    texts = [sent.text or "" for sent in fake.messages(person)]
    return [next((m for m in marks if m in text), text) for text in texts]


async def test_a_delivery_run_killed_midway_loses_nothing_and_repeats_only_what_was_in_flight(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    await queue_notifications(data)
    total = len(PEOPLE) * PER_PERSON
    database = data / "bot.sqlite3"
    for person in PEOPLE:
        fake.user(person, f"user {person}", language_code="en")

    # Each send takes 0.3 s, several at once: the kill lands with some of them in flight.
    fake.delay("sendMessage", 0.3)
    first = await start(fake, data)
    await fake.wait_until(lambda: len(fake.calls("sendMessage")) >= total // 3, timeout=20)
    await first.kill(between_updates=False)
    sent_before = scalar(database, "SELECT COUNT(*) FROM outbox WHERE state = 'sent'")
    assert isinstance(sent_before, int) and 0 < sent_before < total
    await asyncio.sleep(0.5)  # what was in flight reaches the fake all the same
    fake.delay("sendMessage", None)

    second = await start(fake, data)
    await poll_until(
        lambda: scalar(database, "SELECT COUNT(*) FROM outbox WHERE state != 'sent'") == 0,
        what="every notification sent",
    )
    await second.stop()

    repeated = 0
    for person in PEOPLE:
        got = received(fake, person)
        expected = [notice(person, n) for n in range(PER_PERSON)]
        # In queue order, each at least once; one message at most came twice, back to back.
        assert [m for i, m in enumerate(got) if i == 0 or got[i - 1] != m] == expected, got
        assert len(got) - len(expected) <= 1, got
        repeated += len(got) - len(expected)
    # Only what was in flight at the kill came twice, and the kill did land mid-send.
    in_flight = len(fake.calls("sendMessage")) - total
    assert repeated == in_flight >= 1
