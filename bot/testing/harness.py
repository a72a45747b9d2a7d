"""The real bot, running against ``FakeTelegram``: for tests, benchmarks and the sandbox.

    async with FakeTelegram() as fake, BotUnderTest.start(fake, tmp_path) as bot:
        somchai = fake.user(1001)
        await somchai.send_command("start")
        await bot.settle()
        assert "ยินดีต้อนรับ" in somchai.last_message().text

``settle()`` returns once the bot has fetched and fully processed every update sent so far.
A test that needs to set or move time passes a clock, and the bot reads "now" only from it:

    clock = ManualClock()  # bot.testing.clock
    async with BotUnderTest.start(fake, tmp_path, clock=clock) as bot:
        clock.advance(days=31)
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot import logs
from bot.app import running
from bot.clock import Clock, system_clock
from bot.config import Settings
from bot.runtime import CertBotApplication, Services
from bot.testing.fake_telegram import FakeTelegram
from storage import outbox as outbox_repo


def settings_for(fake: FakeTelegram, data_dir: Path, **overrides: Any) -> Settings:
    """Settings pointing at the fake, ignoring any ``.env`` of the developer's machine."""
    values: dict[str, Any] = {
        "bot_token": fake.token,
        "api_base_url": fake.base_url,
        "api_file_url": fake.file_url,
        "data_dir": data_dir,
        "outbox_interval_seconds": 0.05,
        # The fake enforces no flood limits unless a test asks it to; neither do we, then.
        "outbox_per_second": 1000,
        "outbox_per_chat_interval": 0.0,
        # A scenario runs at machine speed, far over any person's pace: no flood limit unless
        # a test asks for one (as for the outbox's limits above).
        "flood_limit": 0,
        # Scheduled reminders would talk over a scenario; tests that want them turn them on.
        "reminders_enabled": False,
        **overrides,
    }
    return Settings(_env_file=None, **values)


@dataclass
class BotUnderTest:
    fake: FakeTelegram
    application: CertBotApplication

    @property
    def services(self) -> Services:
        return self.application.services

    @property
    def clock(self) -> Clock:
        """The bot's one source of "now" (the one passed to ``start``)."""
        return self.services.clock

    async def settle(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Every update sent so far is processed and every notification now due is sent.

        Notifications go out from the outbox job, a moment after the update that queued them;
        waiting for them too keeps "the last message the person got" deterministic.
        """
        await self.fake.wait_delivered(timeout=timeout)
        await self.application.update_queue.join()

        async def outbox_drained() -> bool:
            services = self.services
            return await outbox_repo.count_due(services.db.conn, services.clock()) == 0

        await self.eventually(outbox_drained, timeout=timeout)

    async def eventually(
        self,
        condition: Callable[[], Awaitable[bool]],
        timeout: float = 5.0,  # noqa: ASYNC109
        interval: float = 0.02,
    ) -> None:
        """Wait until an async check (say, on the database) holds; fail clearly if it never does."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not await condition():
            if loop.time() > deadline:
                raise AssertionError(f"condition still false after {timeout} s: {condition}")
            await asyncio.sleep(interval)

    @classmethod
    @asynccontextmanager
    async def start(
        cls,
        fake: FakeTelegram,
        data_dir: Path,
        *,
        clock: Clock = system_clock,
        **overrides: Any,
    ) -> AsyncIterator[BotUnderTest]:
        """The bot on ``clock`` (the system's unless a test passes a ``ManualClock``), with
        ``overrides`` applied to its settings."""
        logs.quiet_noisy_loggers()  # as ``python -m bot`` does: a test's log is the service's
        settings = settings_for(fake, data_dir, **overrides)
        async with running(settings, poll_timeout=1, clock=clock) as app:
            yield cls(fake, app)
