"""What /start shows people on the foundation side: newcomers and members."""

from __future__ import annotations

from telegram import Update

from bot.i18n_marker import N_
from bot.runtime import BotContext
from bot.services.foundations import NotAMember
from handlers.foundation.buttons import (
    Cases,
    ContinueApplication,
    Invite,
    NewApplication,
    Register,
)
from handlers.foundation.render import button, keyboard
from handlers.respond import refuse, say, user_id


async def newcomer_home(update: Update, context: BotContext) -> None:
    """Someone the bot does not know yet: register a foundation, or open a colleague's link."""
    t = context.t
    uid = user_id(update)
    started = await context.services.foundations.registration_started(uid)
    label = (
        N_("foundation.button.continue_registration")
        if started
        else N_("foundation.button.register")
    )
    name = update.effective_user.first_name if update.effective_user else ""
    await say(
        update,
        t.t("start.welcome_new", name=name) + "\n\n" + t.t("foundation.start.new"),
        keyboard([[button(t.t(label), Register())]]),
    )


async def member_home(update: Update, context: BotContext) -> None:
    """A member's main menu: the unfinished application first, if there is one."""
    t = context.t
    uid = user_id(update)
    services = context.services
    try:
        _, foundation = await services.foundations.member(uid)
    except NotAMember as error:
        await refuse(update, context, error)
        return
    draft = await services.applications.current(uid)
    apply = (
        button(t.t("foundation.button.continue_application"), ContinueApplication())
        if draft is not None
        else button(t.t("foundation.button.new_application"), NewApplication())
    )
    name = update.effective_user.first_name if update.effective_user else ""
    text = (
        t.t("start.welcome_member", name=name)
        + "\n\n"
        + t.t(
            "foundation.start.member",
            foundation=t.pick(th=foundation.name_th, en=foundation.name_en or foundation.name_th),
        )
    )
    await say(
        update,
        text,
        keyboard(
            [
                [apply],
                [button(t.t("foundation.button.cases"), Cases(page=0))],
                [button(t.t("foundation.button.invite"), Invite())],
            ]
        ),
    )
