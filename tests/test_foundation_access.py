"""Someone of another foundation, or nobody's member, can neither see a foundation's case nor
act on it, not even by replaying the exact buttons its members were given."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.testing.fake_telegram import FakeTelegram, FakeUser, SentMessage
from bot.testing.harness import BotUnderTest
from bot.workflow import Status
from storage import cases as cases_repo
from storage import events as events_repo
from tests.conftest import seed_world
from tests.foundation_steps import command, last, press, submitted_case, tr


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


def data_of(message: SentMessage, label: str) -> str:
    button = message.find_button(label)
    assert button is not None, message.describe()
    data = button.get("callback_data")
    assert isinstance(data, str)
    return data


async def replay(bot: BotUnderTest, user: FakeUser, data: str) -> str | None:
    """Press a button with this data, as if it were on the user's latest message."""
    before = len(user.answered_callbacks)
    own = last(user)
    await user.press_data(data, own.message_id)
    await bot.settle()
    answers = user.answered_callbacks
    assert len(answers) == before + 1, "every button press is answered"
    return answers[-1].text


async def test_another_foundation_can_neither_see_nor_act(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    async with BotUnderTest.start(fake, tmp_path) as bot:
        world = await seed_world(bot.services.db, bot.services.clock())
        db = bot.services.db
        await bot.services.users.set_language(world.member, "en")
        case = await submitted_case(bot, world.member)
        flagged = next(
            a for a in await bot.services.kernel.current_attachments(case.id) if a.item == "cv"
        )
        case = (
            await bot.services.review.mark_attachment(
                world.officer, case.id, case.version, flagged.id, "needs_correction", "Unsigned"
            )
        ).case
        case = (
            await bot.services.review.request_correction(world.officer, case.id, case.version, None)
        ).case

        # The member's own buttons: open, withdraw, start correcting.
        member = fake.user(world.member, "Anna", language_code="en")
        t = tr(bot, "en")
        await command(bot, member, "cases")
        listing = last(member)
        open_data = data_of(listing, f"{case.tracking_no} · ANNA MARIA SCHMIDT")
        await press(bot, member, f"{case.tracking_no} · ANNA MARIA SCHMIDT")
        view = last(member)
        withdraw_data = data_of(view, t.t("foundation.button.withdraw"))
        correct_data = data_of(view, t.t("foundation.button.start_correcting"))
        assert withdraw_data == f"fcw:{case.id}:{case.version}"

        for outsider_id in (world.other_member, world.stranger):
            outsider = fake.user(outsider_id, "Eve", language_code="en")
            text = await command(bot, outsider, "cases")
            assert case.tracking_no not in text
            seen_before = len(outsider.messages())
            not_found = t.t("error.case_not_found")
            assert await replay(bot, outsider, open_data) == not_found
            assert await replay(bot, outsider, withdraw_data) == not_found
            assert await replay(bot, outsider, correct_data) in (
                not_found,
                t.t("foundation.error.not_member"),
            )
            assert await replay(bot, outsider, f"fcy:{case.id}:{case.version}") == t.t(
                "common.stale_button"
            )
            assert await replay(bot, outsider, f"fxr:{case.id}:{case.version}") == t.t(
                "common.stale_button"
            )
            assert await replay(bot, outsider, f"fay:{case.id}:{case.version}") == t.t(
                "common.stale_button"
            )
            # Nothing about the case reached them, and nothing changed.
            for message in outsider.messages()[seen_before:]:
                assert case.tracking_no not in (message.text or "")
                assert "ANNA MARIA SCHMIDT" not in (message.text or "")

        after = await cases_repo.get(db.conn, case.id)
        assert after is not None
        assert (after.status, after.version) == (Status.AWAITING_CORRECTION, case.version)
        assert await events_repo.latest(db.conn, case.id, "withdraw") is None

        # A withdrawal an outsider starts on their own case cannot be turned onto this one.
        theirs = await submitted_case(bot, world.other_member, "OTHER VOLUNTEER")
        outsider = fake.user(world.other_member, "Eve", language_code="en")
        await command(bot, outsider, "cases")
        await press(bot, outsider, f"{theirs.tracking_no} · OTHER VOLUNTEER")
        await press(bot, outsider, t.t("foundation.button.withdraw"))
        await outsider.send_text("We changed our plans")
        await bot.settle()
        assert await replay(bot, outsider, f"fcy:{case.id}:{case.version}") == t.t(
            "common.stale_button"
        )
        after = await cases_repo.get(db.conn, case.id)
        assert after is not None and after.status is Status.AWAITING_CORRECTION
