"""The bot's messages: sending, editing and deleting them, with the real API's checks."""

from __future__ import annotations

import copy
import json
import time
import urllib.parse
from typing import Any

from bot.testing.fake_telegram.formatting import ParseError, to_plain, utf16_len
from bot.testing.fake_telegram.model import (
    MAX_CALLBACK_DATA_BYTES,
    MAX_CAPTION_LENGTH,
    MAX_TEXT_LENGTH,
    Chat,
    FakeEvent,
    SentMessage,
    StoredFile,
    inline_rows,
    is_inline,
)
from bot.testing.fake_telegram.updates import Updates
from bot.testing.fake_telegram.wire import ApiError, JSONDict, Req, coerce_chat_id

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


class Messages(Updates):
    """``sendMessage``, the ``editMessage*`` methods and deleting."""

    def _check_text(self, text: str, parse_mode: str | None, *, caption: bool) -> None:
        if parse_mode is not None and parse_mode.lower() not in ("html", "markdown", "markdownv2"):
            raise ApiError(400, f"Bad Request: unsupported parse_mode {parse_mode!r}")
        plain = text
        if self.strict_parse_mode and parse_mode:
            try:
                plain = to_plain(text, parse_mode)
            except ParseError as exc:
                raise ApiError(400, f"Bad Request: can't parse entities: {exc}") from exc
        if caption:
            if utf16_len(plain) > MAX_CAPTION_LENGTH:
                raise ApiError(400, "Bad Request: message caption is too long")
        else:
            if not plain.strip():
                raise ApiError(400, "Bad Request: message text is empty")
            if utf16_len(plain) > MAX_TEXT_LENGTH:
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
                    Messages._check_inline_button(button)
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
        req: Req,
        chat: Chat,
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
            reply_to = coerce_chat_id(reply_parameters.get("message_id"))
        if reply_to is not None:
            replied = self._message_dict(chat, reply_to)
            if replied is not None:
                replied.pop("reply_to_message", None)
                raw["reply_to_message"] = replied
        if media_group_id is not None:
            raw["media_group_id"] = media_group_id
        raw.update(content)
        if is_inline(markup):
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

    def _editable(self, req: Req) -> SentMessage:
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
        if markup is None and message.reply_markup and not is_inline(message.reply_markup):
            new_markup = message.reply_markup  # a reply keyboard is not part of the message
        if (
            text == message.text
            and parse_mode == message.parse_mode
            and inline_rows(markup) == inline_rows(message.reply_markup)
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
        if is_inline(markup):
            raw["reply_markup"] = markup
        else:
            raw.pop("reply_markup", None)
        raw["edit_date"] = int(time.time())
        message.edited += 1
        self._emit(FakeEvent("edit", message.chat_id, message=message))
        self._notify()
        return copy.deepcopy(raw)

    async def _m_send_message(self, req: Req) -> JSONDict:
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

    async def _m_edit_message_text(self, req: Req) -> JSONDict:
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

    async def _m_edit_message_caption(self, req: Req) -> JSONDict:
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

    async def _m_edit_message_reply_markup(self, req: Req) -> JSONDict:
        message = self._editable(req)
        markup = self._check_markup(req.params.get("reply_markup"))
        if markup is not None and not is_inline(markup):
            raise ApiError(400, "Bad Request: inline keyboard expected")
        return self._apply_edit(
            message,
            text=message.text,
            parse_mode=message.parse_mode,
            markup=markup,
            text_field=None,
        )

    def _delete(self, chat: Chat, message_id: int) -> bool:
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

    async def _m_delete_message(self, req: Req) -> bool:
        chat = self._target_chat(req, sending=False)
        message_id = req.get_int("message_id", required=True)
        assert message_id is not None
        if not self._delete(chat, message_id):
            raise ApiError(400, "Bad Request: message to delete not found")
        return True

    async def _m_delete_messages(self, req: Req) -> bool:
        chat = self._target_chat(req, sending=False)
        ids = req.params.get("message_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise ApiError(400, "Bad Request: message_ids is empty")
        for message_id in ids:
            if isinstance(message_id, int):
                self._delete(chat, message_id)
        return True
