"""The fake's state and the bookkeeping every concern shares: chats, the call log, events."""

from __future__ import annotations

import asyncio
import copy
import itertools
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.testing.fake_telegram.limits import RateLimits
from bot.testing.fake_telegram.model import (
    DEFAULT_TOKEN,
    AnsweredCallback,
    Chat,
    FailureRule,
    FakeEvent,
    RecordedRequest,
    StoredFile,
)
from bot.testing.fake_telegram.wire import ApiError, JSONDict, Req, Upload, coerce_chat_id

if TYPE_CHECKING:
    from bot.testing.fake_telegram.users import FakeUser

_LOGGER = logging.getLogger("bot.testing.fake_telegram")  # one logger for the whole fake


class FakeState:
    """Everything the fake holds; the concerns below add the Bot API methods."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = "cert_test_bot",
        bot_first_name: str = "Certificate Test Bot",
        port: int = 0,
        strict_parse_mode: bool = True,
        rate_limits: RateLimits | None = None,
    ) -> None:
        bot_id, sep, secret = token.partition(":")
        if not sep or not bot_id.isdigit() or not secret:
            raise ValueError(f"token must look like '<digits>:<secret>', got {token!r}")
        self.token = token
        self.bot_id = int(bot_id)
        self.bot_user: JSONDict = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self.strict_parse_mode = strict_parse_mode
        self.rate_limits = rate_limits
        self._requested_port = port
        self._port: int | None = None
        self._runner: web.AppRunner | None = None
        self._stopping = False

        self._log: list[RecordedRequest] = []
        self._seq = itertools.count(1)
        self._chats: dict[int, Chat] = {}
        self._users: dict[int, FakeUser] = {}
        self._files: dict[str, StoredFile] = {}
        self._files_by_path: dict[str, StoredFile] = {}
        self._file_counter = itertools.count(1)
        self._callback_counter = itertools.count(1)
        self._media_group_counter = itertools.count(1)

        self._updates: list[JSONDict] = []  # enqueued and not yet confirmed
        self._next_update_id = 10_001
        self._handed_out_max = 0
        self._confirmed_offset = 0
        self.dropped_updates: list[JSONDict] = []
        self._allowed_updates: list[str] | None = None
        self._poll_generation = 0
        self.last_poll_time: float | None = None

        self._changed = asyncio.Event()
        self._failures: list[FailureRule] = []
        self._delays: dict[str, float] = {}
        self._blocked: set[int] = set()
        self._callback_owner: dict[str, int] = {}
        self.answered_callbacks: list[AnsweredCallback] = []
        self._commands: dict[str, list[JSONDict]] = {}
        self._menu_buttons: dict[int | None, JSONDict] = {}
        self._bot_texts: dict[tuple[str, str], str] = {}
        self._webhook_url = ""
        self._listeners: list[Callable[[FakeEvent], object]] = []

    def _notify(self) -> None:
        event, self._changed = self._changed, asyncio.Event()
        event.set()

    def _emit(self, event: FakeEvent) -> None:
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:
                _LOGGER.exception("FakeTelegram listener failed")

    def _chat(self, chat_id: int) -> Chat:
        chat = self._chats.get(chat_id)
        if chat is None:
            user = self._users.get(chat_id)
            if user is not None:
                chat_dict = user.chat_dict()
            elif chat_id > 0:
                chat_dict = {"id": chat_id, "type": "private", "first_name": f"User {chat_id}"}
            else:
                kind = "supergroup" if str(chat_id).startswith("-100") else "group"
                chat_dict = {"id": chat_id, "type": kind, "title": f"Chat {chat_id}"}
            chat = Chat(chat=chat_dict, chat_instance=str(-(7_000_000_000_000 + abs(chat_id))))
            self._chats[chat_id] = chat
        return chat

    def _message_dict(self, chat: Chat, message_id: int) -> JSONDict | None:
        """A copy of the current Bot API dict of a (non-deleted) message in the chat."""
        sent = chat.by_id.get(message_id)
        if sent is not None:
            return None if sent.deleted else copy.deepcopy(sent.raw)
        incoming = chat.incoming.get(message_id)
        return copy.deepcopy(incoming) if incoming is not None else None

    def _target_chat(self, req: Req, *, sending: bool = True) -> Chat:
        value = req.params.get("chat_id")
        if value is None or value == "":
            raise ApiError(400, "Bad Request: chat_id is empty")
        chat_id = coerce_chat_id(value)
        if chat_id is None or chat_id == 0:
            raise ApiError(400, "Bad Request: chat not found")
        if sending:
            if chat_id == self.bot_id:
                raise ApiError(403, "Forbidden: bot can't send messages to bots")
            if chat_id in self._blocked:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
        return self._chat(chat_id)

    def _record(
        self,
        method: str,
        params: JSONDict,
        files: dict[str, Upload],
        started: float,
        *,
        status: int = 200,
        description: str | None = None,
        result: Any = None,
    ) -> RecordedRequest:
        record = RecordedRequest(
            seq=next(self._seq),
            method=method,
            params=params,
            files={k: v.data for k, v in files.items()},
            file_names={k: v.filename or "" for k, v in files.items()},
            time=started,
            failed=status != 200,
            status=status,
            description=description,
            result=result,
            duration=time.monotonic() - started,
        )
        self._log.append(record)
        self._emit(FakeEvent("request", record.chat_id, data=record))
        self._notify()
        return record
