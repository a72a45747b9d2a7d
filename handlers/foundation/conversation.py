"""The one conversation of the foundation side, put together from its wizards.

One ConversationHandler rather than one per wizard: a person is in at most one wizard at a
time, so a file sent while correcting can never be taken by an application left open, and
starting one wizard (an entry point, with re-entry allowed) simply leaves the other.
Where someone is inside a wizard is in their draft in the database; the persisted state only
says which wizard their next message belongs to.
"""

from __future__ import annotations

import warnings

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, ConversationHandler
from telegram.warnings import PTBUserWarning

from bot.runtime import BotContext
from bot.workflow import WorkflowError
from handlers import common
from handlers.foundation import application, correction, joining, pickup, registration, tracking
from handlers.foundation.respond import refuse, say, user_id

Handler = BaseHandler[Update, BotContext, object]
NAME = "foundation"


async def resume(update: Update, context: BotContext) -> object:
    """/continue: the unfinished application, else the correction, else the registration."""
    try:
        state = await application.resume(update, context)
    except WorkflowError:
        state = None  # not a member: perhaps registering
    if state is None:
        state = await correction.resume(update, context)
    if state is None and await context.services.foundations.registration_started(user_id(update)):
        return await registration.begin(update, context)
    if state is None:
        await say(update, context.t.t("foundation.continue.nothing"))
        return ConversationHandler.END
    return state


async def cancel(update: Update, context: BotContext) -> object:
    """Leave the wizard; the draft stays, and /continue picks it up again."""
    await say(update, context.t.t("foundation.cancelled"))
    return ConversationHandler.END


async def refuse_and_end(update: Update, context: BotContext, error: WorkflowError) -> object:
    await refuse(update, context, error)
    return ConversationHandler.END


def handlers() -> list[Handler]:
    states: dict[object, list[Handler]] = {
        **registration.conversation_states(),
        **application.conversation_states(),
        **correction.conversation_states(),
        **tracking.conversation_states(),
        **pickup.conversation_states(),
    }
    with warnings.catch_warnings():
        # Text and button handlers share each state with per_message=False, on purpose: PTB
        # warns that button presses are then tracked per chat, which is what we want.
        warnings.filterwarnings("ignore", category=PTBUserWarning)
        conversation: ConversationHandler[BotContext] = ConversationHandler(
            entry_points=[
                *joining.entry_points(),
                *registration.entry_points(),
                *application.entry_points(),
                *correction.entry_points(),
                *tracking.entry_points(),
                *pickup.entry_points(),
                CommandHandler("continue", resume, filters=common.PRIVATE),
            ],
            states=states,
            fallbacks=[CommandHandler("cancel", cancel, filters=common.PRIVATE)],
            name=NAME,
            persistent=True,
            allow_reentry=True,
        )
    return [conversation]
