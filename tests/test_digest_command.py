"""/digest: officers turn the morning digest off and on; others are told it is for officers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.testing.fake_telegram import FakeTelegram
from bot.testing.harness import BotUnderTest
from storage import reminders as reminders_repo
from tests.conftest import seed_world


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


async def test_an_officer_turns_the_digest_off_and_on(fake: FakeTelegram, tmp_path: Path) -> None:
    async with BotUnderTest.start(fake, tmp_path) as bot:
        world = await seed_world(bot.services.db, bot.services.clock())
        t = bot.services.catalogs.for_language("en")
        officer = fake.user(world.officer, "Somsri", language_code="en")
        await officer.send_command("digest")
        await bot.settle()
        menu = officer.last_message()
        assert menu is not None and menu.text == t.t("digest.status_on", time="08:30")
        await officer.press(t.t("digest.button_off"))
        await bot.settle()
        assert menu.text == t.t("digest.status_off")
        assert not await reminders_repo.digest_enabled(bot.services.db.conn, world.officer)
        await officer.press(t.t("digest.button_on"))
        await bot.settle()
        assert menu.text == t.t("digest.status_on", time="08:30")
        assert await reminders_repo.digest_enabled(bot.services.db.conn, world.officer)

        # A member replaying the officer's button changes nothing.
        member = fake.user(world.member, "Anna", language_code="en")
        await member.send_command("digest")
        await bot.settle()
        assert (member.last_message() or menu).text == t.t("digest.officers_only")
        await member.press_data("rd:off", menu.message_id)
        await bot.settle()
        assert member.answered_callbacks[-1].text == t.t("digest.officers_only")
        assert await reminders_repo.digest_enabled(bot.services.db.conn, world.officer)
