"""The one error handler: log the whole trace, tell the person in their language."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot.runtime import BotContext

logger = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    logger.error("unhandled error while handling an update", exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    services = context.services
    person = update.effective_user
    user = await services.users.get(person.id) if person else None
    t = services.catalogs.for_language(
        services.users.language_of(user, person.language_code if person else None)
    )
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(t.t("common.something_went_wrong"), show_alert=True)
        else:
            await context.bot.send_message(
                update.effective_chat.id, t.t("common.something_went_wrong")
            )
    except TelegramError:
        logger.warning("could not tell the person about the error", exc_info=True)
