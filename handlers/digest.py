"""/digest: an officer turns the morning digest of their queue on or off."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CommandHandler

from bot.callbacks import Button
from bot.runtime import BotContext
from bot.workflow import Role
from handlers import common
from handlers.feature import Feature
from handlers.respond import Press, on_message, on_press
from storage.models import User


class Digest(Button, prefix="rd"):
    choice: str  # "on" or "off"


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
    button = InlineKeyboardButton(label, callback_data=Digest(choice=choice).pack())
    return text, InlineKeyboardMarkup([[button]])


async def digest_command(update: Update, context: BotContext, user: User) -> None:
    message = update.effective_message
    assert message is not None
    if not _officer(context):
        await message.reply_text(context.t.t("digest.officers_only"))
        return
    text, markup = await _status(context, user.id)
    await message.reply_text(text, reply_markup=markup)


async def digest_pressed(press: Press[Digest]) -> None:
    choice, context = press.button.choice, press.context
    if not _officer(context):
        press.say(context.t.t("digest.officers_only"), alert=True)
        return
    if choice not in _CHOICES:
        press.stale()
        return
    await context.services.reminders.set_digest(press.user.id, _CHOICES[choice])
    await press.edit(*await _status(context, press.user.id))


def feature() -> Feature:
    return Feature(
        name="digest",
        buttons=(Digest,),
        handlers=[
            CommandHandler("digest", on_message(digest_command), filters=common.PRIVATE),
            on_press(Digest, digest_pressed),
        ],
    )
