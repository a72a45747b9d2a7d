"""Fairness under a flood: another person's answer times while one account sends 1,000 messages.

    python bench/fairness.py [--flood 1000] [--seconds 10] [--actions 30]

Each scenario runs in this process against its own ``FakeTelegram`` on 127.0.0.1 (no flood
limits at the fake), with a fresh small database (``tests.conftest.seed_world``: a member of
a foundation and an officer; the size of the database does not matter here, the queueing
does). One account (a foundation member) sends ``--flood`` ``/help`` messages, all at once
(queued at the fake within milliseconds, the worst case) and, in a second round, spread evenly
over ``--seconds``; as the flood starts, an officer does ``--actions`` actions, each awaited
and followed by 0.3 s (``PACE``: a person's fastest, under the flood limit): ``/start`` and
``/dashboard`` in turn. An action's time runs from the update being queued at the fake to the
bot's answer being recorded there. Scenarios, per flood:

- bare echo: a minimal PTB ``Application`` with one ``MessageHandler`` that replies (PTB's
  default, one update at a time): what a flood does to any bot handling updates in order;
- the bot before issue 14: PTB's default processor (one update at a time), no flood limit
  (patched in here; bench only);
- the bot with per-person turns only (``flood_limit`` 0): concurrency alone;
- the bot as configured by default: per-person turns and the flood limit.

It prints the officer's first answer time, median, 95th percentile and maximum in
milliseconds, how many of the flood's messages the bot answered, and how many "please slow
down" notices it sent.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from telegram import Update
from telegram.ext import ContextTypes, MessageHandler, SimpleUpdateProcessor, filters

from bench.common import load, machine, median, ms, percentile
from bot import app as bot_app
from bot.config import Settings
from bot.fairness import SLOW_DOWN
from bot.testing.fake_telegram import FakeTelegram, FakeUser
from bot.testing.harness import BotUnderTest
from tests.conftest import seed_world

MEMBER, OFFICER = 1001, 2001
FLOODS: dict[float, str] = {}
# Seconds between the officer's actions: faster than anyone reads a screen and presses again,
# and under the flood limit (40 in 10 s), which a person working by hand never meets.
PACE = 0.3


@dataclass
class Result:
    name: str
    times: list[float]
    flood_answered: int | None = None
    notices: int | None = None


async def act(fake: FakeTelegram, user: FakeUser, text: str) -> float:
    """Send one message and wait for the bot's first answer to it; seconds it took."""
    start = time.perf_counter()
    sent = await user.send_text(text)
    await user.wait_for_message(timeout=120, after=sent["message_id"])
    return time.perf_counter() - start


async def flood_messages(member: FakeUser, flood: int, seconds: float) -> None:
    """``flood`` messages: all at once (``seconds`` 0) or spread evenly over ``seconds``."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    for n in range(flood):
        if seconds:
            await asyncio.sleep(max(0.0, start + n * seconds / flood - loop.time()))
        await member.send_text("/help")


async def measure(
    fake: FakeTelegram,
    flood: int,
    seconds: float,
    actions: int,
    settle: Callable[[], Awaitable[None]],
) -> list[float]:
    member = fake.user(MEMBER, "Flood", "en")
    officer = fake.user(OFFICER, "Somchai", "th")
    await act(fake, officer, "/start")  # warm up: the first update of a person costs more
    flooding = asyncio.create_task(flood_messages(member, flood, seconds))
    await asyncio.sleep(0)  # the flood starts first
    times = []
    for i in range(actions):
        times.append(await act(fake, officer, ("/start", "/dashboard")[i % 2]))
        await asyncio.sleep(PACE)
    await flooding
    await settle()
    return times


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(update.effective_message.text or "?")


async def echo_scenario(flood: int, seconds: float, actions: int) -> Result:
    async with FakeTelegram() as fake:
        application = fake.application_builder().build()
        application.add_handler(MessageHandler(filters.TEXT, echo))
        async with application:
            await application.start()
            assert application.updater is not None
            await application.updater.start_polling(poll_interval=0.0, timeout=1)

            async def settle() -> None:
                await fake.wait_delivered(timeout=120)
                await application.update_queue.join()

            try:
                times = await measure(fake, flood, seconds, actions, settle)
            finally:
                await application.updater.stop()
                await application.stop()
    return Result(f"bare echo, {FLOODS[seconds] if flood else 'no flood'}", times)


async def bot_scenario(
    name: str, flood: int, seconds: float, actions: int, *, turns: bool = True, **settings: object
) -> Result:
    with tempfile.TemporaryDirectory(prefix="certbot-fairness-") as tmp:
        # turns=False: PTB's default processor, one update at a time (the bot before issue 14).
        original = bot_app.PersonalUpdateProcessor
        if not turns:
            bot_app.PersonalUpdateProcessor = OneAtATime  # type: ignore[assignment,misc]
        try:
            async with (
                FakeTelegram() as fake,
                BotUnderTest.start(fake, Path(tmp), **settings) as bot,
            ):
                await seed_world(bot.services.db, bot.services.clock())
                times = await measure(
                    fake, flood, seconds, actions, lambda: bot.settle(timeout=300)
                )
                notice = bot.services.catalogs.for_language("en").t(SLOW_DOWN)
                texts = [m.text or "" for m in fake.messages(MEMBER)]
        finally:
            bot_app.PersonalUpdateProcessor = original  # type: ignore[misc]
    return Result(name, times, sum(t != notice for t in texts), texts.count(notice))


class OneAtATime(SimpleUpdateProcessor):
    """PTB's default: one update at a time, in arrival order; no flood limit (bench only)."""

    def __init__(self, rule: object) -> None:
        super().__init__(1)

    def attach(self, *args: object) -> None:
        """No role lookups and no notices: nothing is ever dropped."""


def row(result: Result) -> str:
    times = result.times
    answered = "" if result.flood_answered is None else f"{result.flood_answered:,}"
    notices = "" if result.notices is None else str(result.notices)
    return (
        f"| {result.name} | {ms(times[0])} | {ms(median(times))} | {ms(percentile(times, 95))} "
        f"| {ms(max(times))} | {answered} | {notices} |"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--flood", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=10.0, help="spread of the 2nd flood")
    parser.add_argument("--actions", type=int, default=30)
    args = parser.parse_args()
    flood, actions = args.flood, args.actions
    defaults = Settings.model_fields
    limits = {
        name: defaults[name].default
        for name in ("flood_window_seconds", "flood_limit", "flood_limit_newcomer")
    }
    print(machine())
    results = [
        await echo_scenario(0, 0, actions),
        await bot_scenario("bot, no flood", 0, 0, actions, **limits),
    ]
    for seconds in (0.0, args.seconds):
        FLOODS[seconds] = (
            f"{flood:,} messages at once"
            if not seconds
            else f"{flood:,} messages over {seconds:g} s"
        )
        results += [
            await echo_scenario(flood, seconds, actions),
            await bot_scenario(
                f"bot before (one update at a time), {FLOODS[seconds]}",
                flood,
                seconds,
                actions,
                turns=False,
                flood_limit=0,
            ),
            await bot_scenario(
                f"bot, per-person turns only, {FLOODS[seconds]}",
                flood,
                seconds,
                actions,
                flood_limit=0,
            ),
            await bot_scenario(
                f"bot, per-person turns and flood limit, {FLOODS[seconds]}",
                flood,
                seconds,
                actions,
                **limits,
            ),
        ]
    print(
        f"\nflood limit: {limits['flood_limit']} updates per {limits['flood_window_seconds']:g} s "
        f"({limits['flood_limit_newcomer']} without a role); {actions} officer actions each\n"
    )
    print(
        "| scenario | officer's first ms | median ms | p95 ms | max ms | flood answered "
        "| slow-down notices |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for result in results:
        print(row(result))
    print(f"\n{load()}")


if __name__ == "__main__":
    asyncio.run(main())
