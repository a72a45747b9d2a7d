"""/digest: an officer turns the morning digest of their queue on or off."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot import callbacks
from bot.runtime import BotContext
from bot.workflow import Role
from handlers import common
from handlers.replies import edit_query_message

DIGEST = callbacks.register("rd", "token")
_CHOICES = {"on": True, "off": False}


def _officer(context: BotContext) -> bool:
    user = context.user
    return user is not None and user.active and user.role is Role.OFFICER


async def _status(context: BotContext, user_id: int) -> tuple[str, InlineKeyboardMarkup]:
    t = context.t
    enabled = await context.services.reminders.digest_enabled(user_id)
    time = context.services.settings.digest_time.strftime("%H:%M")
    text = t.t("digest.status_on", time=time) if enabled else t.t("digest.status_off")
    label, choice = (
        (t.t("digest.button_off"), "off") if enabled else (t.t("digest.button_on"), "on")
    )
    button = InlineKeyboardButton(label, callback_data=callbacks.encode(DIGEST, choice))
    return text, InlineKeyboardMarkup([[button]])


async def digest_command(update: Update, context: BotContext) -> None:
    message = update.effective_message
    assert message is not None
    if not _officer(context) or context.user is None:
        await message.reply_text(context.t.t("digest.officers_only"))
        return
    text, markup = await _status(context, context.user.id)
    await message.reply_text(text, reply_markup=markup)


async def digest_pressed(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    decoded = callbacks.decode(query.data)
    choice = decoded.token(0) if decoded else None
    if not _officer(context) or context.user is None:
        await query.answer(context.t.t("digest.officers_only"), show_alert=True)
        return
    if choice not in _CHOICES:
        await query.answer(context.t.t("common.stale_button"), show_alert=True)
        return
    await context.services.reminders.set_digest(context.user.id, _CHOICES[choice])
    await query.answer()
    text, markup = await _status(context, context.user.id)
    await edit_query_message(query, text, markup)


def handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    return [
        CommandHandler("digest", digest_command, filters=common.PRIVATE),
        CallbackQueryHandler(digest_pressed, pattern=r"^rd:"),
    ]
