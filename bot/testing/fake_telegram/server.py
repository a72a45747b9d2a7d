"""The aiohttp server: lifecycle, URLs for PTB, reading requests and routing each call."""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import math
import socket
import time
from types import TracebackType
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.testing.fake_telegram.inspection import Inspection
from bot.testing.fake_telegram.limits import RATE_LIMITED
from bot.testing.fake_telegram.model import MAX_UPLOAD_BYTES
from bot.testing.fake_telegram.users import FakeUser
from bot.testing.fake_telegram.wire import (
    ApiError,
    Handler,
    JSONDict,
    Req,
    Upload,
    coerce_chat_id,
    decode_form_value,
    error_response,
)

if TYPE_CHECKING:
    from telegram import Bot

_LOGGER = logging.getLogger("bot.testing.fake_telegram")  # one logger for the whole fake


class FakeTelegram(Inspection):
    """Fake Bot API server. See the package docstring for an overview."""

    @functools.cached_property
    def _methods(self) -> dict[str, tuple[str, Handler]]:
        """Every method the fake speaks, by lower-case name: like the real API, method names
        are case-insensitive."""
        handlers: dict[str, Handler] = {
            "getMe": self._m_get_me,
            "getUpdates": self._m_get_updates,
            "setWebhook": self._m_set_webhook,
            "deleteWebhook": self._m_delete_webhook,
            "getWebhookInfo": self._m_get_webhook_info,
            "logOut": self._m_true,
            "close": self._m_true,
            "sendMessage": self._m_send_message,
            "editMessageText": self._m_edit_message_text,
            "editMessageCaption": self._m_edit_message_caption,
            "editMessageReplyMarkup": self._m_edit_message_reply_markup,
            "deleteMessage": self._m_delete_message,
            "deleteMessages": self._m_delete_messages,
            "answerCallbackQuery": self._m_answer_callback_query,
            "sendDocument": self._m_send_document,
            "sendPhoto": self._m_send_photo,
            "sendMediaGroup": self._m_send_media_group,
            "sendChatAction": self._m_send_chat_action,
            "getFile": self._m_get_file,
            "getChat": self._m_get_chat,
            "setMyCommands": self._m_set_my_commands,
            "getMyCommands": self._m_get_my_commands,
            "deleteMyCommands": self._m_delete_my_commands,
            "setChatMenuButton": self._m_set_chat_menu_button,
            "getChatMenuButton": self._m_get_chat_menu_button,
            "setMyName": self._bot_text_setter("name"),
            "getMyName": self._bot_text_getter("name"),
            "setMyDescription": self._bot_text_setter("description"),
            "getMyDescription": self._bot_text_getter("description"),
            "setMyShortDescription": self._bot_text_setter("short_description"),
            "getMyShortDescription": self._bot_text_getter("short_description"),
        }
        return {name.lower(): (name, handler) for name, handler in handlers.items()}

    async def start(self) -> FakeTelegram:
        """Start listening on 127.0.0.1 (ephemeral port unless one was given)."""
        if self._runner is not None:
            return self
        self._stopping = False
        app = web.Application(client_max_size=MAX_UPLOAD_BYTES + 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_route("GET", "/file/bot{token}/{path:.+}", self._handle_file)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", self._requested_port))
            site = web.SockSite(runner, sock)
            await site.start()
        except BaseException:
            sock.close()
            await runner.cleanup()
            raise
        self._port = int(sock.getsockname()[1])
        self._runner = runner
        return self

    async def stop(self) -> None:
        """Stop the server; waiting long polls return ``[]`` first."""
        if self._runner is None:
            return
        self._stopping = True
        self._notify()
        await asyncio.sleep(0)
        runner, self._runner = self._runner, None
        await runner.cleanup()
        self._port = None

    async def __aenter__(self) -> FakeTelegram:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("FakeTelegram is not started")
        return self._port

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """For PTB's ``base_url``: ``http://127.0.0.1:PORT/bot`` (PTB appends the token)."""
        return f"{self.url}/bot"

    @property
    def file_url(self) -> str:
        """For PTB's ``base_file_url``: ``http://127.0.0.1:PORT/file/bot``."""
        return f"{self.url}/file/bot"

    def bot(self, **kwargs: Any) -> Bot:
        """A ``telegram.Bot`` pointed at this server (use ``async with`` it)."""
        from telegram import Bot

        return Bot(self.token, base_url=self.base_url, base_file_url=self.file_url, **kwargs)

    def application_builder(self) -> Any:
        """A ``telegram.ext.ApplicationBuilder`` with token and URLs pointing here."""
        from telegram.ext import ApplicationBuilder

        return (
            ApplicationBuilder()
            .token(self.token)
            .base_url(self.base_url)
            .base_file_url(self.file_url)
        )

    def user(
        self,
        user_id: int,
        first_name: str = "Somchai",
        language_code: str | None = "th",
        username: str | None = None,
        *,
        last_name: str | None = None,
    ) -> FakeUser:
        """The fake user with this id. Calling it again for the same id returns the same
        handle with its profile replaced by the given values. (Here rather than with the
        updates: a user acts on the whole fake.)"""
        existing = self._users.get(user_id)
        if existing is None:
            existing = FakeUser(
                self,
                user_id,
                first_name,
                last_name=last_name,
                username=username,
                language_code=language_code,
            )
            self._users[user_id] = existing
        else:
            existing.first_name = first_name
            existing.last_name = last_name
            existing.username = username
            existing.language_code = language_code
        self._chat(user_id).chat = existing.chat_dict()
        return existing

    @property
    def users(self) -> dict[int, FakeUser]:
        return dict(self._users)

    async def _read_request(self, request: web.Request) -> tuple[JSONDict, dict[str, Upload]]:
        params: JSONDict = {}
        files: dict[str, Upload] = {}
        for key, value in request.query.items():
            params[key] = decode_form_value(key, value)
        if not request.can_read_body:
            return params, files
        ctype = request.content_type
        if ctype == "application/json":
            body = await request.read()
            if body.strip():
                try:
                    data = json.loads(body)
                except ValueError as exc:
                    raise ApiError(400, "Bad Request: can't parse JSON request body") from exc
                if not isinstance(data, dict):
                    raise ApiError(400, "Bad Request: JSON request body must be an object")
                params.update(data)
        elif ctype in ("multipart/form-data", "application/x-www-form-urlencoded"):
            form = await request.post()
            for key, item in form.items():
                if isinstance(item, web.FileField):
                    files[key] = Upload(item.filename, item.file.read(), item.content_type)
                elif isinstance(item, bytes | bytearray):
                    params[key] = decode_form_value(key, bytes(item).decode("utf-8", "replace"))
                else:
                    params[key] = decode_form_value(key, item)
        return params, files

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        started = time.monotonic()
        if request.match_info["token"] != self.token:
            return error_response(401, "Unauthorized")
        raw_method = request.match_info["method"]
        try:
            params, files = await self._read_request(request)
        except ApiError as exc:
            self._record(
                raw_method, {}, {}, started, status=exc.status, description=exc.description
            )
            return error_response(exc.status, exc.description)
        except web.HTTPRequestEntityTooLarge:
            self._record(
                raw_method, {}, {}, started, status=413, description="Request Entity Too Large"
            )
            return error_response(413, "Request Entity Too Large")

        entry = self._methods.get(raw_method.lower())
        if entry is None:
            self._record(raw_method, params, files, started, status=404, description="Not Found")
            return error_response(404, "Not Found")
        method, handler = entry

        delay = self._delays.get(method.lower())
        if delay is None and method != "getUpdates":
            delay = self._delays.get("*")
        if delay:
            await asyncio.sleep(delay)

        rule = self._take_failure(method, params)
        if rule is not None:
            parameters = {"retry_after": rule.retry_after} if rule.retry_after else None
            self._record(
                method, params, files, started, status=rule.status, description=rule.description
            )
            return error_response(rule.status, rule.description, parameters)

        if self.rate_limits is not None and method in RATE_LIMITED:
            wait = self.rate_limits.admit(coerce_chat_id(params.get("chat_id")), started)
            if wait > 0:
                retry_after = max(1, math.ceil(wait))
                description = f"Too Many Requests: retry after {retry_after}"
                self._record(method, params, files, started, status=429, description=description)
                return error_response(429, description, {"retry_after": retry_after})

        try:
            result = await handler(Req(method, params, files))
        except ApiError as exc:
            self._record(
                method, params, files, started, status=exc.status, description=exc.description
            )
            return error_response(exc.status, exc.description, exc.parameters)
        except Exception:
            _LOGGER.exception("FakeTelegram handler for %s crashed", method)
            self._record(
                method, params, files, started, status=500, description="Internal Server Error"
            )
            return error_response(500, "Internal Server Error")
        self._record(method, params, files, started, result=result)
        return web.json_response({"ok": True, "result": result})
