"""A fake Telegram Bot API server for tests, benchmarks and the local sandbox.

``FakeTelegram`` is a small aiohttp web server on 127.0.0.1 that speaks enough of the Bot API
for python-telegram-bot (PTB) to run unmodified against it. It stores what the bot sends,
lets a test act as Telegram users, and can inject the errors the real API returns.

Typical use::

    async with FakeTelegram() as fake:
        # same as ApplicationBuilder().token(fake.token).base_url(fake.base_url)
        #                                .base_file_url(fake.file_url)
        app = fake.application_builder().build()
        ...  # add handlers
        async with app:
            await app.start()
            await app.updater.start_polling(poll_interval=0, timeout=1)

            somchai = fake.user(1001, first_name="Somchai")
            sent = await somchai.send_text("/start")
            reply = await fake.wait_for_message(1001, after=sent["message_id"])
            await somchai.press("English")  # an inline button, by its exact text
            await fake.wait_delivered()  # the bot has fetched and confirmed it ...
            await app.update_queue.join()  # ... and processed it
            assert "Welcome" in (somchai.last_message().text or "")

            fake.fail_next("sendMessage", status=429, retry_after=3)  # error injection
            fake.block(1001)  # 403 "Forbidden: bot was blocked by the user"

            await app.updater.stop()
            await app.stop()

What the fake does, in short:

* Requests are accepted as PTB sends them: form fields (complex values JSON-encoded),
  multipart/form-data when files are uploaded, a JSON body or a query string. Method names are
  case-insensitive, like the real API. A wrong token gets 401, an unknown method 404.
* Every call is recorded (:attr:`FakeTelegram.requests`, without ``getUpdates``;
  :attr:`FakeTelegram.all_requests` with it), including failed ones (``failed=True``).
* The bot's messages are kept per chat in their *current* state (:meth:`FakeTelegram.messages`);
  edits change them in place and bump ``SentMessage.edited``.
* Chat ids are user ids (private chats). Sending to a user who has not written yet works.
* It behaves like the real API in the ways bots usually get wrong: malformed HTML/MarkdownV2
  (``can't parse entities``), text over 4096 / captions over 1024 characters, callback data over
  64 bytes, "message is not modified" on identical edits, ``editMessageText`` without
  ``reply_markup`` removing the inline keyboard, blocked users (403), unknown file ids.
  Pass ``strict_parse_mode=False`` to skip the entity checks.
* ``getUpdates`` long-polls: it honours ``offset`` (updates below it are confirmed and
  forgotten), ``limit``, ``timeout`` and ``allowed_updates``. A newer ``getUpdates`` call ends
  an older one that is still waiting (it returns ``[]``) instead of answering 409.
* :meth:`FakeTelegram.wait_delivered` waits until every update enqueued so far was handed
  to the bot *and confirmed* by a later ``getUpdates`` with a higher offset. PTB's updater
  puts updates into ``application.update_queue`` before it asks again, so afterwards
  ``await application.update_queue.join()`` means "the bot has processed them".

Objects returned by ``wait_for_message``/``messages`` are live: later edits change them.
Everything runs on the event loop that called :meth:`FakeTelegram.start`; the class is not
thread-safe.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import copy
import html
import itertools
import json
import logging
import math
import mimetypes
import re
import socket
import struct
import time
import urllib.parse
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from telegram import Bot

__all__ = [
    "DEFAULT_TOKEN",
    "AnsweredCallback",
    "FakeEvent",
    "FakeTelegram",
    "FakeUser",
    "RateLimits",
    "RecordedRequest",
    "SentMessage",
    "StoredFile",
]

_LOGGER = logging.getLogger(__name__)

JSONDict = dict[str, Any]

DEFAULT_TOKEN = "123456789:TEST-token-for-the-fake-bot-api-000"

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024

# Fields that are always strings in the Bot API. PTB sends str values unencoded, so "123" or
# "true" in these fields must not be JSON-decoded into a number/bool.
_STRING_FIELDS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "inline_message_id",
        "url",
        "file_id",
        "action",
        "name",
        "description",
        "short_description",
        "language_code",
        "secret_token",
        "ip_address",
        "message_effect_id",
        "business_connection_id",
        "emoji",
        "title",
        "query",
        "document",
        "photo",
        "video",
        "audio",
        "voice",
        "animation",
        "sticker",
        "thumbnail",
        "video_note",
        "first_name",
        "last_name",
        "phone_number",
        "address",
        "foursquare_id",
    }
)

# Update types the real API leaves out unless they are asked for explicitly.
_NOT_DEFAULT_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)

_INLINE_BUTTON_ACTIONS = (
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)

_HTTP_PHRASES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    413: "Request Entity Too Large",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


# --------------------------------------------------------------------------------------------
# Public data classes
# --------------------------------------------------------------------------------------------


@dataclass
class RecordedRequest:
    """One call the bot made to the fake API.

    ``params`` holds the decoded parameters (JSON-decoded where the field carried JSON),
    ``files`` the uploaded bytes by multipart field name. ``time`` is ``time.monotonic()``
    when the request arrived. Failed calls (injected or real API errors) have ``failed=True``,
    their HTTP ``status`` and the error ``description``; successful ones carry ``result``.
    """

    seq: int
    method: str
    params: JSONDict
    files: dict[str, bytes]
    file_names: dict[str, str]
    time: float
    failed: bool = False
    status: int = 200
    description: str | None = None
    result: Any = None
    duration: float = 0.0

    @property
    def chat_id(self) -> int | None:
        """The ``chat_id`` parameter as int, if there is one."""
        return _coerce_chat_id(self.params.get("chat_id"))

    def __repr__(self) -> str:
        state = f"failed {self.status} {self.description!r}" if self.failed else "ok"
        return f"RecordedRequest(#{self.seq} {self.method} {self.params!r} -> {state})"


@dataclass
class AnsweredCallback:
    """An ``answerCallbackQuery`` call."""

    query_id: str
    user_id: int
    text: str | None
    show_alert: bool
    url: str | None
    cache_time: int | None
    time: float


@dataclass
class StoredFile:
    """A file the fake knows about (uploaded by the bot or sent by a fake user)."""

    file_id: str
    file_unique_id: str
    data: bytes
    kind: str  # "document" | "photo" | "sticker" | ...
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None
    width: int | None = None
    height: int | None = None
    photo_sizes: list[JSONDict] | None = None  # for photos: the whole PhotoSize array

    @property
    def file_size(self) -> int:
        return len(self.data)

    def document_dict(self) -> JSONDict:
        doc: JSONDict = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.file_size,
        }
        if self.file_name is not None:
            doc["file_name"] = self.file_name
        if self.mime_type is not None:
            doc["mime_type"] = self.mime_type
        return doc


@dataclass(eq=False)
class SentMessage:
    """A message the bot sent, in its current state (edits are applied in place).

    ``text`` is the text or the caption exactly as sent (markup not stripped, see
    :attr:`plain_text`). ``raw`` is the Bot API ``Message`` object as the fake would return it
    now; ``history`` holds the earlier versions of ``raw``.
    """

    chat_id: int
    message_id: int
    kind: str  # "text" | "document" | "photo" | "video" | "audio" | ...
    raw: JSONDict
    text: str | None = None
    parse_mode: str | None = None
    reply_markup: JSONDict | None = None
    document: bytes | None = None
    photo: bytes | None = None
    file_name: str | None = None
    mime_type: str | None = None
    file_id: str | None = None
    media_group_id: str | None = None
    edited: int = 0
    deleted: bool = False
    sent_at: float = field(default_factory=time.monotonic)
    history: list[JSONDict] = field(default_factory=list)

    @property
    def caption(self) -> str | None:
        return None if self.kind == "text" else self.text

    @property
    def plain_text(self) -> str | None:
        """The text with HTML/Markdown markup removed (what the user reads)."""
        if self.text is None:
            return None
        try:
            return _to_plain(self.text, self.parse_mode)
        except _ParseError:
            return self.text

    @property
    def buttons(self) -> list[list[tuple[str, str | None]]]:
        """Inline keyboard rows as ``(text, callback_data or url)`` tuples."""
        rows: list[list[tuple[str, str | None]]] = []
        for row in _inline_rows(self.reply_markup):
            rows.append([(str(b.get("text", "")), _button_target(b)) for b in row])
        return rows

    @property
    def button_texts(self) -> list[str]:
        return [text for row in self.buttons for text, _ in row]

    @property
    def reply_keyboard(self) -> list[list[str]] | None:
        """Rows of button texts of a ``ReplyKeyboardMarkup`` sent with this message."""
        if not self.reply_markup or "keyboard" not in self.reply_markup:
            return None
        rows: list[list[str]] = []
        for row in self.reply_markup.get("keyboard") or []:
            rows.append([b if isinstance(b, str) else str(b.get("text", "")) for b in row])
        return rows

    def find_button(self, text: str) -> JSONDict | None:
        """The raw inline button with exactly this text, or None."""
        for row in _inline_rows(self.reply_markup):
            for button in row:
                if button.get("text") == text:
                    return button
        return None

    def describe(self) -> str:
        parts = [f"#{self.message_id} [{self.kind}]"]
        if self.file_name:
            parts.append(f"file={self.file_name!r}")
        parts.append(repr(self.text))
        if self.buttons:
            parts.append(f"buttons={[[t for t, _ in row] for row in self.buttons]}")
        if self.reply_keyboard:
            parts.append(f"keyboard={self.reply_keyboard}")
        if self.edited:
            parts.append(f"(edited x{self.edited})")
        if self.deleted:
            parts.append("(deleted)")
        return " ".join(parts)

    def __repr__(self) -> str:
        return f"SentMessage(chat={self.chat_id} {self.describe()})"


@dataclass
class FakeEvent:
    """Something that happened on the fake server (for listeners such as the sandbox).

    ``kind`` is one of ``"message"`` (new bot message), ``"edit"``, ``"delete"``,
    ``"callback_answer"``, ``"chat_action"``, ``"update"`` (an update was enqueued),
    ``"request"`` (any recorded API call).
    """

    kind: str
    chat_id: int | None = None
    message: SentMessage | None = None
    data: Any = None


# --------------------------------------------------------------------------------------------
# Internals
# --------------------------------------------------------------------------------------------


class ApiError(Exception):
    """Raised inside method handlers; becomes a Bot API error response."""

    def __init__(self, status: int, description: str, parameters: JSONDict | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


class _ParseError(Exception):
    pass


@dataclass
class _Upload:
    filename: str | None
    data: bytes
    content_type: str | None


class RateLimits:
    """Telegram's flood limits, enforced like the real API: 429 with ``retry_after``.

    At most ``global_per_second`` sending calls in any one-second window, and at most one per
    ``per_chat_interval`` seconds to the same chat. Off unless passed to ``FakeTelegram``.
    """

    def __init__(self, global_per_second: int = 30, per_chat_interval: float = 1.0) -> None:
        self.global_per_second = global_per_second
        self.per_chat_interval = per_chat_interval
        self._recent: collections.deque[float] = collections.deque()
        self._last_in_chat: dict[int, float] = {}
        self.refused = 0

    def admit(self, chat_id: int | None, now: float) -> float:
        """0 if the call may go now (and count it), else seconds until it may."""
        while self._recent and now - self._recent[0] >= 1.0:
            self._recent.popleft()
        wait = 0.0
        if len(self._recent) >= self.global_per_second:
            wait = 1.0 - (now - self._recent[0])
        if chat_id is not None and chat_id in self._last_in_chat:
            wait = max(wait, self.per_chat_interval - (now - self._last_in_chat[chat_id]))
        if wait > 0:
            self.refused += 1
            return wait
        self._recent.append(now)
        if chat_id is not None:
            self._last_in_chat[chat_id] = now
        return 0.0


# Calls that deliver something to a chat, and so count against the flood limits.
_RATE_LIMITED = frozenset(
    {
        "sendMessage",
        "sendDocument",
        "sendPhoto",
        "sendMediaGroup",
        "editMessageText",
        "editMessageReplyMarkup",
        "editMessageCaption",
    }
)


@dataclass
class _FailureRule:
    method: str  # lower-case method name or "*"
    status: int
    description: str
    retry_after: int | None
    times: int
    chat_id: int | None


@dataclass
class _Chat:
    chat: JSONDict
    chat_instance: str
    last_message_id: int = 0
    bot_messages: list[SentMessage] = field(default_factory=list)
    by_id: dict[int, SentMessage] = field(default_factory=dict)
    incoming: dict[int, JSONDict] = field(default_factory=dict)

    def next_message_id(self) -> int:
        self.last_message_id += 1
        return self.last_message_id


class _Req:
    """Parameters of one API call with typed accessors that raise Bot API style errors."""

    def __init__(self, method: str, params: JSONDict, files: dict[str, _Upload]) -> None:
        self.method = method
        self.params = params
        self.files = files

    def get_str(self, name: str) -> str | None:
        value = self.params.get(name)
        if value is None:
            return None
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return str(value)
        raise ApiError(400, f"Bad Request: field {name!r} must be a string")

    def get_int(self, name: str, *, required: bool = False) -> int | None:
        value = self.params.get(name)
        if value is None:
            if required:
                raise ApiError(400, f"Bad Request: {name} is empty")
            return None
        if isinstance(value, bool):
            raise ApiError(400, f"Bad Request: invalid {name} specified")
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                return int(value.strip())
        raise ApiError(400, f"Bad Request: invalid {name} specified")

    def get_float(self, name: str) -> float | None:
        value = self.params.get(name)
        if value is None:
            return None
        if isinstance(value, bool):
            raise ApiError(400, f"Bad Request: invalid {name} specified")
        if isinstance(value, int | float):
            return float(value)
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                return float(value.strip())
        raise ApiError(400, f"Bad Request: invalid {name} specified")

    def get_bool(self, name: str) -> bool:
        value = self.params.get(name)
        if isinstance(value, str):
            return value.strip().lower() in ("true", "1")
        return bool(value)


def _decode_form_value(name: str, value: str) -> Any:
    if name in _STRING_FIELDS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _coerce_chat_id(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return int(value.strip())
    return None


def _inline_rows(markup: JSONDict | None) -> list[list[JSONDict]]:
    if not markup or not isinstance(markup.get("inline_keyboard"), list):
        return []
    return [
        [b for b in row if isinstance(b, dict)]
        for row in markup["inline_keyboard"]
        if isinstance(row, list)
    ]


def _button_target(button: JSONDict) -> str | None:
    for key in ("callback_data", "url"):
        value = button.get(key)
        if isinstance(value, str):
            return value
    web_app = button.get("web_app")
    if isinstance(web_app, dict) and isinstance(web_app.get("url"), str):
        return str(web_app["url"])
    return None


def _is_inline(markup: JSONDict | None) -> bool:
    return bool(markup) and "inline_keyboard" in (markup or {})


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


# ---- entity parsing (validation + plain text) ------------------------------------------------

_HTML_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "code",
        "pre",
        "blockquote",
        "tg-emoji",
    }
)
_HTML_TAG_RE = re.compile(r"([a-zA-Z][a-zA-Z0-9-]*)(\s.*)?$", re.S)
_HTML_ENTITY_RE = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});")
_HTML_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def _html_to_plain(text: str) -> str:
    out: list[str] = []
    stack: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "<":
            end = text.find(">", i)
            if end == -1:
                raise _ParseError(f"Unclosed start tag at byte offset {_byte_offset(text, i)}")
            inner = text[i + 1 : end]
            if inner.startswith("/"):
                name = inner[1:].strip().lower()
                if not stack:
                    raise _ParseError(f"Unexpected end tag at byte offset {_byte_offset(text, i)}")
                if stack[-1] != name:
                    raise _ParseError(
                        f'Can\'t find end tag corresponding to start tag "{stack[-1]}"'
                    )
                stack.pop()
            else:
                m = _HTML_TAG_RE.match(inner)
                name = m.group(1).lower() if m else (inner.split() or [""])[0]
                if m is None or name not in _HTML_TAGS:
                    raise _ParseError(
                        f'Unsupported start tag "{name}" at byte offset {_byte_offset(text, i)}'
                    )
                attrs = m.group(2) or ""
                if name == "span" and "tg-spoiler" not in attrs:
                    raise _ParseError(
                        'Tag "span" must have class "tg-spoiler" at byte offset '
                        f"{_byte_offset(text, i)}"
                    )
                stack.append(name)
            i = end + 1
        elif c == "&":
            m = _HTML_ENTITY_RE.match(text, i)
            if m is None:
                out.append("&")
                i += 1
                continue
            body = m.group(1)
            if body.startswith("#"):
                out.append(html.unescape(m.group(0)))
            else:
                out.append(_HTML_NAMED.get(body, m.group(0)))
            i = m.end()
        else:
            out.append(c)
            i += 1
    if stack:
        raise _ParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return "".join(out)


_MDV2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_MDV2_NAMES = {
    "*": "Bold",
    "_": "Italic",
    "__": "Underline",
    "~": "Strikethrough",
    "||": "Spoiler",
    "[": "TextUrl",
}


def _find_unescaped(text: str, token: str, start: int) -> int:
    k = start
    while k < len(text):
        if text[k] == "\\":
            k += 2
        elif text.startswith(token, k):
            return k
        else:
            k += 1
    return -1


def _unescape_code(body: str) -> str:
    return re.sub(r"\\([\\`])", r"\1", body)


def _markdown_v2_to_plain(text: str) -> str:
    out: list[str] = []
    stack: list[tuple[str, int]] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            if i + 1 < n and 0 < ord(text[i + 1]) < 127:
                out.append(text[i + 1])
                i += 2
            else:
                out.append(c)
                i += 1
            continue
        if c == "`":
            if text.startswith("```", i):
                end = _find_unescaped(text, "```", i + 3)
                if end == -1:
                    raise _ParseError(
                        f"Can't find end of Pre entity at byte offset {_byte_offset(text, i)}"
                    )
                body = text[i + 3 : end]
                first, sep, rest = body.partition("\n")
                if sep and re.fullmatch(r"[\w+#.-]*", first):
                    body = rest
                out.append(_unescape_code(body))
                i = end + 3
            else:
                end = _find_unescaped(text, "`", i + 1)
                if end == -1:
                    raise _ParseError(
                        f"Can't find end of Code entity at byte offset {_byte_offset(text, i)}"
                    )
                out.append(_unescape_code(text[i + 1 : end]))
                i = end + 1
            continue
        token = ""
        if text.startswith("__", i):
            token = "__"
        elif text.startswith("||", i):
            token = "||"
        elif c in "*_~":
            token = c
        if token:
            if stack and stack[-1][0] == token:
                stack.pop()
            elif any(t == token for t, _ in stack):
                t, pos = stack[-1]
                raise _ParseError(
                    f"Can't find end of {_MDV2_NAMES[t]} entity at byte offset "
                    f"{_byte_offset(text, pos)}"
                )
            else:
                stack.append((token, i))
            i += len(token)
            continue
        if c == "[":
            stack.append(("[", i))
            i += 1
            continue
        if c == "]" and stack and stack[-1][0] == "[":
            stack.pop()
            if not text.startswith("(", i + 1):
                raise _ParseError(
                    "Character ']' is reserved and must be escaped with the preceding '\\'"
                )
            end = _find_unescaped(text, ")", i + 2)
            if end == -1:
                raise _ParseError(
                    f"Can't find end of a URL at byte offset {_byte_offset(text, i + 2)}"
                )
            i = end + 1
            continue
        if c == ">" and (i == 0 or text[i - 1] == "\n"):
            i += 1  # block quotation
            continue
        if c in _MDV2_RESERVED:
            raise _ParseError(
                f"Character '{c}' is reserved and must be escaped with the preceding '\\'"
            )
        out.append(c)
        i += 1
    if stack:
        t, pos = stack[-1]
        raise _ParseError(
            f"Can't find end of {_MDV2_NAMES[t]} entity at byte offset {_byte_offset(text, pos)}"
        )
    return "".join(out)


def _markdown_to_plain(text: str) -> str:
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n and text[i + 1] in "_*`[":
            out.append(text[i + 1])
            i += 2
            continue
        if c in "*_`":
            token = "```" if text.startswith("```", i) else c
            end = text.find(token, i + len(token))
            if end == -1:
                raise _ParseError(
                    f"Can't find end of the entity starting at byte offset {_byte_offset(text, i)}"
                )
            out.append(text[i + len(token) : end])
            i = end + len(token)
            continue
        if c == "[":
            end = text.find("]", i + 1)
            if end == -1:
                raise _ParseError(
                    f"Can't find end of the entity starting at byte offset {_byte_offset(text, i)}"
                )
            out.append(text[i + 1 : end])
            i = end + 1
            if text.startswith("(", i):
                close = text.find(")", i)
                if close == -1:
                    raise _ParseError(
                        f"Can't find end of a URL at byte offset {_byte_offset(text, i)}"
                    )
                i = close + 1
            continue
        out.append(c)
        i += 1
    return "".join(out)


def _to_plain(text: str, parse_mode: str | None) -> str:
    mode = (parse_mode or "").lower()
    if mode == "html":
        return _html_to_plain(text)
    if mode == "markdownv2":
        return _markdown_v2_to_plain(text)
    if mode == "markdown":
        return _markdown_to_plain(text)
    return text


# ---- images --------------------------------------------------------------------------------


def _image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG or JPEG, or None."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                i += 1
                continue
            marker = data[i + 1]
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
                i += 2
                continue
            (length,) = struct.unpack(">H", data[i + 2 : i + 4])
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[i + 5 : i + 9])
                return int(width), int(height)
            i += 2 + length
    return None


# --------------------------------------------------------------------------------------------
# Fake users
# --------------------------------------------------------------------------------------------


class FakeUser:
    """A Telegram user talking to the bot in a private chat (chat id == user id).

    Create with :meth:`FakeTelegram.user`. The ``send_*``/``press*`` methods enqueue an
    update and return the created incoming ``message`` / ``callback_query`` dict.
    """

    def __init__(
        self,
        fake: FakeTelegram,
        user_id: int,
        first_name: str,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> None:
        self.fake = fake
        self.id = user_id
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.language_code = language_code

    @property
    def chat_id(self) -> int:
        return self.id

    def as_dict(self) -> JSONDict:
        """The Bot API ``User`` object."""
        user: JSONDict = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name is not None:
            user["last_name"] = self.last_name
        if self.username is not None:
            user["username"] = self.username
        if self.language_code is not None:
            user["language_code"] = self.language_code
        return user

    def chat_dict(self) -> JSONDict:
        """The Bot API ``Chat`` object of the private chat with this user."""
        chat: JSONDict = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name is not None:
            chat["last_name"] = self.last_name
        if self.username is not None:
            chat["username"] = self.username
        return chat

    # ---- sending ----

    async def send_text(self, text: str, *, reply_to_message_id: int | None = None) -> JSONDict:
        """Send a text message; text starting with "/" gets a ``bot_command`` entity."""
        content: JSONDict = {"text": text}
        entities = _command_entities(text)
        if entities:
            content["entities"] = entities
        return self._send(content, reply_to_message_id=reply_to_message_id)

    async def send_command(self, name: str, *args: str) -> JSONDict:
        """Send ``/name arg1 arg2``."""
        text = "/" + name.lstrip("/")
        if args:
            text += " " + " ".join(args)
        return await self.send_text(text)

    async def send_document(
        self,
        data: bytes,
        file_name: str,
        mime_type: str | None = None,
        *,
        caption: str | None = None,
    ) -> JSONDict:
        """Send a file. ``mime_type=None`` guesses it from the file name (omitted if unknown)."""
        if mime_type is None:
            mime_type = mimetypes.guess_type(file_name)[0]
        stored = self.fake._store_file(data, "document", file_name=file_name, mime_type=mime_type)
        content: JSONDict = {"document": stored.document_dict()}
        if caption is not None:
            content["caption"] = caption
        return self._send(content)

    async def send_photo(self, data: bytes, *, caption: str | None = None) -> JSONDict:
        """Send a photo: a PhotoSize array of a few sizes, all serving ``data``."""
        sizes = self.fake._store_photo(data)
        content: JSONDict = {"photo": sizes}
        if caption is not None:
            content["caption"] = caption
        return self._send(content)

    async def send_sticker(self, emoji: str = "👍") -> JSONDict:
        stored = self.fake._store_file(
            b"RIFF\x1a\x00\x00\x00WEBPVP8 fake-sticker", "sticker", mime_type="image/webp"
        )
        sticker: JSONDict = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "file_size": stored.file_size,
        }
        return self._send({"sticker": sticker})

    async def send_location(self, latitude: float, longitude: float) -> JSONDict:
        return self._send({"location": {"latitude": latitude, "longitude": longitude}})

    async def send_contact(self, phone_number: str, first_name: str | None = None) -> JSONDict:
        contact: JSONDict = {
            "phone_number": phone_number,
            "first_name": first_name or self.first_name,
            "user_id": self.id,
        }
        return self._send({"contact": contact})

    async def send_raw(self, content: JSONDict) -> JSONDict:
        """Send a message with arbitrary content fields (e.g. ``{"voice": {...}}``)."""
        return self._send(dict(content))

    async def edit_text(self, message_id: int, new_text: str) -> JSONDict:
        """Edit one of this user's earlier messages (an ``edited_message`` update)."""
        chat = self.fake._chat(self.id)
        original = chat.incoming.get(message_id)
        if original is None:
            raise AssertionError(f"user {self.id} has no message {message_id} to edit")
        edited = copy.deepcopy(original)
        edited["text"] = new_text
        edited["edit_date"] = int(time.time())
        entities = _command_entities(new_text)
        if entities:
            edited["entities"] = entities
        else:
            edited.pop("entities", None)
        chat.incoming[message_id] = edited
        self.fake.enqueue_update({"edited_message": copy.deepcopy(edited)})
        return edited

    # ---- buttons ----

    async def press(self, button_text: str, message_id: int | None = None) -> JSONDict:
        """Press the inline button with exactly this text on the latest bot message that has
        one (or on message ``message_id``). Returns the ``callback_query`` dict."""
        messages = [
            m
            for m in self.fake.messages(self.id)
            if message_id is None or m.message_id == message_id
        ]
        for message in reversed(messages):
            button = message.find_button(button_text)
            if button is None:
                continue
            data = button.get("callback_data")
            if not isinstance(data, str):
                raise AssertionError(
                    f"button {button_text!r} on message #{message.message_id} is not a callback "
                    f"button: {button}"
                )
            return self._callback(message.message_id, data)
        with_buttons = [m for m in reversed(self.fake.messages(self.id)) if m.buttons][:10]
        listing = "\n".join(f"  {m.describe()}" for m in with_buttons) or "  (none)"
        where = f"message #{message_id}" if message_id is not None else f"chat {self.id}"
        raise AssertionError(
            f"no inline button {button_text!r} in {where}. Messages with buttons "
            f"(newest first):\n{listing}"
        )

    async def press_data(self, data: str, message_id: int) -> JSONDict:
        """Send a callback query with arbitrary (possibly forged) data for a message id."""
        return self._callback(message_id, data)

    # ---- blocking ----

    async def block_bot(self) -> JSONDict:
        """Block the bot: sends now get 403 and a ``my_chat_member`` update is enqueued."""
        self.fake.block(self.id)
        return self._my_chat_member("member", "kicked")

    async def unblock_bot(self) -> JSONDict:
        self.fake.unblock(self.id)
        return self._my_chat_member("kicked", "member")

    # ---- inspection shortcuts ----

    def messages(self, *, include_deleted: bool = False) -> list[SentMessage]:
        return self.fake.messages(self.id, include_deleted=include_deleted)

    def last_message(self) -> SentMessage | None:
        return self.fake.last_message(self.id)

    def mark(self) -> int:
        """See :meth:`FakeTelegram.mark`."""
        return self.fake.mark(self.id)

    async def wait_for_message(
        self,
        predicate: Callable[[SentMessage], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
        after: int | None = None,
    ) -> SentMessage:
        return await self.fake.wait_for_message(self.id, predicate, timeout, after=after)

    @property
    def answered_callbacks(self) -> list[AnsweredCallback]:
        """``answerCallbackQuery`` calls for this user's callback queries, in order."""
        return [a for a in self.fake.answered_callbacks if a.user_id == self.id]

    # ---- internals ----

    def _send(self, content: JSONDict, *, reply_to_message_id: int | None = None) -> JSONDict:
        chat = self.fake._chat(self.id)
        message: JSONDict = {
            "message_id": chat.next_message_id(),
            "from": self.as_dict(),
            "chat": self.chat_dict(),
            "date": int(time.time()),
        }
        if reply_to_message_id is not None:
            replied = self.fake._message_dict(chat, reply_to_message_id)
            if replied is not None:
                message["reply_to_message"] = replied
        message.update(content)
        chat.incoming[message["message_id"]] = message
        self.fake.enqueue_update({"message": copy.deepcopy(message)})
        return message

    def _callback(self, message_id: int, data: str) -> JSONDict:
        chat = self.fake._chat(self.id)
        message = self.fake._message_dict(chat, message_id)
        if message is None:  # deleted or never existed: an InaccessibleMessage
            message = {"chat": self.chat_dict(), "message_id": message_id, "date": 0}
        query: JSONDict = {
            "id": self.fake._new_callback_id(),
            "from": self.as_dict(),
            "message": message,
            "chat_instance": chat.chat_instance,
            "data": data,
        }
        self.fake.enqueue_update({"callback_query": query})
        return query

    def _my_chat_member(self, old: str, new: str) -> JSONDict:
        def member(status: str) -> JSONDict:
            result: JSONDict = {"user": self.fake.bot_user, "status": status}
            if status == "kicked":
                result["until_date"] = 0
            return result

        payload: JSONDict = {
            "chat": self.chat_dict(),
            "from": self.as_dict(),
            "date": int(time.time()),
            "old_chat_member": member(old),
            "new_chat_member": member(new),
        }
        self.fake.enqueue_update({"my_chat_member": payload})
        return payload

    def __repr__(self) -> str:
        return f"FakeUser(id={self.id}, first_name={self.first_name!r})"


def _command_entities(text: str) -> list[JSONDict]:
    if not text.startswith("/"):
        return []
    command = text.split(maxsplit=1)[0] if text.strip() else text
    return [{"type": "bot_command", "offset": 0, "length": _utf16_len(command)}]


# --------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------

_Handler = Callable[[_Req], Awaitable[Any]]


class FakeTelegram:
    """Fake Bot API server. See the module docstring for an overview."""

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
        self._chats: dict[int, _Chat] = {}
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
        self._failures: list[_FailureRule] = []
        self._delays: dict[str, float] = {}
        self._blocked: set[int] = set()
        self._callback_owner: dict[str, int] = {}
        self.answered_callbacks: list[AnsweredCallback] = []
        self._commands: dict[str, list[JSONDict]] = {}
        self._menu_buttons: dict[int | None, JSONDict] = {}
        self._bot_texts: dict[tuple[str, str], str] = {}
        self._webhook_url = ""
        self._listeners: list[Callable[[FakeEvent], object]] = []

        handlers: dict[str, _Handler] = {
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
        self._methods: dict[str, tuple[str, _Handler]] = {
            name.lower(): (name, handler) for name, handler in handlers.items()
        }

    # ---- lifecycle ----

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

    # ---- users and updates ----

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
        handle with its profile replaced by the given values."""
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

    def enqueue_update(self, update: JSONDict) -> JSONDict:
        """Queue a raw update for ``getUpdates``; ``update_id`` is assigned if missing."""
        update = dict(update)
        update_id = update.get("update_id")
        if isinstance(update_id, int):
            self._next_update_id = max(self._next_update_id, update_id + 1)
        else:
            update["update_id"] = self._next_update_id
            self._next_update_id += 1
        query = update.get("callback_query")
        if isinstance(query, dict) and isinstance(query.get("id"), str):
            sender = query.get("from")
            if isinstance(sender, dict) and isinstance(sender.get("id"), int):
                self._callback_owner[query["id"]] = sender["id"]
        self._updates.append(update)
        self._emit(FakeEvent("update", _update_chat_id(update), data=update))
        self._notify()
        return update

    @property
    def pending_updates(self) -> list[JSONDict]:
        """Updates enqueued but not yet confirmed by the bot."""
        return list(self._updates)

    # ---- inspection ----

    @property
    def requests(self) -> list[RecordedRequest]:
        """Recorded calls except ``getUpdates`` (a new list each time)."""
        return [r for r in self._log if r.method != "getUpdates"]

    @property
    def all_requests(self) -> list[RecordedRequest]:
        """All recorded calls including ``getUpdates``."""
        return list(self._log)

    @property
    def last_seq(self) -> int:
        """``seq`` of the latest recorded request (0 if none), for ``wait_for_request(after=)``."""
        return self._log[-1].seq if self._log else 0

    def calls(self, method: str, *, include_failed: bool = False) -> list[RecordedRequest]:
        """Recorded calls of one method (case-insensitive)."""
        wanted = method.lower()
        return [
            r for r in self._log if r.method.lower() == wanted and (include_failed or not r.failed)
        ]

    def clear_requests(self) -> None:
        self._log.clear()

    def messages(self, chat_id: int, *, include_deleted: bool = False) -> list[SentMessage]:
        """The bot's messages in a chat, oldest first, in their current state."""
        chat = self._chats.get(chat_id)
        if chat is None:
            return []
        return [m for m in chat.bot_messages if include_deleted or not m.deleted]

    def mark(self, chat_id: int) -> int:
        """The highest message id used so far in the chat (by either side), to pass as
        ``wait_for_message(..., after=mark)`` so only newer messages count."""
        chat = self._chats.get(chat_id)
        return chat.last_message_id if chat else 0

    def last_message(self, chat_id: int) -> SentMessage | None:
        messages = self.messages(chat_id)
        return messages[-1] if messages else None

    def message(self, chat_id: int, message_id: int) -> SentMessage | None:
        chat = self._chats.get(chat_id)
        return chat.by_id.get(message_id) if chat else None

    def incoming_messages(self, chat_id: int) -> list[JSONDict]:
        """Messages the fake user sent in this chat (current versions), oldest first."""
        chat = self._chats.get(chat_id)
        return [chat.incoming[k] for k in sorted(chat.incoming)] if chat else []

    def chat_ids(self) -> list[int]:
        return sorted(self._chats)

    def file(self, file_id: str) -> StoredFile | None:
        return self._files.get(file_id)

    def commands(
        self, scope: JSONDict | None = None, language_code: str | None = None
    ) -> list[JSONDict]:
        """Commands last set with ``setMyCommands`` for that scope and language."""
        return list(self._commands.get(_commands_key(scope, language_code), []))

    @property
    def webhook_url(self) -> str:
        return self._webhook_url

    def describe(self, chat_id: int) -> str:
        """A readable transcript of what the bot sent to a chat plus recent failures."""
        lines = [f"bot messages in chat {chat_id}:"]
        messages = self.messages(chat_id, include_deleted=True)
        lines += [f"  {m.describe()}" for m in messages] or ["  (none)"]
        failed = [r for r in self._log if r.failed and r.chat_id in (chat_id, None)][-10:]
        if failed:
            lines.append("failed calls:")
            lines += [
                f"  {r.method} chat={r.chat_id} -> {r.status} {r.description}" for r in failed
            ]
        return "\n".join(lines)

    # ---- listeners ----

    def add_listener(self, callback: Callable[[FakeEvent], object]) -> None:
        """Call ``callback(event)`` synchronously for every :class:`FakeEvent`."""
        self._listeners.append(callback)

    def remove_listener(self, callback: Callable[[FakeEvent], object]) -> None:
        with contextlib.suppress(ValueError):
            self._listeners.remove(callback)

    # ---- waiting ----

    async def wait_until(
        self,
        condition: Callable[[], bool],
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> bool:
        """Wait until ``condition()`` is true (re-checked on every change); False on timeout."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            event = self._changed
            if condition():
                return True
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    async def wait_for_message(
        self,
        chat_id: int,
        predicate: Callable[[SentMessage], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
        after: int | None = None,
    ) -> SentMessage:
        """The first (oldest) bot message in the chat with ``message_id > after`` (any, if
        ``after`` is None) that matches ``predicate`` in its current state.

        Message ids in a private chat are shared by both sides, so ``after`` can be the
        ``message_id`` of what the user just sent, or ``fake.mark(chat_id)`` taken before
        the action (not a message count). Raises AssertionError with a transcript of
        what was received if nothing matches within ``timeout`` seconds.
        """
        found: list[SentMessage] = []

        def check() -> bool:
            for message in self.messages(chat_id):
                if after is not None and message.message_id <= after:
                    continue
                if predicate is None or predicate(message):
                    found.append(message)
                    return True
            return False

        if await self.wait_until(check, timeout):
            return found[0]
        raise AssertionError(
            f"no bot message in chat {chat_id} matched within {timeout}s "
            f"(after={after}, predicate={'set' if predicate else 'none'}).\n"
            + self.describe(chat_id)
            + self._polling_hint()
        )

    async def wait_for_request(
        self,
        method: str,
        predicate: Callable[[RecordedRequest], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
        *,
        after: int | None = None,
    ) -> RecordedRequest:
        """The first recorded call of ``method`` (failed ones included) with
        ``seq > after`` that matches ``predicate``. Use ``after=fake.last_seq`` to ignore
        earlier calls."""
        wanted = method.lower()
        found: list[RecordedRequest] = []

        def check() -> bool:
            for request in self._log:
                if request.method.lower() != wanted:
                    continue
                if after is not None and request.seq <= after:
                    continue
                if predicate is None or predicate(request):
                    found.append(request)
                    return True
            return False

        if await self.wait_until(check, timeout):
            return found[0]
        recent = "\n".join(f"  {r!r}" for r in self.requests[-15:]) or "  (none)"
        raise AssertionError(
            f"no {method} request matched within {timeout}s (after={after}). "
            f"Recent requests:\n{recent}"
        )

    async def wait_delivered(
        self,
        timeout: float = 5.0,  # noqa: ASYNC109
        *,
        confirmed: bool = True,
    ) -> None:
        """Wait until every update enqueued so far has been handed to the bot by getUpdates
        and (``confirmed=True``, the default) confirmed by a later getUpdates with a higher
        offset. PTB puts fetched updates into ``update_queue`` before confirming them, so
        follow this with ``await application.update_queue.join()`` to know they were
        processed. With ``confirmed=False`` it only waits until they were handed out."""
        target = self._next_update_id - 1

        def check() -> bool:
            for update in self._updates:
                update_id = int(update["update_id"])
                if update_id > target:
                    continue
                if confirmed or update_id > self._handed_out_max:
                    return False
            return True

        if await self.wait_until(check, timeout):
            return
        waiting = [u["update_id"] for u in self._updates if u["update_id"] <= target]
        raise AssertionError(
            f"updates {waiting} were not {'confirmed' if confirmed else 'fetched'} by the bot "
            f"within {timeout}s (handed out up to {self._handed_out_max})." + self._polling_hint()
        )

    def _polling_hint(self) -> str:
        if self.last_poll_time is None:
            return "\n(the bot never called getUpdates: is polling started?)"
        ago = time.monotonic() - self.last_poll_time
        return f"\n(last getUpdates call {ago:.1f}s ago; {len(self._updates)} update(s) pending)"

    # ---- error injection ----

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int | None = None,
        description: str | None = None,
        times: int = 1,
        chat_id: int | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` ("*" = any except getUpdates),
        optionally only those to ``chat_id``, fail like the real API with ``status``.

        429 defaults to ``retry_after=1`` and "Too Many Requests: retry after N"; other
        statuses get "Internal Server Error", "Bad Gateway", "Bad Request: ..." etc.
        """
        if status == 429 and retry_after is None:
            retry_after = 1
        if description is None:
            phrase = _HTTP_PHRASES.get(status, "Error")
            if status == 429:
                description = f"Too Many Requests: retry after {retry_after}"
            elif status in (400, 403, 409):
                description = {
                    400: "Bad Request: injected failure",
                    403: "Forbidden: injected failure",
                    409: "Conflict: injected failure",
                }[status]
            else:
                description = phrase
        self._failures.append(
            _FailureRule(
                method=method.lower(),
                status=status,
                description=description,
                retry_after=retry_after,
                times=times,
                chat_id=chat_id,
            )
        )

    def clear_failures(self) -> None:
        self._failures.clear()

    def block(self, chat_id: int) -> None:
        """Sends to this chat fail with 403 "Forbidden: bot was blocked by the user"."""
        self._blocked.add(chat_id)

    def unblock(self, chat_id: int) -> None:
        self._blocked.discard(chat_id)

    def is_blocked(self, chat_id: int) -> bool:
        return chat_id in self._blocked

    def delay(self, method: str, seconds: float | None) -> None:
        """Delay every call of ``method`` ("*" = all but getUpdates) by ``seconds``;
        ``None``/0 removes the delay."""
        if seconds:
            self._delays[method.lower()] = seconds
        else:
            self._delays.pop(method.lower(), None)

    # ---- internal state helpers ----

    def _notify(self) -> None:
        event, self._changed = self._changed, asyncio.Event()
        event.set()

    def _emit(self, event: FakeEvent) -> None:
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:
                _LOGGER.exception("FakeTelegram listener failed")

    def _chat(self, chat_id: int) -> _Chat:
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
            chat = _Chat(chat=chat_dict, chat_instance=str(-(7_000_000_000_000 + abs(chat_id))))
            self._chats[chat_id] = chat
        return chat

    def _message_dict(self, chat: _Chat, message_id: int) -> JSONDict | None:
        """A copy of the current Bot API dict of a (non-deleted) message in the chat."""
        sent = chat.by_id.get(message_id)
        if sent is not None:
            return None if sent.deleted else copy.deepcopy(sent.raw)
        incoming = chat.incoming.get(message_id)
        return copy.deepcopy(incoming) if incoming is not None else None

    def _new_callback_id(self) -> str:
        return str(4_200_000_000_000_000_000 + next(self._callback_counter))

    def _new_file_ids(self, prefix: str) -> tuple[int, str, str]:
        n = next(self._file_counter)
        return n, f"{prefix}AgADfake{n:08d}{self.bot_id % 100000:05d}", f"AQADfake{n:08d}"

    def _register_file(self, stored: StoredFile) -> StoredFile:
        self._files[stored.file_id] = stored
        self._files_by_path[stored.file_path] = stored
        return stored

    def _store_file(
        self,
        data: bytes,
        kind: str,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
    ) -> StoredFile:
        prefix = {"document": "BQAC", "photo": "AgAC", "sticker": "CAAC"}.get(kind, "BAAC")
        n, file_id, unique_id = self._new_file_ids(prefix)
        ext = ""
        if file_name and "." in file_name:
            ext = "." + file_name.rsplit(".", 1)[1][:10]
        elif mime_type:
            ext = mimetypes.guess_extension(mime_type) or ""
        folder = {"document": "documents", "photo": "photos", "sticker": "stickers"}.get(
            kind, kind + "s"
        )
        return self._register_file(
            StoredFile(
                file_id=file_id,
                file_unique_id=unique_id,
                data=data,
                kind=kind,
                file_path=f"{folder}/file_{n}{ext}",
                file_name=file_name,
                mime_type=mime_type,
            )
        )

    def _store_photo(self, data: bytes) -> list[JSONDict]:
        """Store a photo; returns its PhotoSize array (every size serves the same bytes)."""
        width, height = _image_size(data) or (1280, 960)
        sizes: list[JSONDict] = []
        stored_sizes: list[StoredFile] = []
        for target in (90, 320, 800, 1280):
            scale = min(1.0, target / max(width, height, 1))
            w, h = max(1, round(width * scale)), max(1, round(height * scale))
            if sizes and (sizes[-1]["width"], sizes[-1]["height"]) == (w, h):
                break
            stored = self._store_file(data, "photo", mime_type="image/jpeg")
            stored.width, stored.height = w, h
            stored_sizes.append(stored)
            sizes.append(
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "width": w,
                    "height": h,
                    "file_size": len(data),
                }
            )
            if scale >= 1.0:
                break
        for stored in stored_sizes:
            stored.photo_sizes = sizes
        return copy.deepcopy(sizes)

    def _confirm(self, offset: int | None) -> None:
        if not offset:
            return
        if offset > 0:
            keep = [u for u in self._updates if u["update_id"] >= offset]
            self._confirmed_offset = max(self._confirmed_offset, offset)
        else:
            keep = self._updates[offset:]
        if len(keep) != len(self._updates):
            self._updates = keep
            self._notify()

    def _update_allowed(self, update: JSONDict) -> bool:
        kinds = [k for k in update if k != "update_id"]
        kind = kinds[0] if kinds else ""
        if self._allowed_updates:
            return kind in self._allowed_updates
        return kind not in _NOT_DEFAULT_UPDATES

    def _drop_disallowed(self) -> None:
        keep: list[JSONDict] = []
        for update in self._updates:
            if self._update_allowed(update):
                keep.append(update)
            else:
                self.dropped_updates.append(update)
        if len(keep) != len(self._updates):
            self._updates = keep
            self._notify()

    # ---- HTTP handling ----

    async def _read_request(self, request: web.Request) -> tuple[JSONDict, dict[str, _Upload]]:
        params: JSONDict = {}
        files: dict[str, _Upload] = {}
        for key, value in request.query.items():
            params[key] = _decode_form_value(key, value)
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
                    files[key] = _Upload(item.filename, item.file.read(), item.content_type)
                elif isinstance(item, bytes | bytearray):
                    params[key] = _decode_form_value(key, bytes(item).decode("utf-8", "replace"))
                else:
                    params[key] = _decode_form_value(key, item)
        return params, files

    @staticmethod
    def _error_response(
        status: int, description: str, parameters: JSONDict | None = None
    ) -> web.Response:
        body: JSONDict = {"ok": False, "error_code": status, "description": description}
        if parameters:
            body["parameters"] = parameters
        return web.json_response(body, status=status)

    def _take_failure(self, method: str, params: JSONDict) -> _FailureRule | None:
        chat_id = _coerce_chat_id(params.get("chat_id"))
        for rule in self._failures:
            if rule.method == "*":
                if method == "getUpdates":
                    continue
            elif rule.method != method.lower():
                continue
            if rule.chat_id is not None and rule.chat_id != chat_id:
                continue
            rule.times -= 1
            if rule.times <= 0:
                self._failures.remove(rule)
            return rule
        return None

    def _record(
        self,
        method: str,
        params: JSONDict,
        files: dict[str, _Upload],
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

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        started = time.monotonic()
        if request.match_info["token"] != self.token:
            return self._error_response(401, "Unauthorized")
        raw_method = request.match_info["method"]
        try:
            params, files = await self._read_request(request)
        except ApiError as exc:
            self._record(
                raw_method, {}, {}, started, status=exc.status, description=exc.description
            )
            return self._error_response(exc.status, exc.description)
        except web.HTTPRequestEntityTooLarge:
            self._record(
                raw_method, {}, {}, started, status=413, description="Request Entity Too Large"
            )
            return self._error_response(413, "Request Entity Too Large")

        entry = self._methods.get(raw_method.lower())
        if entry is None:
            self._record(raw_method, params, files, started, status=404, description="Not Found")
            return self._error_response(404, "Not Found")
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
            return self._error_response(rule.status, rule.description, parameters)

        if self.rate_limits is not None and method in _RATE_LIMITED:
            wait = self.rate_limits.admit(_coerce_chat_id(params.get("chat_id")), started)
            if wait > 0:
                retry_after = max(1, math.ceil(wait))
                description = f"Too Many Requests: retry after {retry_after}"
                self._record(method, params, files, started, status=429, description=description)
                return self._error_response(429, description, {"retry_after": retry_after})

        try:
            result = await handler(_Req(method, params, files))
        except ApiError as exc:
            self._record(
                method, params, files, started, status=exc.status, description=exc.description
            )
            return self._error_response(exc.status, exc.description, exc.parameters)
        except Exception:
            _LOGGER.exception("FakeTelegram handler for %s crashed", method)
            self._record(
                method, params, files, started, status=500, description="Internal Server Error"
            )
            return self._error_response(500, "Internal Server Error")
        self._record(method, params, files, started, result=result)
        return web.json_response({"ok": True, "result": result})

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        started = time.monotonic()
        path = urllib.parse.unquote(request.match_info["path"])
        if request.match_info["token"] != self.token:
            return self._error_response(404, "Not Found")
        stored = self._files_by_path.get(path)
        if stored is None:
            self._record(
                "downloadFile",
                {"file_path": path},
                {},
                started,
                status=404,
                description="Not Found",
            )
            return self._error_response(404, "Not Found")
        self._record("downloadFile", {"file_path": path}, {}, started, result=stored.file_id)
        return web.Response(
            body=stored.data, content_type=stored.mime_type or "application/octet-stream"
        )

    # ---- validation helpers used by handlers ----

    def _target_chat(self, req: _Req, *, sending: bool = True) -> _Chat:
        value = req.params.get("chat_id")
        if value is None or value == "":
            raise ApiError(400, "Bad Request: chat_id is empty")
        chat_id = _coerce_chat_id(value)
        if chat_id is None or chat_id == 0:
            raise ApiError(400, "Bad Request: chat not found")
        if sending:
            if chat_id == self.bot_id:
                raise ApiError(403, "Forbidden: bot can't send messages to bots")
            if chat_id in self._blocked:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
        return self._chat(chat_id)

    def _check_text(self, text: str, parse_mode: str | None, *, caption: bool) -> None:
        if parse_mode is not None and parse_mode.lower() not in ("html", "markdown", "markdownv2"):
            raise ApiError(400, f"Bad Request: unsupported parse_mode {parse_mode!r}")
        plain = text
        if self.strict_parse_mode and parse_mode:
            try:
                plain = _to_plain(text, parse_mode)
            except _ParseError as exc:
                raise ApiError(400, f"Bad Request: can't parse entities: {exc}") from exc
        if caption:
            if _utf16_len(plain) > MAX_CAPTION_LENGTH:
                raise ApiError(400, "Bad Request: message caption is too long")
        else:
            if not plain.strip():
                raise ApiError(400, "Bad Request: message text is empty")
            if _utf16_len(plain) > MAX_TEXT_LENGTH:
                raise ApiError(400, "Bad Request: message is too long")

    @staticmethod
    def _check_markup(value: Any) -> JSONDict | None:
        if value is None:
            return None
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError as exc:
                raise ApiError(
                    400, "Bad Request: can't parse reply keyboard markup JSON object"
                ) from exc
        if not isinstance(value, dict):
            raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in value:
            rows = value["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise ApiError(
                    400,
                    'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup should '
                    "be an Array of Arrays",
                )
            for row in rows:
                for button in row:
                    FakeTelegram._check_inline_button(button)
        elif not any(k in value for k in ("keyboard", "remove_keyboard", "force_reply")):
            raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        return value

    @staticmethod
    def _check_inline_button(button: Any) -> None:
        if not isinstance(button, dict) or not isinstance(button.get("text"), str):
            raise ApiError(400, "Bad Request: can't parse inline keyboard button: Text expected")
        if not button["text"].strip():
            raise ApiError(400, "Bad Request: BUTTON_TEXT_INVALID")
        if not any(k in button for k in _INLINE_BUTTON_ACTIONS):
            raise ApiError(
                400,
                "Bad Request: can't parse inline keyboard button: Text buttons are unallowed "
                "in the inline keyboard",
            )
        if "callback_data" in button:
            data = button["callback_data"]
            if not isinstance(data, str) or not (
                1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES
            ):
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        if "url" in button:
            url = button["url"]
            parsed = urllib.parse.urlsplit(url if isinstance(url, str) else "")
            if parsed.scheme not in ("http", "https", "tg") or not (
                parsed.netloc or parsed.scheme == "tg"
            ):
                raise ApiError(
                    400,
                    f"Bad Request: inline keyboard button URL '{url}' is invalid: Wrong HTTP URL",
                )

    def _new_bot_message(
        self,
        req: _Req,
        chat: _Chat,
        kind: str,
        content: JSONDict,
        *,
        text: str | None,
        parse_mode: str | None,
        markup: JSONDict | None,
        stored: StoredFile | None = None,
        media_group_id: str | None = None,
    ) -> SentMessage:
        raw: JSONDict = {
            "message_id": chat.next_message_id(),
            "from": dict(self.bot_user),
            "chat": dict(chat.chat),
            "date": int(time.time()),
        }
        reply_to = req.get_int("reply_to_message_id")
        reply_parameters = req.params.get("reply_parameters")
        if reply_to is None and isinstance(reply_parameters, dict):
            reply_to = _coerce_chat_id(reply_parameters.get("message_id"))
        if reply_to is not None:
            replied = self._message_dict(chat, reply_to)
            if replied is not None:
                replied.pop("reply_to_message", None)
                raw["reply_to_message"] = replied
        if media_group_id is not None:
            raw["media_group_id"] = media_group_id
        raw.update(content)
        if _is_inline(markup):
            raw["reply_markup"] = markup
        message = SentMessage(
            chat_id=int(chat.chat["id"]),
            message_id=raw["message_id"],
            kind=kind,
            raw=raw,
            text=text,
            parse_mode=parse_mode,
            reply_markup=markup,
            media_group_id=media_group_id,
        )
        if stored is not None:
            message.file_id = stored.file_id
            message.file_name = stored.file_name
            message.mime_type = stored.mime_type
            if kind == "photo":
                message.photo = stored.data
            else:
                message.document = stored.data
        chat.bot_messages.append(message)
        chat.by_id[message.message_id] = message
        self._emit(FakeEvent("message", message.chat_id, message=message))
        self._notify()
        return message

    def _editable(self, req: _Req) -> SentMessage:
        if req.params.get("inline_message_id") is not None:
            raise ApiError(400, "Bad Request: message to edit not found")
        chat = self._target_chat(req)
        message_id = req.get_int("message_id", required=True)
        assert message_id is not None
        message = chat.by_id.get(message_id)
        if message is None or message.deleted:
            if message_id in chat.incoming:
                raise ApiError(400, "Bad Request: message can't be edited")
            raise ApiError(400, "Bad Request: message to edit not found")
        return message

    def _apply_edit(
        self,
        message: SentMessage,
        *,
        text: str | None,
        parse_mode: str | None,
        markup: JSONDict | None,
        text_field: str | None,
    ) -> JSONDict:
        new_markup = markup
        if markup is None and message.reply_markup and not _is_inline(message.reply_markup):
            new_markup = message.reply_markup  # a reply keyboard is not part of the message
        if (
            text == message.text
            and parse_mode == message.parse_mode
            and _inline_rows(markup) == _inline_rows(message.reply_markup)
        ):
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message",
            )
        message.history.append(copy.deepcopy(message.raw))
        message.text = text
        message.parse_mode = parse_mode
        message.reply_markup = new_markup
        raw = message.raw
        if text_field is not None:
            if text is None:
                raw.pop(text_field, None)
            else:
                raw[text_field] = text
            raw.pop("entities" if text_field == "text" else "caption_entities", None)
        if _is_inline(markup):
            raw["reply_markup"] = markup
        else:
            raw.pop("reply_markup", None)
        raw["edit_date"] = int(time.time())
        message.edited += 1
        self._emit(FakeEvent("edit", message.chat_id, message=message))
        self._notify()
        return copy.deepcopy(raw)

    def _input_file(self, req: _Req, name: str, kind: str) -> StoredFile:
        upload = req.files.get(name)
        value = req.params.get(name)
        if upload is None and isinstance(value, str) and value.startswith("attach://"):
            upload = req.files.get(value[len("attach://") :])
            if upload is None:
                raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        if upload is not None:
            return self._store_upload(upload, kind)
        if isinstance(value, str) and value:
            if value.startswith(("http://", "https://")):
                file_name = urllib.parse.urlsplit(value).path.rsplit("/", 1)[-1] or None
                data = f"fake download of {value}".encode()
                if kind == "photo":
                    return self._files[self._store_photo(data)[-1]["file_id"]]
                return self._store_file(
                    data, kind, file_name=file_name, mime_type=mimetypes.guess_type(value)[0]
                )
            stored = self._files.get(value)
            if stored is None:
                raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
            if (stored.kind == "photo") != (kind == "photo"):
                raise ApiError(400, "Bad Request: type of file mismatch")
            return stored
        raise ApiError(400, f"Bad Request: there is no {name} in the request")

    def _store_upload(self, upload: _Upload, kind: str) -> StoredFile:
        if not upload.data:
            raise ApiError(400, "Bad Request: file must be non-empty")
        if len(upload.data) > MAX_UPLOAD_BYTES:
            raise ApiError(413, "Request Entity Too Large")
        if kind == "photo":
            sizes = self._store_photo(upload.data)
            return self._files[sizes[-1]["file_id"]]
        mime = upload.content_type
        if not mime or mime == "application/octet-stream":
            mime = mimetypes.guess_type(upload.filename or "")[0] or mime
        return self._store_file(upload.data, kind, file_name=upload.filename, mime_type=mime)

    def _file_content(self, kind: str, stored: StoredFile) -> JSONDict:
        if kind == "photo":
            return {"photo": copy.deepcopy(stored.photo_sizes or [])}
        return {kind: stored.document_dict()}

    # ---- method handlers ----

    async def _m_true(self, req: _Req) -> bool:
        return True

    async def _m_get_me(self, req: _Req) -> JSONDict:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _m_get_updates(self, req: _Req) -> list[JSONDict]:
        if self._webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
            )
        offset = req.get_int("offset")
        limit = min(max(req.get_int("limit") or 100, 1), 100)
        timeout = max(req.get_float("timeout") or 0.0, 0.0)
        allowed = req.params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = [str(a) for a in allowed] or None
        self._confirm(offset)
        self._poll_generation += 1
        generation = self._poll_generation
        self.last_poll_time = time.monotonic()
        self._notify()  # lets an older, still waiting poll return

        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        batch: list[JSONDict] = []
        while True:
            event = self._changed
            self._drop_disallowed()
            batch = self._updates[:limit]
            if batch:
                break
            remaining = deadline - loop.time()
            if remaining <= 0 or self._stopping or generation != self._poll_generation:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)
        if batch:
            self._handed_out_max = max(self._handed_out_max, int(batch[-1]["update_id"]))
            self._notify()
        return copy.deepcopy(batch)

    async def _m_set_webhook(self, req: _Req) -> bool:
        self._webhook_url = req.get_str("url") or ""
        if req.get_bool("drop_pending_updates"):
            self._drop_all_pending()
        return True

    async def _m_delete_webhook(self, req: _Req) -> bool:
        self._webhook_url = ""
        if req.get_bool("drop_pending_updates"):
            self._drop_all_pending()
        return True

    def _drop_all_pending(self) -> None:
        self.dropped_updates.extend(self._updates)
        self._updates = []
        self._notify()

    async def _m_get_webhook_info(self, req: _Req) -> JSONDict:
        return {
            "url": self._webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    async def _m_send_message(self, req: _Req) -> JSONDict:
        chat = self._target_chat(req)
        text = req.get_str("text")
        if not text:
            raise ApiError(400, "Bad Request: message text is empty")
        parse_mode = req.get_str("parse_mode")
        self._check_text(text, parse_mode, caption=False)
        markup = self._check_markup(req.params.get("reply_markup"))
        content: JSONDict = {"text": text}
        if parse_mode is None and isinstance(req.params.get("entities"), list):
            content["entities"] = req.params["entities"]
        message = self._new_bot_message(
            req, chat, "text", content, text=text, parse_mode=parse_mode, markup=markup
        )
        return copy.deepcopy(message.raw)

    async def _m_edit_message_text(self, req: _Req) -> JSONDict:
        message = self._editable(req)
        if message.kind != "text":
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        text = req.get_str("text")
        if not text:
            raise ApiError(400, "Bad Request: message text is empty")
        parse_mode = req.get_str("parse_mode")
        self._check_text(text, parse_mode, caption=False)
        markup = self._check_markup(req.params.get("reply_markup"))
        return self._apply_edit(
            message, text=text, parse_mode=parse_mode, markup=markup, text_field="text"
        )

    async def _m_edit_message_caption(self, req: _Req) -> JSONDict:
        message = self._editable(req)
        if message.kind == "text":
            raise ApiError(400, "Bad Request: there is no caption in the message to edit")
        caption = req.get_str("caption") or None
        parse_mode = req.get_str("parse_mode")
        if caption is not None:
            self._check_text(caption, parse_mode, caption=True)
        markup = self._check_markup(req.params.get("reply_markup"))
        return self._apply_edit(
            message, text=caption, parse_mode=parse_mode, markup=markup, text_field="caption"
        )

    async def _m_edit_message_reply_markup(self, req: _Req) -> JSONDict:
        message = self._editable(req)
        markup = self._check_markup(req.params.get("reply_markup"))
        if markup is not None and not _is_inline(markup):
            raise ApiError(400, "Bad Request: inline keyboard expected")
        return self._apply_edit(
            message,
            text=message.text,
            parse_mode=message.parse_mode,
            markup=markup,
            text_field=None,
        )

    def _delete(self, chat: _Chat, message_id: int) -> bool:
        message = chat.by_id.get(message_id)
        if message is not None and not message.deleted:
            message.deleted = True
            self._emit(FakeEvent("delete", message.chat_id, message=message))
            self._notify()
            return True
        if chat.incoming.pop(message_id, None) is not None:
            self._notify()
            return True
        return False

    async def _m_delete_message(self, req: _Req) -> bool:
        chat = self._target_chat(req, sending=False)
        message_id = req.get_int("message_id", required=True)
        assert message_id is not None
        if not self._delete(chat, message_id):
            raise ApiError(400, "Bad Request: message to delete not found")
        return True

    async def _m_delete_messages(self, req: _Req) -> bool:
        chat = self._target_chat(req, sending=False)
        ids = req.params.get("message_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise ApiError(400, "Bad Request: message_ids is empty")
        for message_id in ids:
            if isinstance(message_id, int):
                self._delete(chat, message_id)
        return True

    async def _m_answer_callback_query(self, req: _Req) -> bool:
        query_id = req.get_str("callback_query_id")
        if not query_id or query_id not in self._callback_owner:
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        text = req.get_str("text")
        if text is not None and len(text) > 200:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        answer = AnsweredCallback(
            query_id=query_id,
            user_id=self._callback_owner[query_id],
            text=text,
            show_alert=req.get_bool("show_alert"),
            url=req.get_str("url"),
            cache_time=req.get_int("cache_time"),
            time=time.monotonic(),
        )
        self.answered_callbacks.append(answer)
        self._emit(FakeEvent("callback_answer", answer.user_id, data=answer))
        return True

    async def _send_file(self, req: _Req, kind: str) -> JSONDict:
        chat = self._target_chat(req)
        caption = req.get_str("caption") or None
        parse_mode = req.get_str("parse_mode")
        if caption is not None:
            self._check_text(caption, parse_mode, caption=True)
        markup = self._check_markup(req.params.get("reply_markup"))
        stored = self._input_file(req, kind, kind)
        content = self._file_content(kind, stored)
        if caption is not None:
            content["caption"] = caption
        message = self._new_bot_message(
            req,
            chat,
            kind,
            content,
            text=caption,
            parse_mode=parse_mode,
            markup=markup,
            stored=stored,
        )
        return copy.deepcopy(message.raw)

    async def _m_send_document(self, req: _Req) -> JSONDict:
        return await self._send_file(req, "document")

    async def _m_send_photo(self, req: _Req) -> JSONDict:
        return await self._send_file(req, "photo")

    async def _m_send_media_group(self, req: _Req) -> list[JSONDict]:
        chat = self._target_chat(req)
        media = req.params.get("media")
        if not isinstance(media, list) or not 2 <= len(media) <= 10:
            raise ApiError(400, "Bad Request: wrong number of media in the album, must be 2-10")
        items: list[tuple[str, StoredFile, str | None, str | None]] = []
        for item in media:
            if not isinstance(item, dict) or not isinstance(item.get("type"), str):
                raise ApiError(400, "Bad Request: can't parse InputMedia JSON object")
            kind = str(item["type"])
            sub = _Req(req.method, {kind: item.get("media")}, req.files)
            stored = self._input_file(sub, kind, kind)
            caption = item.get("caption") if isinstance(item.get("caption"), str) else None
            parse_mode = item.get("parse_mode") if isinstance(item.get("parse_mode"), str) else None
            if caption is not None:
                self._check_text(caption, parse_mode, caption=True)
            items.append((kind, stored, caption, parse_mode))
        kinds = {kind for kind, *_ in items}
        if "document" in kinds and len(kinds) > 1:
            raise ApiError(400, "Bad Request: document can't be mixed with other media types")
        group_id = str(13_000_000_000_000_000 + next(self._media_group_counter))
        results: list[JSONDict] = []
        for kind, stored, caption, parse_mode in items:
            content = self._file_content(kind, stored)
            if caption is not None:
                content["caption"] = caption
            message = self._new_bot_message(
                req,
                chat,
                kind,
                content,
                text=caption,
                parse_mode=parse_mode,
                markup=None,
                stored=stored,
                media_group_id=group_id,
            )
            results.append(copy.deepcopy(message.raw))
        return results

    async def _m_send_chat_action(self, req: _Req) -> bool:
        chat = self._target_chat(req)
        action = req.get_str("action")
        if action not in _CHAT_ACTIONS:
            raise ApiError(400, "Bad Request: wrong parameter action in request")
        self._emit(FakeEvent("chat_action", int(chat.chat["id"]), data=action))
        return True

    async def _m_get_file(self, req: _Req) -> JSONDict:
        file_id = req.get_str("file_id")
        stored = self._files.get(file_id or "")
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        if stored.file_size > MAX_DOWNLOAD_BYTES:
            raise ApiError(400, "Bad Request: file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.file_size,
            "file_path": stored.file_path,
        }

    async def _m_get_chat(self, req: _Req) -> JSONDict:
        chat = self._target_chat(req, sending=False)
        return {
            **chat.chat,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    async def _m_set_my_commands(self, req: _Req) -> bool:
        commands = req.params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise ApiError(400, "Bad Request: can't parse commands JSON object")
        for command in commands:
            if not isinstance(command, dict):
                raise ApiError(400, "Bad Request: can't parse BotCommand JSON object")
            name = command.get("command")
            description = command.get("description")
            if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        key = _commands_key(req.params.get("scope"), req.get_str("language_code"))
        self._commands[key] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    async def _m_get_my_commands(self, req: _Req) -> list[JSONDict]:
        key = _commands_key(req.params.get("scope"), req.get_str("language_code"))
        return copy.deepcopy(self._commands.get(key, []))

    async def _m_delete_my_commands(self, req: _Req) -> bool:
        key = _commands_key(req.params.get("scope"), req.get_str("language_code"))
        self._commands.pop(key, None)
        return True

    async def _m_set_chat_menu_button(self, req: _Req) -> bool:
        chat_id = _coerce_chat_id(req.params.get("chat_id"))
        button = req.params.get("menu_button")
        if button is None:
            button = {"type": "default"}
        if not isinstance(button, dict) or button.get("type") not in (
            "default",
            "commands",
            "web_app",
        ):
            raise ApiError(400, "Bad Request: can't parse menu button JSON object")
        self._menu_buttons[chat_id] = button
        return True

    async def _m_get_chat_menu_button(self, req: _Req) -> JSONDict:
        chat_id = _coerce_chat_id(req.params.get("chat_id"))
        button = self._menu_buttons.get(chat_id) or self._menu_buttons.get(None)
        return copy.deepcopy(button) if button else {"type": "default"}

    def _bot_text_setter(self, field_name: str) -> _Handler:
        async def handler(req: _Req) -> bool:
            key = (field_name, req.get_str("language_code") or "")
            value = req.get_str(field_name)
            if value:
                self._bot_texts[key] = value
            else:
                self._bot_texts.pop(key, None)
            return True

        return handler

    def _bot_text_getter(self, field_name: str) -> _Handler:
        async def handler(req: _Req) -> JSONDict:
            lang = req.get_str("language_code") or ""
            value = self._bot_texts.get((field_name, lang)) or self._bot_texts.get(
                (field_name, ""), ""
            )
            if field_name == "name" and not value:
                value = str(self.bot_user["first_name"])
            return {field_name: value}

        return handler


def _commands_key(scope: Any, language_code: str | None) -> str:
    if isinstance(scope, str):
        with contextlib.suppress(ValueError):
            scope = json.loads(scope)
    if not isinstance(scope, dict):
        scope = {"type": "default"}
    return json.dumps([scope, language_code or ""], sort_keys=True)


def _update_chat_id(update: JSONDict) -> int | None:
    for key, value in update.items():
        if key == "update_id" or not isinstance(value, dict):
            continue
        chat = value.get("chat")
        if chat is None and isinstance(value.get("message"), dict):
            chat = value["message"].get("chat")
        if isinstance(chat, dict) and isinstance(chat.get("id"), int):
            return int(chat["id"])
        sender = value.get("from")
        if isinstance(sender, dict) and isinstance(sender.get("id"), int):
            return int(sender["id"])
    return None
