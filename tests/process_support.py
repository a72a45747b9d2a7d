"""The bot as a real process (``python -m bot``) against ``FakeTelegram``: start, stop, kill.

Used by ``test_main`` (a clean run), ``test_crash_safety`` (SIGKILL at chosen moments) and
``test_backup`` (a backup taken while the bot writes). Nothing here reaches into the process:
the tests see only what the fake Telegram saw and what the database holds.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.config import REPO_ROOT
from bot.testing.fake_telegram import FakeTelegram, FakeUser

# How long the bot must make no request before a step counts as done (a reply may take
# several requests). Before a kill, ``BotProcess.kill`` waits longer, see there.
QUIET_SECONDS = 0.15
# A handler's last write, the conversation flush, follows its reply within milliseconds;
# a kill meant to land between two updates leaves it this long to be safe on a busy machine.
BETWEEN_UPDATES_SECONDS = 0.5


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without the developer's CERTBOT_* settings, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CERTBOT_")}
    env["PYTHONPATH"] = str(REPO_ROOT)
    env.update(extra)
    return env


def process_env(fake: FakeTelegram, data_dir: Path, **extra: str) -> dict[str, str]:
    """Settings for a bot process pointed at ``fake`` with its data in ``data_dir``."""
    # A scenario runs at machine speed, far over any person's pace: no flood limit unless a
    # test asks for one.
    return clean_env(
        CERTBOT_BOT_TOKEN=fake.token,
        CERTBOT_API_BASE_URL=fake.base_url,
        CERTBOT_API_FILE_URL=fake.file_url,
        CERTBOT_DATA_DIR=str(data_dir),
        **{"CERTBOT_FLOOD_LIMIT": "0", **extra},
    )


class BotProcess:
    """One running ``python -m bot`` (or another entry module that ends in its ``main``)."""

    def __init__(self, process: asyncio.subprocess.Process, fake: FakeTelegram) -> None:
        self.process = process
        self.fake = fake
        self.log = ""

    @classmethod
    async def start(
        cls,
        fake: FakeTelegram,
        data_dir: Path,
        *,
        module: str = "bot",
        cwd: Path | None = None,
        env: Mapping[str, str] | None = None,
    ) -> BotProcess:
        """Start the bot and wait until it polls: only then do updates reach it."""
        before = fake.last_poll_time
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            module,
            cwd=cwd or data_dir.parent,  # no .env there
            env=process_env(fake, data_dir, **(env or {})),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        started = cls(process, fake)

        def polling_or_gone() -> bool:
            # last_poll_time is set when a getUpdates call arrives (recorded when it returns).
            return fake.last_poll_time != before or process.returncode is not None

        try:
            await poll_until(polling_or_gone, timeout=30, what="the bot polling")
        except AssertionError:
            await started.kill(between_updates=False)
            raise AssertionError(f"the bot never polled:\n{started.log}") from None
        if process.returncode is not None:
            await started._collect()
            raise AssertionError(f"the bot exited at start-up:\n{started.log}")
        return started

    async def _collect(self) -> None:
        output, _ = await asyncio.wait_for(self.process.communicate(), timeout=30)
        self.log = output.decode(errors="replace")

    async def kill(self, *, between_updates: bool = True) -> None:
        """SIGKILL: no shutdown, no last persistence flush, no closing of the database.

        ``between_updates`` first lets the update being handled finish, so the kill lands
        between two updates (a test that sets the periodic flush far away learns nothing
        false from the wait); False kills at once, wherever the bot is.
        """
        if between_updates:
            await asyncio.sleep(BETWEEN_UPDATES_SECONDS)
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGKILL)
        await self._collect()

    async def stop(self) -> None:
        """SIGTERM, then check it shut down cleanly and never logged the token."""
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        await self._collect()
        assert self.process.returncode == 0, self.log
        self.check_log()

    def check_log(self) -> None:
        assert self.fake.token.split(":")[1] not in self.log, "the token must never be logged"
        assert "Traceback" not in self.log, self.log


@asynccontextmanager
async def bot_process(fake: FakeTelegram, workdir: Path, **env: str) -> AsyncIterator[BotProcess]:
    """The bot running in ``workdir`` with its data in ``workdir/data``; stopped cleanly."""
    process = await BotProcess.start(fake, workdir / "data", cwd=workdir, env=env)
    try:
        yield process
    finally:
        await process.stop()


async def settle(fake: FakeTelegram, since: int, reacted: Callable[[], bool] | None = None) -> None:
    """Wait until the bot took every update, reacted, and then made no request for a while.

    ``since`` is ``fake.last_seq`` before the action. The default reaction is any request
    after it; pass ``reacted`` when the first request is not the end of the bot's answer.
    """
    await fake.wait_delivered(timeout=10)

    def any_request() -> bool:
        return any(r.seq > since for r in fake.requests)

    if not await fake.wait_until(reacted or any_request, timeout=10):
        raise AssertionError("the bot did not react:\n" + "\n".join(map(repr, fake.requests[-8:])))
    loop = asyncio.get_running_loop()
    count = len(fake.requests)
    quiet_since = loop.time()
    while loop.time() - quiet_since < QUIET_SECONDS:
        await asyncio.sleep(0.02)
        if len(fake.requests) != count:
            count, quiet_since = len(fake.requests), loop.time()


@dataclass
class Person:
    """Someone in a chat with the bot process: each step waits until the bot is done with it."""

    fake: FakeTelegram
    user: FakeUser

    @property
    def text(self) -> str:
        """The bot's latest message in this chat, as it reads now."""
        message = self.user.last_message()
        assert message is not None, "the bot sent nothing"
        return message.text or message.caption or ""

    @property
    def buttons(self) -> list[str]:
        """The buttons under the bot's latest message."""
        message = self.user.last_message()
        assert message is not None, "the bot sent nothing"
        return message.button_texts

    def _replied(self, sent: dict[str, Any]) -> Callable[[], bool]:
        return lambda: any(m.message_id > sent["message_id"] for m in self.user.messages())

    async def say(self, text: str) -> str:
        since = self.fake.last_seq
        sent = await self.user.send_text(text)
        await settle(self.fake, since, self._replied(sent))
        return self.text

    async def command(self, name: str, *args: str) -> str:
        since = self.fake.last_seq
        sent = await self.user.send_command(name, *args)
        await settle(self.fake, since, self._replied(sent))
        return self.text

    async def send_file(self, data: bytes, name: str, mime: str | None = None) -> str:
        since = self.fake.last_seq
        sent = await self.user.send_document(data, name, mime)
        await settle(self.fake, since, self._replied(sent))
        return self.text

    async def press(self, label: str, message_id: int | None = None) -> str:
        since = self.fake.last_seq
        query = await self.user.press(label, message_id)
        await settle(self.fake, since, self._answered(query))
        return self.text

    async def press_data(self, data: str, message_id: int | None = None) -> str:
        if message_id is None:
            last = self.user.last_message()
            assert last is not None, "no message to press on"
            message_id = last.message_id
        since = self.fake.last_seq
        query = await self.user.press_data(data, message_id)
        await settle(self.fake, since, self._answered(query))
        return self.text

    def _answered(self, query: dict[str, Any]) -> Callable[[], bool]:
        return lambda: any(a.query_id == query["id"] for a in self.user.answered_callbacks)


async def poll_until(
    condition: Callable[[], bool],
    timeout: float = 10.0,  # noqa: ASYNC109
    what: str = "condition",
) -> None:
    """Wait for something outside the fake (a file, a database row) by looking every 20 ms."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"{what} still false after {timeout} s")
        await asyncio.sleep(0.02)


def read_db(database: Path) -> sqlite3.Connection:
    """A read-only look at the database, even while a bot process writes to it."""
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5)
    conn.row_factory = sqlite3.Row
    return conn


def scalar(database: Path, sql: str, params: tuple[object, ...] = ()) -> object:
    conn = read_db(database)
    try:
        row = conn.execute(sql, params).fetchone()
    finally:
        conn.close()
    return None if row is None else row[0]
