"""Small helpers the foundation handlers share: replying, refusing, reading a button."""

from __future__ import annotations

import contextlib
from typing import Any

from telegram import CallbackQuery, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot import callbacks
from bot.field_rules import FieldError
from bot.runtime import BotContext
from bot.workflow import WorkflowError
from handlers.foundation.render import fit

MAX_ALERT = 200  # Telegram's limit for the text of a callback answer


async def say(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """A new message in the person's chat (after a button press too: the history stays)."""
    chat = update.effective_chat
    assert chat is not None
    await chat.send_message(fit(text), reply_markup=markup)


def message_of(error: FieldError | WorkflowError, context: BotContext) -> str:
    return context.t.t(error.msg_id, **error.params)


async def refuse(update: Update, context: BotContext, error: FieldError | WorkflowError) -> None:
    """Tell the person why nothing happened: on the button they pressed, or as a reply."""
    text = message_of(error, context)
    query = update.callback_query
    if query is None:
        await say(update, text)
    elif len(text) <= MAX_ALERT:
        await query.answer(text, show_alert=True)
    else:  # too long for an alert: answer the press, say it in the chat
        await query.answer()
        await say(update, text)


def pressed(update: Update, spec: callbacks.Spec) -> callbacks.Callback | None:
    """The button's values if it is one of ``spec``'s; None for anything forged or garbled."""
    query = update.callback_query
    decoded = callbacks.decode(query.data if query else None)
    if decoded is None or decoded.prefix != spec.prefix:
        return None
    return decoded


async def stale(update: Update, context: BotContext) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer(context.t.t("common.stale_button"), show_alert=True)


async def done_with(query: CallbackQuery) -> None:
    """Take the buttons off a message once one was used, so it cannot be pressed again.

    Cosmetic: an old or deleted message that cannot be edited is left as it is.
    """
    with contextlib.suppress(BadRequest):
        await query.edit_message_reply_markup(None)


def user_id(update: Update) -> int:
    assert update.effective_user is not None
    return update.effective_user.id


def user_data(context: BotContext) -> dict[str, Any]:
    """This person's data (persisted as JSON by PTB); always there for a person's update."""
    assert context.user_data is not None
    return context.user_data


def chat_data(context: BotContext) -> dict[str, Any]:
    """This chat's data, kept in memory only (chat data is not persisted)."""
    assert context.chat_data is not None
    return context.chat_data
