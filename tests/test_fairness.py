"""Fairness: different people's updates run at the same time, each person's keep their order,
and a flood from one person is cut short with one "please slow down" and delays nobody else.

The pace rule (``bot.fairness.judge``) is checked on its own with a simulated clock: no person
working by hand reaches it. The rest runs the real application against the fake Telegram.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from telegram.ext import ConversationHandler

from bot.config import Settings
from bot.fairness import SLOW_DOWN, FloodRule, Person, PersonalUpdateProcessor, Verdict, judge
from bot.testing.fake_telegram import FakeTelegram
from bot.testing.harness import BotUnderTest
from bot.workflow import Role
from tests.conftest import seed_world
from tests.foundation_steps import tr

DEFAULTS = Settings.model_fields
RULE = FloodRule(
    DEFAULTS["flood_window_seconds"].default,
    DEFAULTS["flood_limit"].default,
    DEFAULTS["flood_limit_newcomer"].default,
)


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


def drops(rule: FloodRule, role: Role, times: list[float]) -> int:
    person = Person(role=role)
    return sum(judge(rule, person, t)[0] is Verdict.DROP for t in times)


def test_no_one_working_by_hand_meets_the_limit() -> None:
    # An officer pressing through a review faster than anyone reads a screen: three presses a
    # second for ten minutes, after an album of ten photos sent at once.
    album = [0.0] * 10
    presses = [1.0 + i / 3 for i in range(3 * 600)]
    assert drops(RULE, Role.OFFICER, album + presses) == 0
    # Someone new typing one answer a second for ten minutes, after an album of ten photos.
    assert drops(RULE, Role.NONE, album + [1.0 + i for i in range(600)]) == 0


def test_a_flood_is_cut_to_the_limit_and_newcomers_get_less() -> None:
    flood = [i / 1000 for i in range(1000)]  # a thousand updates in one second
    assert drops(RULE, Role.MEMBER, flood) == 1000 - RULE.limit
    assert drops(RULE, Role.NONE, flood) == 1000 - RULE.newcomer
    assert RULE.newcomer < RULE.limit
    # A window later the person is let in again.
    person = Person(role=Role.MEMBER)
    for t in flood:
        judge(RULE, person, t)
    assert judge(RULE, person, 1.0 + RULE.window)[0] is Verdict.ACCEPT
    # Unknown role: a newcomer's share is let in at once, a role's share once the role is known.
    person = Person()
    verdicts = [judge(RULE, person, t)[0] for t in flood[: RULE.limit + 1]]
    assert verdicts[: RULE.newcomer] == [Verdict.ACCEPT] * RULE.newcomer
    assert set(verdicts[RULE.newcomer : RULE.limit]) == {Verdict.ASK_ROLE}
    assert verdicts[-1] is Verdict.DROP
    assert drops(FloodRule(10, 0, 0), Role.NONE, flood) == 0  # 0: no limit


async def test_every_conversation_is_per_user(fake: FakeTelegram, tmp_path: Path) -> None:
    """Turns are per person: a conversation shared by several people would need more."""
    async with BotUnderTest.start(fake, tmp_path) as bot:
        conversations = [
            h
            for group in bot.application.handlers.values()
            for h in group
            if isinstance(h, ConversationHandler)
        ]
    assert conversations and all(c.per_user for c in conversations)


async def test_people_are_served_side_by_side_and_each_in_order(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    async with BotUnderTest.start(fake, tmp_path) as bot:
        th, en = tr(bot, "th"), tr(bot, "en")
        slow, other = fake.user(5001, "Somchai", "th"), fake.user(5002, "Malee", "th")
        await slow.send_command("language")
        await bot.settle()
        # Somchai's turn is taken, as by a handler of his that waits a long time for Telegram
        # (held here by the test itself, so nothing depends on how long anything takes).
        processor = bot.application.update_processor
        assert isinstance(processor, PersonalUpdateProcessor)
        turn = processor.people[slow.id].lock
        await turn.acquire()
        try:
            await slow.press(th.t("language.button_en"))
            await slow.send_command("help")
            # Malee is answered meanwhile...
            await other.send_command("start")
            malee = await other.wait_for_message(timeout=30)
            assert (malee.text or "").startswith(th.t("start.welcome_new", name="Malee"))
            # ... while Somchai's two updates wait for his turn.
            assert len(slow.messages()) == 1
        finally:
            turn.release()
        await bot.settle()
        # Then his in the order he sent them: the press first, so /help answers in English.
        menu, helped = slow.messages()
        assert menu.text == en.t("language.saved")  # the menu, edited by the press
        assert helped.text == en.t("help.new")


async def test_a_flood_gets_one_slow_down_and_delays_nobody(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    # A window longer than the test: the counts are exact however slow the machine is.
    limits = {"flood_limit": 40, "flood_limit_newcomer": 20, "flood_window_seconds": 3600}
    async with BotUnderTest.start(fake, tmp_path, **limits) as bot:
        world = await seed_world(bot.services.db, bot.services.clock())
        newcomer = fake.user(world.stranger, "Flood", "en")
        member = fake.user(world.member, "Anna", "en")
        officer = fake.user(world.officer, "Somchai", "th")
        for person in (newcomer, member):
            await person.send_command("help")
            await bot.settle()
        answered = {p.id: len(p.messages()) for p in (newcomer, member)}
        for _ in range(100):
            await newcomer.send_command("help")
            await member.send_command("help")
        await officer.send_command("start")
        await bot.settle(timeout=60)

        en = tr(bot, "en")
        for person, limit in ((newcomer, 20), (member, 40)):
            texts = [m.text or "" for m in person.messages()[answered[person.id] :]]
            assert texts.count(en.t(SLOW_DOWN)) == 1, person.first_name
            # The first update counted before the flood: limit - 1 more were let in.
            helps = [t for t in texts if t != en.t(SLOW_DOWN)]
            assert len(helps) == limit - 1, (person.first_name, len(helps))
        assert officer.last_message() is not None, "the officer was answered"
