"""Joining: the privacy notice, a colleague's invitation link (``/start m_<code>``), inviting a
colleague, and the /start screens of newcomers and members."""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ConversationHandler
from telegram.ext import filters as f

from bot.runtime import BotContext
from bot.workflow import Role, WorkflowError
from handlers import common
from handlers.foundation import application, buttons, registration
from handlers.foundation.menu import member_home, newcomer_home
from handlers.foundation.privacy import THEN_APPLY, THEN_JOIN, THEN_REGISTER, show_notice
from handlers.foundation.respond import (
    chat_data,
    done_with,
    message_of,
    pressed,
    refuse,
    say,
    stale,
    user_id,
)
from handlers.menus import set_menu_for

Handler = BaseHandler[Update, BotContext, object]

MEMBER_INVITE = f.Regex(re.compile(r"^/start(?:@\w+)? m_[A-Za-z0-9_-]{1,62}$"))
# The code waits here, in memory only (chat_data is not persisted), while the person reads the
# notice: the database keeps invitation codes hashed and should not hold one in clear text.
_PENDING_INVITE = "foundation_invite"


async def invited(update: Update, context: BotContext) -> None:
    """``/start m_<code>``: join the colleague's foundation, after the privacy notice."""
    code = context.args[0] if context.args else ""
    if not await context.services.foundations.has_accepted_privacy(user_id(update)):
        chat_data(context)[_PENDING_INVITE] = code
        await show_notice(update, context, THEN_JOIN)
        return
    await _join(update, context, code)


async def _join(update: Update, context: BotContext, code: str) -> None:
    uid = user_id(update)
    try:
        foundation = await context.services.foundations.join(uid, code)
    except WorkflowError as error:
        # Said, not answered on a button: after the notice the press is answered already.
        await say(update, message_of(error, context))
        return
    t = context.t
    await set_menu_for(context.bot, uid, Role.MEMBER, t)
    names = {"th": foundation.name_th, "en": foundation.name_en}
    await say(update, t.t("foundation.join.done", foundation=names))
    await member_home(update, context)


async def accepted(update: Update, context: BotContext) -> object:
    """The notice was accepted: record it, then carry on with what the person was doing."""
    query = update.callback_query
    data = pressed(update, buttons.PRIVACY_ACCEPT)
    then = data.token(0) if data else None
    if query is None or then not in (THEN_REGISTER, THEN_APPLY, THEN_JOIN):
        await stale(update, context)
        return ConversationHandler.END
    await context.services.foundations.accept_privacy(user_id(update))
    if then == THEN_REGISTER:
        return await registration.begin(update, context)
    if then == THEN_APPLY:
        return await application.begin_new(update, context)
    await query.answer()
    await done_with(query)
    code = chat_data(context).pop(_PENDING_INVITE, None)
    if not isinstance(code, str):
        # The bot restarted since the link was opened: the code was never written down.
        await say(update, context.t.t("foundation.join.open_link_again"))
    else:
        await _join(update, context, code)
    return ConversationHandler.END


async def declined(update: Update, context: BotContext) -> object:
    query = update.callback_query
    assert query is not None
    await query.answer()
    await done_with(query)
    chat_data(context).pop(_PENDING_INVITE, None)
    await say(update, context.t.t("foundation.privacy.declined"))
    return ConversationHandler.END


async def invite(update: Update, context: BotContext) -> None:
    """A one-time link for a colleague of the same foundation."""
    try:
        code = await context.services.foundations.invite_link_code(user_id(update))
    except WorkflowError as error:
        await refuse(update, context, error)  # answers the press with the reason
        return
    if update.callback_query is not None:
        await update.callback_query.answer()
    link = f"https://t.me/{context.bot.username}?start={code}"
    await say(update, context.t.t("foundation.invite.link", link=link))


def entry_points() -> list[Handler]:
    """Accepting starts a wizard, so these belong to the foundation conversation."""
    return [
        CallbackQueryHandler(accepted, pattern=buttons.pattern(buttons.PRIVACY_ACCEPT.prefix)),
        CallbackQueryHandler(declined, pattern=buttons.pattern(buttons.PRIVACY_DECLINE.prefix)),
    ]


def handlers() -> list[Handler]:
    common.register_start_screen(Role.NONE, newcomer_home)
    common.register_start_screen(Role.MEMBER, member_home)
    return [
        CommandHandler("start", invited, filters=common.PRIVATE & MEMBER_INVITE),
        CommandHandler("invite", invite, filters=common.PRIVATE),
        CallbackQueryHandler(invite, pattern=buttons.pattern(buttons.INVITE.prefix)),
    ]
