"""Joining as staff: ``/start o_<code>`` (officer) or ``/start a_<code>`` (admin) redeems a
one-time invite, sets the person's command menu, and shows them their dashboard."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, filters

from bot.runtime import BotContext
from bot.services.invites import InviteError
from bot.workflow import Role
from handlers import common
from handlers.feature import Feature
from handlers.menus import set_menu_for
from handlers.officer.dashboard import start_screen
from handlers.officer.render import province_label

STAFF_INVITE = filters.Regex(r"^/start\s+[oa]_")


async def join(update: Update, context: BotContext) -> None:
    message, person = update.effective_message, update.effective_user
    assert message is not None and person is not None
    services, t = context.services, context.t
    code = (context.args or [""])[0]
    try:
        invite = await services.invites.redeem(person.id, code)
    except InviteError as error:
        await message.reply_text(t.t(error.msg_id, **error.params))
        return
    # The rest of this update sees the new role, as every later update will.
    context.user = await services.users.get(person.id)
    assert context.user is not None
    await set_menu_for(context.bot, person.id, context.user.role, t)
    if context.user.role is Role.ADMIN:
        await message.reply_text(t.t("officer.join.admin"))
    else:
        await message.reply_text(
            t.t("officer.join.officer", province=province_label(invite.province, t))
        )
    await start_screen(update, context)


def feature() -> Feature:
    return Feature(
        name="officer_join",
        handlers=[CommandHandler("start", join, filters=common.PRIVATE & STAFF_INVITE)],
    )
