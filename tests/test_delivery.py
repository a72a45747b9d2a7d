"""Reliable delivery against a fake Telegram that enforces flood limits and fails on purpose."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.i18n import encode_params
from bot.testing.fake_telegram import FakeTelegram, RateLimits
from bot.testing.harness import BotUnderTest
from bot.workflow import Role
from storage import outbox as outbox_repo
from storage import users as users_repo
from tests.conftest import seed_world
from tests.test_outbox_delivery import submitted_case

RECIPIENTS = list(range(9001, 9013))
PER_PERSON = 3


@pytest.fixture
async def limited_fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(rate_limits=RateLimits(global_per_second=30)) as server:
        yield server


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


async def test_every_message_arrives_once_in_order_despite_429s_5xx_and_a_blocked_chat(
    limited_fake: FakeTelegram, tmp_path: Path
) -> None:
    fake = limited_fake
    limited, failing, blocked = RECIPIENTS[0], RECIPIENTS[1], RECIPIENTS[2]
    fake.fail_next("sendMessage", status=429, retry_after=1, chat_id=limited, times=2)
    fake.fail_next("sendMessage", status=502, chat_id=failing)
    fake.fail_next("sendMessage", status=500, chat_id=failing)
    fake.block(blocked)
    overrides = {"outbox_per_second": 29, "outbox_per_chat_interval": 1.0}
    async with BotUnderTest.start(fake, tmp_path, **overrides) as bot:
        services = bot.services
        now = services.clock()
        async with services.db.transaction() as conn:
            for user_id in RECIPIENTS:
                await users_repo.touch(conn, user_id, f"user {user_id}", "en", now)
            for n in range(PER_PERSON):
                for user_id in RECIPIENTS:
                    await outbox_repo.enqueue(
                        conn,
                        recipient_id=user_id,
                        kind="test",
                        msg_id="reminder.digest.count_line",
                        params=encode_params({"status": f"to {user_id}", "count": n}),
                        now=now,
                    )

        async def nothing_pending() -> bool:
            rows = await services.db.fetchall("SELECT 1 FROM outbox WHERE state = 'pending'")
            return not rows

        await bot.eventually(nothing_pending, timeout=30)
        states = {
            (r["recipient_id"], r["state"])
            for r in await services.db.fetchall("SELECT recipient_id, state FROM outbox")
        }
        blocked_user = await users_repo.get(services.db.conn, blocked)

    for user_id in RECIPIENTS:
        texts = [m.text for m in fake.messages(user_id)]
        if user_id == blocked:
            assert texts == []
            continue
        # Exactly once each, in the order they were queued.
        assert texts == [f"• to {user_id}: {n}" for n in range(PER_PERSON)], user_id
    assert (blocked, "unreachable") in states
    assert {s for r, s in states if r != blocked} == {"sent"}
    assert blocked_user is not None and not blocked_user.reachable
    # The pacing kept us inside the limits apart from the injected failures, however the
    # machine schedules us: the worker counts a send from when it ends (Telegram has seen it
    # by then), and while it is in flight as happening now (bot/outbox.py, _Pace).
    refused = [c for c in fake.calls("sendMessage", include_failed=True) if c.failed]
    assert all(c.chat_id in (limited, failing, blocked) for c in refused), refused


async def test_officers_hear_when_a_foundation_can_no_longer_be_reached(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    async with BotUnderTest.start(fake, tmp_path) as bot:
        world = await seed_world(bot.services.db, bot.services.clock())
        # The colleague blocked the bot long ago; now the member does too.
        async with bot.services.db.transaction() as conn:
            await users_repo.set_reachable(conn, world.colleague, False)
        fake.block(world.member)
        case = await submitted_case(bot, world)
        cases = bot.services
        await cases.review.request_correction(world.officer, case.id, case.version, "ส่งใหม่")
        await bot.settle()
        notices = [
            m
            for m in await outbox_repo.for_case(bot.services.db.conn, case.id)
            if m.kind == "unreachable"
        ]
        assert [(m.recipient_id, m.state) for m in notices] == [(world.officer, "sent")]
        text = fake.messages(world.officer)[-1].text or ""
        assert "มูลนิธิทดสอบ" in text and case.tracking_no in text
        member = await users_repo.get(bot.services.db.conn, world.member)
        assert member is not None and member.role is Role.MEMBER and not member.reachable
