"""Time is injected: the bot reads "now" only from the clock it was given, so a test sets and
moves time by passing a ``ManualClock``, and no module reads the system clock behind its back."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import REPO_ROOT
from bot.testing.clock import ManualClock
from bot.testing.fake_telegram import FakeTelegram
from bot.testing.harness import BotUnderTest
from storage import users as users_repo

PERSON = 1001

# Reading the system's time; only the system clock itself may (``storage/clock.py``). The fake
# Bot API (``bot/testing/``) is Telegram, whose clock is the real one; the outbox's pacing uses
# the event loop's monotonic timer, which measures intervals and is not "now".
_READS_SYSTEM_TIME = re.compile(
    r"\b(?:datetime\.now|datetime\.utcnow|date\.today|time\.time|utcnow)\(\)|\.now\(\s*(?:UTC|dt\.UTC|tz)"
)
_ALLOWED = {Path("storage/clock.py")}


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


async def test_the_bot_keeps_time_by_the_clock_it_was_given(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    # Telegram dates the bot's messages by the real clock; start there.
    clock = ManualClock(dt.datetime.now(dt.UTC).replace(microsecond=0))
    started = clock()
    person = fake.user(PERSON, "Anna", language_code="en")
    async with BotUnderTest.start(fake, tmp_path, clock=clock) as bot:
        assert bot.clock is clock
        t = bot.services.catalogs.for_language("en")
        await person.send_command("language")
        await bot.settle()
        menu = person.last_message()
        assert menu is not None and menu.text == t.t("language.choose")
        stored = await users_repo.get(bot.services.db.conn, PERSON)
        assert stored is not None and stored.created_at == started

        # A month on by the bot's clock, the menu's buttons are too old to act on.
        clock.advance(days=31)
        await person.press(t.t("language.button_th"))
        await bot.settle()
        assert person.answered_callbacks[-1].text == t.t("common.button_too_old")
        assert menu.text == t.t("language.choose")
        stored = await users_repo.get(bot.services.db.conn, PERSON)
        assert stored is not None and stored.language is None


def test_no_module_reads_the_system_clock() -> None:
    offenders = []
    for top in ("bot", "handlers", "storage"):
        for path in sorted((REPO_ROOT / top).rglob("*.py")):
            relative = path.relative_to(REPO_ROOT)
            if relative in _ALLOWED or relative.parts[:2] == ("bot", "testing"):
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if _READS_SYSTEM_TIME.search(line):
                    offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == [], "take the time from the injected clock:\n" + "\n".join(offenders)
