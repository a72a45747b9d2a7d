"""Who the bot is and what it shows: ``getMe``, chats, chat actions, the command menu,
the menu button, the bot's name and descriptions."""

from __future__ import annotations

import contextlib
import copy
import json
import re
from typing import Any

from bot.testing.fake_telegram.callbacks import Callbacks
from bot.testing.fake_telegram.model import FakeEvent
from bot.testing.fake_telegram.wire import ApiError, Handler, JSONDict, Req, coerce_chat_id

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


class BotProfile(Callbacks):
    """The bot's profile, commands and chat methods."""

    async def _m_true(self, req: Req) -> bool:
        return True

    async def _m_get_me(self, req: Req) -> JSONDict:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _m_send_chat_action(self, req: Req) -> bool:
        chat = self._target_chat(req)
        action = req.get_str("action")
        if action not in _CHAT_ACTIONS:
            raise ApiError(400, "Bad Request: wrong parameter action in request")
        self._emit(FakeEvent("chat_action", int(chat.chat["id"]), data=action))
        return True

    async def _m_get_chat(self, req: Req) -> JSONDict:
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

    async def _m_set_my_commands(self, req: Req) -> bool:
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
        key = commands_key(req.params.get("scope"), req.get_str("language_code"))
        self._commands[key] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    async def _m_get_my_commands(self, req: Req) -> list[JSONDict]:
        key = commands_key(req.params.get("scope"), req.get_str("language_code"))
        return copy.deepcopy(self._commands.get(key, []))

    async def _m_delete_my_commands(self, req: Req) -> bool:
        key = commands_key(req.params.get("scope"), req.get_str("language_code"))
        self._commands.pop(key, None)
        return True

    async def _m_set_chat_menu_button(self, req: Req) -> bool:
        chat_id = coerce_chat_id(req.params.get("chat_id"))
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

    async def _m_get_chat_menu_button(self, req: Req) -> JSONDict:
        chat_id = coerce_chat_id(req.params.get("chat_id"))
        button = self._menu_buttons.get(chat_id) or self._menu_buttons.get(None)
        return copy.deepcopy(button) if button else {"type": "default"}

    def _bot_text_setter(self, field_name: str) -> Handler:
        async def handler(req: Req) -> bool:
            key = (field_name, req.get_str("language_code") or "")
            value = req.get_str(field_name)
            if value:
                self._bot_texts[key] = value
            else:
                self._bot_texts.pop(key, None)
            return True

        return handler

    def _bot_text_getter(self, field_name: str) -> Handler:
        async def handler(req: Req) -> JSONDict:
            lang = req.get_str("language_code") or ""
            value = self._bot_texts.get((field_name, lang)) or self._bot_texts.get(
                (field_name, ""), ""
            )
            if field_name == "name" and not value:
                value = str(self.bot_user["first_name"])
            return {field_name: value}

        return handler


def commands_key(scope: Any, language_code: str | None) -> str:
    if isinstance(scope, str):
        with contextlib.suppress(ValueError):
            scope = json.loads(scope)
    if not isinstance(scope, dict):
        scope = {"type": "default"}
    return json.dumps([scope, language_code or ""], sort_keys=True)
