"""Notifications queued by services reach people through the real bot, in their language."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.kernel.inputs import FileMeta
from bot.testing.fake_telegram import FakeTelegram
from bot.testing.harness import BotUnderTest
from storage import outbox as outbox_repo
from storage import users as users_repo
from storage.models import Case
from tests.conftest import World, seed_world


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


async def submitted_case(bot: BotUnderTest, world: World) -> Case:
    cases = bot.services
    case = await cases.application.create_draft(
        world.member, volunteer_name="JOHN SMITH", passport_no="AB1234567", details={}
    )
    for item in cases.kernel.checklist.required:
        data = f"%PDF-1.4 {item.key}".encode()
        meta = FileMeta(
            file_name=f"{item.key}.pdf",
            mime_type="application/pdf",
            size=len(data),
            sha256=bot.services.files.put(data),
        )
        case = (
            await cases.application.upload_attachment(
                world.member, case.id, case.version, item.key, meta
            )
        )[0].case
    return (await cases.application.submit(world.member, case.id, case.version)).case


async def test_each_person_is_told_in_their_own_language(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    async with BotUnderTest.start(fake, tmp_path) as bot:
        world = await seed_world(bot.services.db, bot.services.clock())
        await bot.services.users.set_language(world.officer, "en")
        case = await submitted_case(bot, world)
        officer_msg = await fake.wait_for_message(world.officer, timeout=5)
        colleague_msg = await fake.wait_for_message(world.colleague, timeout=5)
        en = bot.services.catalogs.for_language("en")
        th = bot.services.catalogs.for_language("th")
        assert officer_msg.text == en.t(
            "notify.officer.new_case",
            tracking_no=case.tracking_no,
            volunteer="JOHN SMITH",
            foundation="Test Foundation",
        )
        assert colleague_msg.text == th.t(
            "notify.member.submitted", tracking_no=case.tracking_no, volunteer="JOHN SMITH"
        )
        # Nobody else heard about it, and every row is marked sent.
        assert fake.messages(world.member) == []
        assert fake.messages(world.officer_elsewhere) == []

        async def all_sent() -> bool:
            rows = await outbox_repo.for_case(bot.services.db.conn, case.id)
            return {r.state for r in rows} == {"sent"}

        await bot.eventually(all_sent)


async def test_rate_limits_and_server_errors_delay_but_never_drop(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    async with BotUnderTest.start(fake, tmp_path) as bot:
        world = await seed_world(bot.services.db, bot.services.clock())
        fake.fail_next("sendMessage", status=429, retry_after=1, chat_id=world.officer)
        fake.fail_next("sendMessage", status=502, chat_id=world.colleague)
        case = await submitted_case(bot, world)

        async def all_sent() -> bool:
            rows = await outbox_repo.for_case(bot.services.db.conn, case.id)
            return {r.state for r in rows} == {"sent"}

        await bot.eventually(all_sent, timeout=10)
        rows = await outbox_repo.for_case(bot.services.db.conn, case.id)
    assert [(r.recipient_id, r.state, r.attempts) for r in rows] == [
        (world.officer, "sent", 2),
        (world.colleague, "sent", 2),
    ]
    assert len(fake.messages(world.officer)) == 1 and len(fake.messages(world.colleague)) == 1


async def test_a_person_who_blocked_the_bot_is_marked_unreachable(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    async with BotUnderTest.start(fake, tmp_path) as bot:
        world = await seed_world(bot.services.db, bot.services.clock())
        fake.block(world.colleague)
        case = await submitted_case(bot, world)
        await fake.wait_for_message(world.officer, timeout=5)

        async def colleague_row_state() -> str:
            rows = await outbox_repo.for_case(bot.services.db.conn, case.id)
            return next(r.state for r in rows if r.recipient_id == world.colleague)

        async def marked() -> bool:
            return await colleague_row_state() == "unreachable"

        await bot.eventually(marked)
        colleague = await users_repo.get(bot.services.db.conn, world.colleague)
        assert colleague is not None and not colleague.reachable


def test_file_meta_sha_matches_store(tmp_path: Path) -> None:
    from bot.files import FileStore

    store = FileStore(tmp_path)
    digest = store.put(b"abc")
    assert digest == hashlib.sha256(b"abc").hexdigest()
    assert store.get(digest) == b"abc"
    assert (store.path_for(digest).stat().st_mode & 0o777) == 0o600
