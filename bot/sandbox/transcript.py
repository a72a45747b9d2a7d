"""What the page shows of a chat, as JSON: both sides' messages, the menu, the profile.

Messages carry their Bot API message id, shared by both sides of a private chat, so the page
orders them by id and replaces one in place when the bot edits it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from bot.sandbox.people import Person
from bot.sandbox.richtext import rich_text
from bot.testing.fake_telegram import FakeTelegram, SentMessage

JSON = dict[str, Any]

_FILE_KINDS = ("document", "video", "audio", "voice", "animation", "sticker", "video_note")


def file_url(file_id: str) -> str:
    return f"/api/files/{quote(file_id, safe='')}"


def _file(info: Any, kind: str) -> JSON | None:
    if not isinstance(info, dict) or not isinstance(info.get("file_id"), str):
        return None
    return {
        "kind": kind,
        "url": file_url(info["file_id"]),
        "name": info.get("file_name") if isinstance(info.get("file_name"), str) else None,
        "mime": info.get("mime_type") if isinstance(info.get("mime_type"), str) else None,
        "size": info.get("file_size") if isinstance(info.get("file_size"), int) else None,
    }


def _media(raw: JSON) -> JSON | None:
    """The message's file: the biggest size of a photo, else its document, video..."""
    photo = raw.get("photo")
    if isinstance(photo, list) and photo:
        return _file(photo[-1], "photo")
    for kind in _FILE_KINDS:
        if kind in raw:
            return _file(raw[kind], kind)
    return None


def _inline_buttons(markup: Any) -> list[list[JSON]]:
    rows: list[list[JSON]] = []
    if not isinstance(markup, dict) or not isinstance(markup.get("inline_keyboard"), list):
        return rows
    for row in markup["inline_keyboard"]:
        if not isinstance(row, list):
            continue
        out: list[JSON] = []
        for button in row:
            if not isinstance(button, dict):
                continue
            item: JSON = {"text": str(button.get("text", ""))}
            if isinstance(button.get("callback_data"), str):
                item["data"] = button["callback_data"]
            elif isinstance(button.get("url"), str):
                item["url"] = button["url"]
            out.append(item)
        rows.append(out)
    return rows


def _reply_keyboard(markup: Any) -> list[list[str]] | None:
    """Rows of a reply keyboard; ``[]`` when the message removes the keyboard."""
    if not isinstance(markup, dict):
        return None
    if markup.get("remove_keyboard"):
        return []
    rows = markup.get("keyboard")
    if not isinstance(rows, list):
        return None
    return [
        [b if isinstance(b, str) else str(b.get("text", "")) for b in row if b]
        for row in rows
        if isinstance(row, list)
    ]


def bot_message(message: SentMessage) -> JSON:
    raw = message.raw
    parse_mode = message.parse_mode
    text = message.text
    if parse_mode and parse_mode.lower() != "html":
        text, parse_mode = message.plain_text, None  # Markdown: shown without its markup
    entity_key = "entities" if message.kind == "text" else "caption_entities"
    return {
        "id": message.message_id,
        "from": "bot",
        "date": raw.get("date"),
        "rich": rich_text(text, parse_mode, raw.get(entity_key)),
        "media": _media(raw),
        "buttons": _inline_buttons(message.reply_markup),
        "keyboard": _reply_keyboard(message.reply_markup),
        "edited": message.edited,
        "deleted": message.deleted,
    }


def user_message(raw: JSON) -> JSON:
    text = raw.get("text") if "text" in raw else raw.get("caption")
    entities = raw.get("entities") if "text" in raw else raw.get("caption_entities")
    return {
        "id": raw.get("message_id"),
        "from": "user",
        "date": raw.get("date"),
        "rich": rich_text(text if isinstance(text, str) else None, None, entities),
        "media": _media(raw),
        "buttons": [],
        "keyboard": None,
        "edited": 1 if "edit_date" in raw else 0,
        "deleted": False,
    }


def messages(fake: FakeTelegram, user_id: int) -> list[JSON]:
    out = [bot_message(m) for m in fake.messages(user_id)]
    out += [user_message(m) for m in fake.incoming_messages(user_id)]
    return sorted(out, key=lambda m: int(m["id"] or 0))


def commands(fake: FakeTelegram, user_id: int, language: str | None) -> list[JSON]:
    """The menu Telegram would show this person: the narrowest scope the bot set wins."""
    chat_scope = {"type": "chat", "chat_id": user_id}
    for scope in (chat_scope, {"type": "all_private_chats"}, {"type": "default"}):
        for lang in (language, None) if language else (None,):
            found = fake.commands(scope, lang)
            if found:
                return found
    return []


def chat(fake: FakeTelegram, who: Person) -> JSON:
    user = fake.users.get(who.user_id)
    name = user.first_name if user else who.first_name
    language = user.language_code if user else who.language
    return {
        "role": who.role,
        "user_id": who.user_id,
        "name": name,
        "language": language,
        "commands": commands(fake, who.user_id, language),
        "messages": messages(fake, who.user_id),
    }
