"""The foundation side's one conversation and its states. Where exactly someone is inside a
wizard is kept in their draft in the database; the state only says which wizard their messages
belong to.

One ConversationHandler rather than one per wizard: a person is in at most one wizard at a
time, so a file sent while correcting can never be taken by an application left open, and
starting one wizard (an entry point, with re-entry allowed) simply leaves the other. The
features that join it are listed in ``bot.app``.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, ConversationHandler

from bot.runtime import BotContext
from handlers import common
from handlers.feature import Conversation, Handler
from handlers.respond import on_message, say
from storage.models import User

REGISTERING = "registering"
APPLYING = "applying"
CORRECTING = "correcting"
WITHDRAWING = "withdrawing"


async def cancel(update: Update, context: BotContext, user: User) -> object:
    """Leave the wizard; the draft stays, and /continue picks it up again."""
    await say(update, context.t.t("foundation.cancelled"))
    return ConversationHandler.END


def _fallbacks() -> list[Handler]:
    return [CommandHandler("cancel", on_message(cancel), filters=common.PRIVATE)]


FOUNDATION = Conversation(name="foundation", fallbacks=_fallbacks)
