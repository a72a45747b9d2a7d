"""Fake Telegram users: what a test does as a person (write, press, send files, block)."""

from __future__ import annotations

import copy
import mimetypes
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.testing.fake_telegram.formatting import utf16_len
from bot.testing.fake_telegram.model import AnsweredCallback, SentMessage
from bot.testing.fake_telegram.wire import JSONDict

if TYPE_CHECKING:
    from bot.testing.fake_telegram.server import FakeTelegram


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
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(command)}]
