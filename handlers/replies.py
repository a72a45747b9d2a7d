"""Small reply helpers every handler module uses."""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardMarkup
from telegram.error import BadRequest

from bot import provinces
from bot.i18n import Translator

MAX_MESSAGE = 4096

# What Telegram says when the pressed message cannot be edited any more (the person deleted
# it, or it is gone for another reason): the new screen is sent as a message instead.
_GONE = ("message to edit not found", "message can't be edited")


async def edit_query_message(
    query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Edit the message a button sits on; a repeated press that changes nothing is fine.

    Telegram answers an edit to identical content with "message is not modified"; for a
    button pressed twice that is the expected outcome, not an error. A message that cannot be
    edited (deleted, or one Telegram no longer shows the bot) gets the screen as a new message.
    """
    message = query.message
    if message is None or not message.is_accessible:
        chat_id = message.chat.id if message is not None else query.from_user.id
        await query.get_bot().send_message(chat_id, text, reply_markup=markup)
        return
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as error:
        reason = error.message.lower()
        if "not modified" in reason:
            return
        if any(gone in reason for gone in _GONE):
            await query.get_bot().send_message(message.chat.id, text, reply_markup=markup)
            return
        raise


def fit(text: str) -> str:
    """Within Telegram's limit: long free text is cut at a line end rather than refused."""
    if len(text) <= MAX_MESSAGE:
        return text
    cut = text.rfind("\n", 0, MAX_MESSAGE - 2)
    return text[: cut if cut > 0 else MAX_MESSAGE - 2] + "\n…"


def province_name(code: str | None, t: Translator) -> str:
    """A province by its code, in the reader's language (the code itself if unknown)."""
    province = provinces.get(code)
    return t.pick(th=province.name_th, en=province.name_en) if province else (code or "")
