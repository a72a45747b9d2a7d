"""The sandbox: fake Bot API, the real bot against it, and the page, all on 127.0.0.1.

    async with Sandbox(port=0, demo=True) as sandbox:
        print(sandbox.url)

Everything it starts is stopped in reverse order on exit, and the bot's data directory (a
temporary one) is removed: nothing of a sandbox session outlives it.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import tempfile
from pathlib import Path
from types import TracebackType
from typing import Any

from aiohttp import web

from bot.app import open_services, running
from bot.runtime import CertBotApplication
from bot.sandbox import demo
from bot.sandbox.events import EventHub
from bot.sandbox.people import PEOPLE, person
from bot.sandbox.web import build_app
from bot.testing.fake_telegram import FakeTelegram
from bot.testing.harness import settings_for
from bot.workflow import Role
from handlers.menus import set_menu_for

logger = logging.getLogger(__name__)

HOST = "127.0.0.1"
BOT_USERNAME = "dsdw_certificate_sandbox_bot"
BOT_NAME = "DSDW Certificate"
# Long polls end as soon as an update arrives; a short timeout only makes stopping quicker.
POLL_TIMEOUT = 5
OUTBOX_INTERVAL = 0.5


class Sandbox:
    def __init__(self, *, port: int = 8080, demo: bool = False) -> None:
        self.requested_port = port
        self.demo = demo
        self.port = 0
        self.data_dir: Path | None = None
        self._stack: contextlib.AsyncExitStack | None = None
        self._fake: FakeTelegram | None = None
        self._application: CertBotApplication | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def fake(self) -> FakeTelegram:
        assert self._fake is not None, "the sandbox is not started"
        return self._fake

    @property
    def application(self) -> CertBotApplication:
        assert self._application is not None, "the sandbox is not started"
        return self._application

    async def start(self) -> Sandbox:
        async with contextlib.AsyncExitStack() as stack:
            await self._start(stack)
            self._stack = stack.pop_all()  # started: keep it all running until stop()
        return self

    async def _start(self, stack: contextlib.AsyncExitStack) -> None:
        # The port is taken first, so a busy one fails before anything else starts.
        sock = _bind(self.requested_port)
        stack.callback(sock.close)
        self._fake = fake = await stack.enter_async_context(
            FakeTelegram(bot_username=BOT_USERNAME, bot_first_name=BOT_NAME)
        )
        data_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="certbot-sandbox-")))
        self.data_dir = data_dir
        member, officer, admin = (person(role) for role in ("member", "officer", "admin"))
        assert member and officer and admin
        settings = settings_for(
            fake,
            data_dir / "data",
            admin_ids=frozenset({admin.user_id}),
            outbox_interval_seconds=OUTBOX_INTERVAL,
        )
        services = await open_services(settings)
        try:
            if self.demo:
                await demo.seed(services, member, officer, admin)
            else:
                await demo.staff_officer(services, admin, officer, None)
        finally:
            await services.db.close()
        for who in PEOPLE:
            fake.user(who.user_id, who.first_name, language_code=who.language)
        self._application = app = await stack.enter_async_context(
            running(settings, poll_timeout=POLL_TIMEOUT)
        )
        await _set_menus(app)
        hub = EventHub(fake)
        info: dict[str, Any] = {"bot": {**fake.bot_user}, "demo": self.demo}
        runner = web.AppRunner(build_app(fake, hub, info), access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        stack.push_async_callback(runner.cleanup)
        # Streams end before the runner waits for open requests, so stopping is immediate.
        stack.callback(hub.close)
        await web.SockSite(runner, sock).start()
        self.port = int(sock.getsockname()[1])

    async def stop(self) -> None:
        stack, self._stack = self._stack, None
        if stack is not None:
            await stack.aclose()
        self._fake = self._application = None

    async def __aenter__(self) -> Sandbox:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()


def _bind(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((HOST, port))
    except OSError:
        sock.close()
        raise
    return sock


async def _set_menus(app: CertBotApplication) -> None:
    """The menus the bot would have set had these people joined through the chat."""
    services = app.services
    for who in PEOPLE:
        user = await services.users.get(who.user_id)
        role = user.role if user is not None and user.active else Role.NONE
        if role is Role.NONE:
            continue  # the general menu already fits a newcomer
        t = services.catalogs.for_language(services.users.language_of(user, who.language))
        await set_menu_for(app.bot, who.user_id, role, t)
