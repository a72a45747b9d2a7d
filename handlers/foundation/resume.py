"""/continue: back into whichever foundation wizard the person left unfinished."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, ConversationHandler

from bot.runtime import BotContext
from bot.workflow import WorkflowError
from handlers import common
from handlers.feature import Feature
from handlers.foundation import application, correction, registration
from handlers.foundation.states import FOUNDATION
from handlers.respond import on_message, say
from storage.models import User


async def resume(update: Update, context: BotContext, user: User) -> object:
    """/continue: the unfinished application, else the correction, else the registration."""
    try:
        state = await application.resume(update, context)
    except WorkflowError:
        state = None  # not a member: perhaps registering
    if state is None:
        state = await correction.resume(update, context)
    if state is None and await context.services.foundations.registration_started(user.id):
        return await registration.begin(update, context)
    if state is None:
        await say(update, context.t.t("foundation.continue.nothing"))
        return ConversationHandler.END
    return state


def feature() -> Feature:
    return Feature(
        name="foundation_resume",
        conversation=FOUNDATION,
        entry_points=[CommandHandler("continue", on_message(resume), filters=common.PRIVATE)],
    )
