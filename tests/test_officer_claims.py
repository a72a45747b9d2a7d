"""Claiming, taking over a colleague's case, and acting on an outdated screen."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.testing.fake_telegram import FakeTelegram
from bot.testing.harness import BotUnderTest
from tests.conftest import seed_world
from tests.officer_support import (
    add_officer,
    case_now,
    delivered,
    events_of,
    last,
    last_answer,
    officer_user,
    press,
    submitted_case,
    tr,
)

COLLEAGUE = 2010


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


async def test_a_colleague_takes_over_a_claimed_case_after_confirming(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    async with BotUnderTest.start(fake, tmp_path) as bot:
        world = await seed_world(bot.services.db, bot.services.clock())
        await add_officer(bot, COLLEAGUE, world.province)
        case = await submitted_case(bot, world.member)
        await bot.services.review.claim(world.officer, case.id, case.version)
        await delivered(bot)
        t = tr(bot)
        colleague = bot.fake.user(COLLEAGUE, "Malee", language_code="th")

        await colleague.send_command("find", case.tracking_no)
        await bot.settle()
        await press(bot, colleague, f"1. {case.tracking_no}")
        view = last(colleague)
        assert t.t("action.claim") not in view.button_texts  # claimed: a plain claim is gone
        await press(bot, colleague, t.t("officer.button.take_over", name="user 2001"))
        assert view.text == t.t(
            "officer.confirm.take_over", tracking_no=case.tracking_no, name="user 2001"
        )
        await press(bot, colleague, t.t("officer.button.confirm"))

        assert (await case_now(bot, case.id)).claimed_by == COLLEAGUE
        claims = [e for e in await events_of(bot, case.id) if e.action == "claim"]
        assert [(e.actor_id, e.data.get("taken_from")) for e in claims] == [
            (world.officer, None),
            (COLLEAGUE, world.officer),
        ]
        text = view.text or ""
        assert t.t("officer.event.took_over", name="user 2001") in text
        assert "เจ้าหน้าที่: Malee" in text
        assert not [b for b in view.button_texts if b.startswith("🔁")]


async def test_an_outdated_screen_changes_nothing_and_shows_the_case_as_it_is(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    async with BotUnderTest.start(fake, tmp_path) as bot:
        world = await seed_world(bot.services.db, bot.services.clock())
        await add_officer(bot, COLLEAGUE, world.province)
        case = await submitted_case(bot, world.member)
        await delivered(bot)
        t = tr(bot)
        officer = officer_user(bot, world)
        colleague = bot.fake.user(COLLEAGUE, "Malee", language_code="th")
        for person in (officer, colleague):
            await person.send_command("find", case.tracking_no)
            await bot.settle()
            await press(bot, person, f"1. {case.tracking_no}")
        theirs = last(colleague)
        stale_claim = theirs.find_button(t.t("action.claim"))
        assert stale_claim is not None

        # The officer marks every document complete; the colleague's screen is now outdated.
        await press(bot, officer, t.t("officer.button.all_complete"))
        await press(bot, officer, t.t("officer.button.confirm"))
        before = len(await events_of(bot, case.id))

        await press(bot, colleague, t.t("officer.button.all_complete"))
        assert last_answer(colleague) == t.t("common.conflict")
        text = theirs.text or ""
        assert text.startswith(t.t("common.conflict"))
        assert "✅" in text and "⏳" not in text  # the fresh state, every document complete
        assert t.t("officer.button.all_complete") not in theirs.button_texts

        # Replaying the old claim confirmation directly changes nothing either.
        await colleague.press_data(
            stale_claim["callback_data"].replace("oa:", "ox:", 1), theirs.message_id
        )
        await bot.settle()
        assert last_answer(colleague) == t.t("common.conflict")
        assert len(await events_of(bot, case.id)) == before
        assert (await case_now(bot, case.id)).claimed_by is None
