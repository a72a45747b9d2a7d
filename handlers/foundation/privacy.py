"""Showing the privacy notice, with the buttons to accept or decline it."""

from __future__ import annotations

from telegram import Update

from bot.runtime import BotContext
from handlers.foundation.buttons import AcceptPrivacy, DeclinePrivacy
from handlers.foundation.render import button, keyboard
from handlers.respond import say

# What accepting leads to: registering, a new application, or joining by invitation.
THEN_REGISTER, THEN_APPLY, THEN_JOIN = "reg", "app", "join"


async def show_notice(update: Update, context: BotContext, then: str) -> None:
    t = context.t
    notice = context.services.foundations.notice
    text = (
        t.pick(th=notice.text_th, en=notice.text_en).strip()
        + "\n\n"
        + t.t("foundation.privacy.ask")
    )
    await say(
        update,
        text,
        keyboard(
            [
                [button(t.t("foundation.privacy.accept"), AcceptPrivacy(then=then))],
                [button(t.t("foundation.privacy.decline"), DeclinePrivacy())],
            ]
        ),
    )
