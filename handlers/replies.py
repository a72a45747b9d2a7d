"""Small reply helpers every handler module uses."""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardMarkup
from telegram.error import BadRequest


async def edit_query_message(
    query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Edit the message a button sits on; a repeated press that changes nothing is fine.

    Telegram answers an edit to identical content with "message is not modified"; for a
    button pressed twice that is the expected outcome, not an error.
    """
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as error:
        if "not modified" not in error.message.lower():
            raise
