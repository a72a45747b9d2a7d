"""Joining: the privacy notice, a colleague's invitation link (``/start m_<code>``), inviting a
colleague, and the /start screens of newcomers and members."""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import CommandHandler, ConversationHandler
from telegram.ext import filters as f

from bot.runtime import BotContext
from bot.workflow import Role, WorkflowError
from handlers import common
from handlers.feature import Feature
from handlers.foundation import application, registration
from handlers.foundation.buttons import AcceptPrivacy, DeclinePrivacy, Invite
from handlers.foundation.menu import member_home, newcomer_home
from handlers.foundation.privacy import THEN_APPLY, THEN_JOIN, THEN_REGISTER, show_notice
from handlers.foundation.states import FOUNDATION
from handlers.inflight import Step, drop, pop, save
from handlers.menus import set_menu_for
from handlers.respond import Press, message_of, on_message, on_press, say, user_id
from storage.models import User

MEMBER_INVITE = f.Regex(re.compile(r"^/start(?:@\w+)? m_[A-Za-z0-9_-]{1,62}$"))


class PendingInvite(Step):
    """The colleague's code, while the person reads the privacy notice. Kept only until they
    accept or decline (the link itself is in their chat anyway); a restart meanwhile keeps it."""

    key = "foundation_invite"
    code: str


async def invited(update: Update, context: BotContext, user: User) -> None:
    """``/start m_<code>``: join the colleague's foundation, after the privacy notice."""
    code = context.args[0] if context.args else ""
    if not await context.services.foundations.has_accepted_privacy(user_id(update)):
        save(context, PendingInvite(code=code))
        await show_notice(update, context, THEN_JOIN)
        return
    await _join(update, context, code)


async def _join(update: Update, context: BotContext, code: str) -> None:
    uid = user_id(update)
    try:
        foundation = await context.services.foundations.join(uid, code)
    except WorkflowError as error:
        # Said as a message: after the notice, the refusal is about the link, not the button.
        await say(update, message_of(error, context.t))
        return
    t = context.t
    await set_menu_for(context.bot, uid, Role.MEMBER, t)
    name = t.pick(th=foundation.name_th, en=foundation.name_en or foundation.name_th)
    await say(update, t.t("foundation.join.done", foundation=name))
    await member_home(update, context)


async def accepted(press: Press[AcceptPrivacy]) -> object:
    """The notice was accepted: record it, then carry on with what the person was doing."""
    then = press.button.then
    if then not in (THEN_REGISTER, THEN_APPLY, THEN_JOIN):
        press.stale()
        return ConversationHandler.END
    update, context = press.update, press.context
    await context.services.foundations.accept_privacy(press.user.id)
    if then == THEN_REGISTER:
        return await registration.begin(update, context)
    if then == THEN_APPLY:
        return await application.begin_new(update, context)
    await press.done()
    pending = pop(context, PendingInvite)
    if pending is None:
        # Accepted on an old notice, or one not shown for a link: the code is not known.
        await say(update, context.t.t("foundation.join.open_link_again"))
    else:
        await _join(update, context, pending.code)
    return ConversationHandler.END


async def declined(press: Press[DeclinePrivacy]) -> object:
    await press.done()
    drop(press.context, PendingInvite)
    await press.send(press.t.t("foundation.privacy.declined"))
    return ConversationHandler.END


async def invite(update: Update, context: BotContext, user: User) -> None:
    """/invite: a one-time link for a colleague of the same foundation."""
    code = await context.services.foundations.invite_link_code(user.id)
    link = f"https://t.me/{context.bot.username}?start={code}"
    await say(update, context.t.t("foundation.invite.link", link=link))


async def invite_pressed(press: Press[Invite]) -> None:
    code = await press.services.foundations.invite_link_code(press.user.id)
    link = f"https://t.me/{press.context.bot.username}?start={code}"
    await press.send(press.t.t("foundation.invite.link", link=link))


def feature() -> Feature:
    return Feature(
        name="foundation_joining",
        buttons=(AcceptPrivacy, DeclinePrivacy, Invite),
        handlers=[
            CommandHandler("start", on_message(invited), filters=common.PRIVATE & MEMBER_INVITE),
            CommandHandler("invite", on_message(invite), filters=common.PRIVATE),
            on_press(Invite, invite_pressed),
        ],
        # Accepting starts a wizard, so these belong to the foundation conversation.
        conversation=FOUNDATION,
        entry_points=[on_press(AcceptPrivacy, accepted), on_press(DeclinePrivacy, declined)],
        start_screens={Role.NONE: newcomer_home, Role.MEMBER: member_home},
    )
