"""What the fake keeps and hands to tests: recorded calls, the bot's messages, stored
files, callback answers, events and chats; plus the Bot API's size limits."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from bot.testing.fake_telegram.formatting import ParseError, to_plain
from bot.testing.fake_telegram.wire import JSONDict, coerce_chat_id

DEFAULT_TOKEN = "123456789:TEST-token-for-the-fake-bot-api-000"

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024


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
        return coerce_chat_id(self.params.get("chat_id"))

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
            return to_plain(self.text, self.parse_mode)
        except ParseError:
            return self.text

    @property
    def buttons(self) -> list[list[tuple[str, str | None]]]:
        """Inline keyboard rows as ``(text, callback_data or url)`` tuples."""
        rows: list[list[tuple[str, str | None]]] = []
        for row in inline_rows(self.reply_markup):
            rows.append([(str(b.get("text", "")), button_target(b)) for b in row])
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
        for row in inline_rows(self.reply_markup):
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


@dataclass
class FailureRule:
    method: str  # lower-case method name or "*"
    status: int
    description: str
    retry_after: int | None
    times: int
    chat_id: int | None


@dataclass
class Chat:
    chat: JSONDict
    chat_instance: str
    last_message_id: int = 0
    bot_messages: list[SentMessage] = field(default_factory=list)
    by_id: dict[int, SentMessage] = field(default_factory=dict)
    incoming: dict[int, JSONDict] = field(default_factory=dict)

    def next_message_id(self) -> int:
        self.last_message_id += 1
        return self.last_message_id


def inline_rows(markup: JSONDict | None) -> list[list[JSONDict]]:
    if not markup or not isinstance(markup.get("inline_keyboard"), list):
        return []
    return [
        [b for b in row if isinstance(b, dict)]
        for row in markup["inline_keyboard"]
        if isinstance(row, list)
    ]


def button_target(button: JSONDict) -> str | None:
    for key in ("callback_data", "url"):
        value = button.get(key)
        if isinstance(value, str):
            return value
    web_app = button.get("web_app")
    if isinstance(web_app, dict) and isinstance(web_app.get("url"), str):
        return str(web_app["url"])
    return None


def is_inline(markup: JSONDict | None) -> bool:
    return bool(markup) and "inline_keyboard" in (markup or {})
