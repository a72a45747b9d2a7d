"""The one way a handler is written, on both sides: read the press, check access, answer.

``on_press(Kind, fn, access=...)`` makes the PTB handler of one button kind. For every press
it (1) reads the button (typed: ``press.button.case``), (2) checks the person against
``access`` as the database row ``identify`` read for this very update says (which cases they
may see is the services' business), (3) runs ``fn``, (4) tells a ``WorkflowError`` or
``FieldError`` in the person's language, and (5) answers the query exactly once: a short text
as the button's answer, a long one as a chat message. ``on_message`` does the same for
commands and typed messages. ``fn`` edits the pressed message in place (``press.edit``) or
sends a new one (``press.send``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from enum import Enum
from typing import Any, Generic, TypeVar

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, ConversationHandler

from bot.callbacks import Button
from bot.field_rules import FieldError
from bot.i18n import Translator
from bot.i18n_marker import N_, MsgId
from bot.runtime import BotContext, Services
from bot.workflow import Role, WorkflowError
from handlers.replies import edit_query_message, fit
from storage.models import User

# Telegram shows at most 200 characters in a button's answer; longer texts go to the chat.
MAX_ANSWER = 200
END = ConversationHandler.END
STAFF = (Role.OFFICER, Role.ADMIN)

Handler = Callable[[Update, BotContext], Coroutine[Any, Any, object]]
B = TypeVar("B", covariant=True)
K = TypeVar("K", bound=Button)


class Access(Enum):
    """Who may use a handler at all, checked before it runs."""

    ANYONE = "anyone"
    """The services decide (the foundation side: a member of the case's foundation)."""
    STAFF = "staff"
    """An active officer or admin."""
    ADMIN = "admin"
    """An active admin."""


def refusal(user: User | None, access: Access) -> MsgId | None:
    """Why this person may not use a handler of ``access`` now; None if they may."""
    if access is Access.ANYONE:
        return None
    if user is None or user.role not in STAFF:
        return N_("error.not_allowed")
    if not user.active:
        return N_("officer.error.inactive")
    if access is Access.ADMIN and user.role is not Role.ADMIN:
        return N_("error.not_allowed")
    return None


def message_of(error: FieldError | WorkflowError, t: Translator) -> str:
    return t.t(error.msg_id, **error.params)


@dataclass
class Press(Generic[B]):
    """A button press by someone allowed to press it, with the button they pressed."""

    update: Update
    context: BotContext
    query: CallbackQuery
    button: B
    user: User
    answer_text: str | None = None
    alert: bool = False
    answered: bool = False
    answered_with: str | None = None

    @property
    def t(self) -> Translator:
        return self.context.t

    @property
    def services(self) -> Services:
        return self.context.services

    def say(self, text: str, *, alert: bool = False) -> None:
        """What the button's answer shows (a short notice, or an alert to dismiss)."""
        self.answer_text, self.alert = text, alert

    def refuse(self, error: FieldError | WorkflowError) -> None:
        """Nothing happened, and why, in the person's language."""
        self.say(message_of(error, self.t), alert=True)

    def stale(self) -> None:
        self.say(self.t.t("common.stale_button"), alert=True)

    # The press is answered before the screen changes, so the button's spinner stops with it:
    # say what the answer shows first, then edit or send.

    async def edit(self, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        """The pressed message becomes this screen (a new message if it cannot be edited)."""
        await self.answer()
        await edit_query_message(self.query, text, markup)

    async def send(self, text: str, markup: InlineKeyboardMarkup | None = None) -> Message:
        """A new message in the person's chat (the history stays)."""
        await self.answer()
        return await self.context.bot.send_message(self.user.id, fit(text), reply_markup=markup)

    async def done(self) -> None:
        """Take the buttons off the pressed message, so it cannot be pressed again.

        Cosmetic: an old or deleted message that cannot be edited is left as it is.
        """
        await self.answer()
        await done_with(self.query)

    async def answer(self) -> None:
        """Answer the query now, once (``on_press`` answers at the end if nothing did). A text
        given after that, or too long for an answer, goes to the chat."""
        query, text = self.query, self.answer_text
        if self.answered:
            if text is not None and text != self.answered_with:
                self.answered_with = text
                await self.context.bot.send_message(query.from_user.id, fit(text))
            return
        self.answered, self.answered_with = True, text
        if text is not None and len(text) > MAX_ANSWER:
            await query.answer()
            await self.context.bot.send_message(query.from_user.id, fit(text))
        else:
            await query.answer(text, show_alert=self.alert)


def on_press(
    kind: type[K],
    fn: Callable[[Press[K]], Awaitable[object]],
    *,
    access: Access = Access.ANYONE,
    leading: tuple[str, ...] = (),
    refused: object = END,
) -> CallbackQueryHandler[BotContext, object]:
    """The handler of ``kind``'s buttons (those starting with ``leading`` values, if given).

    ``refused`` is the conversation state after a refusal (leave the conversation, unless a
    wizard keeps the person where they are)."""

    async def handle(update: Update, context: BotContext) -> object:
        query = update.callback_query
        assert query is not None
        button = kind.unpack(query.data)
        why = N_("common.stale_button") if button is None else refusal(context.user, access)
        if why is not None or button is None or context.user is None:
            await query.answer(context.t.t(why or N_("error.not_allowed")), show_alert=True)
            return END
        press = Press(update, context, query, button, context.user)
        result: object = refused
        try:
            result = await fn(press)
        except (WorkflowError, FieldError) as error:
            press.refuse(error)
        await press.answer()
        return result

    return CallbackQueryHandler(handle, pattern=kind.pattern(*leading))


def on_message(
    fn: Callable[[Update, BotContext, User], Awaitable[object]],
    *,
    access: Access = Access.ANYONE,
) -> Handler:
    """A command or message handler: ``access`` checked first, refusals told as a reply."""

    async def handle(update: Update, context: BotContext) -> object:
        message = update.effective_message
        assert message is not None
        why = refusal(context.user, access)
        if why is not None or context.user is None:
            await message.reply_text(context.t.t(why or N_("error.not_allowed")))
            return END
        try:
            return await fn(update, context, context.user)
        except (WorkflowError, FieldError) as error:
            await message.reply_text(message_of(error, context.t))
            return END

    return handle


# ----- the same, for handlers that take the update as it is --------------------------------------


async def say(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """A new message in the person's chat (after a button press too: the history stays)."""
    chat = update.effective_chat
    assert chat is not None
    await chat.send_message(fit(text), reply_markup=markup)


async def refuse(update: Update, context: BotContext, error: FieldError | WorkflowError) -> None:
    """Tell the person why nothing happened: on the button they pressed, or as a reply."""
    text = message_of(error, context.t)
    query = update.callback_query
    if query is None:
        await say(update, text)
    elif len(text) <= MAX_ANSWER:
        await query.answer(text, show_alert=True)
    else:  # too long for an alert: answer the press, say it in the chat
        await query.answer()
        await say(update, text)


async def done_with(query: CallbackQuery) -> None:
    """Take the buttons off a message once one was used, so it cannot be pressed again."""
    with contextlib.suppress(BadRequest):
        await query.edit_message_reply_markup(None)


async def buttons_used(update: Update) -> None:
    """For a step reached by a command or a button: the button's message loses its buttons
    (``on_press`` still answers the press)."""
    if update.callback_query is not None:
        await done_with(update.callback_query)


def user_id(update: Update) -> int:
    assert update.effective_user is not None
    return update.effective_user.id
