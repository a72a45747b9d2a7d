"""The check every officer and admin handler goes through, and the answer every press gets.

``on_press`` / ``on_message`` wrap a handler so that (1) the person is an active officer or
admin according to the database row ``identify`` read for this very update, (2) a forged or
unknown button is refused, (3) a ``WorkflowError`` from a service is told in the person's
language, and (4) every callback query is answered exactly once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.ext import ConversationHandler

from bot import callbacks
from bot.callbacks import Callback
from bot.i18n import Translator
from bot.i18n_marker import N_
from bot.runtime import BotContext, Services
from bot.workflow import Role, WorkflowError
from handlers.replies import edit_query_message
from storage.models import User

# Telegram shows at most 200 characters in a button's answer; longer texts go to the chat.
MAX_ANSWER = 200
END = ConversationHandler.END
STAFF = (Role.OFFICER, Role.ADMIN)

Handler = Callable[[Update, BotContext], Coroutine[Any, Any, object]]


@dataclass
class Press:
    """A button press by someone allowed to press it, with what they pressed."""

    update: Update
    context: BotContext
    query: CallbackQuery
    data: Callback
    user: User
    answer_text: str | None = None
    alert: bool = False

    @property
    def t(self) -> Translator:
        return self.context.t

    @property
    def services(self) -> Services:
        return self.context.services

    def say(self, text: str, *, alert: bool = False) -> None:
        """What the button's answer shows (a short notice, or an alert to dismiss)."""
        self.answer_text, self.alert = text, alert

    async def edit(self, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        await edit_query_message(self.query, text, markup)

    async def send(self, text: str, markup: InlineKeyboardMarkup | None = None) -> Message:
        return await self.context.bot.send_message(self.user.id, text, reply_markup=markup)


def _refusal(user: User | None, admin: bool) -> str | None:
    """Why this person may not use officer (or admin) screens now; None if they may."""
    if user is None or user.role not in STAFF:
        return N_("error.not_allowed")
    if not user.active:
        return N_("officer.error.inactive")
    if admin and user.role is not Role.ADMIN:
        return N_("error.not_allowed")
    return None


async def answer(query: CallbackQuery, context: BotContext, text: str | None, alert: bool) -> None:
    if text is not None and len(text) > MAX_ANSWER:
        await query.answer()
        await context.bot.send_message(query.from_user.id, text)
        return
    await query.answer(text, show_alert=alert)


def on_press(fn: Callable[[Press], Awaitable[object]], *, admin: bool = False) -> Handler:
    async def handle(update: Update, context: BotContext) -> object:
        query = update.callback_query
        assert query is not None
        t = context.t
        data = callbacks.decode(query.data)
        # PTB hands a press without data to every button handler: it is nobody's button.
        refusal = N_("common.stale_button") if data is None else _refusal(context.user, admin)
        if refusal is not None:
            await answer(query, context, t.t(refusal), True)
            return END
        assert data is not None
        assert context.user is not None
        press = Press(update, context, query, data, context.user)
        result: object = END
        try:
            result = await fn(press)
        except WorkflowError as error:
            press.say(t.t(error.msg_id, **error.params), alert=True)
        await answer(query, context, press.answer_text, press.alert)
        return result

    return handle


def on_message(
    fn: Callable[[Update, BotContext, User], Awaitable[object]], *, admin: bool = False
) -> Handler:
    async def handle(update: Update, context: BotContext) -> object:
        message = update.effective_message
        assert message is not None
        refusal = _refusal(context.user, admin)
        if refusal is not None:
            await message.reply_text(context.t.t(refusal))
            return END
        assert context.user is not None
        try:
            return await fn(update, context, context.user)
        except WorkflowError as error:
            await message.reply_text(context.t.t(error.msg_id, **error.params))
            return END

    return handle
