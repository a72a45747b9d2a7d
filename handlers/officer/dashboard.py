"""/dashboard, the three bucket lists (oldest submission first, paged), /find, and what
/start shows officers and admins."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CommandHandler

from bot.i18n_marker import N_
from bot.kernel.errors import InvalidInput
from bot.runtime import BotContext
from bot.workflow import Bucket, Role
from handlers import common
from handlers.feature import Feature
from handlers.menus import set_menu_for
from handlers.officer.buttons import Queue, ShowDashboard
from handlers.officer.render import (
    button,
    case_buttons,
    dashboard_markup,
    dashboard_text,
    queue_markup,
    queue_text,
    search_text,
)
from handlers.respond import Access, Press, on_message, on_press
from storage.models import User

_WELCOME = {Role.OFFICER: N_("start.welcome_officer"), Role.ADMIN: N_("start.welcome_admin")}


async def _board(context: BotContext, user: User) -> tuple[str, InlineKeyboardMarkup]:
    board = await context.services.officers.dashboard(user.id)
    return dashboard_text(context.t, board), dashboard_markup(context.t, board, user)


async def dashboard_command(update: Update, context: BotContext, user: User) -> None:
    assert update.effective_message is not None
    text, markup = await _board(context, user)
    await update.effective_message.reply_text(text, reply_markup=markup)


async def dashboard_press(press: Press[ShowDashboard]) -> None:
    text, markup = await _board(press.context, press.user)
    await press.edit(text, markup)


async def queue_press(press: Press[Queue]) -> None:
    try:
        bucket = Bucket(press.button.bucket)
    except ValueError:
        raise InvalidInput(N_("common.stale_button")) from None
    page = await press.services.officers.queue(press.user.id, bucket, press.button.page)
    await press.edit(queue_text(press.t, page), queue_markup(press.t, page))


async def find_command(update: Update, context: BotContext, user: User) -> None:
    message = update.effective_message
    assert message is not None
    term = " ".join(context.args or [])
    if not term.strip():
        await message.reply_text(context.t.t("officer.find.usage"))
        return
    result = await context.services.officers.search(user.id, term)
    rows = case_buttons(result.items, 1)
    rows.append([button(context.t.t("officer.button.dashboard"), ShowDashboard())])
    await message.reply_text(
        search_text(context.t, result), reply_markup=InlineKeyboardMarkup(rows)
    )


async def _start_screen(update: Update, context: BotContext, user: User) -> None:
    """/start for officers and admins: greeting and dashboard in one message."""
    assert update.effective_message is not None
    t = context.t
    # Configured admins never redeemed an invite: their command menu is set here.
    await set_menu_for(context.bot, user.id, user.role, t)
    name = update.effective_user.first_name if update.effective_user else ""
    text, markup = await _board(context, user)
    await update.effective_message.reply_text(
        t.t(_WELCOME[user.role], name=name) + "\n\n" + text, reply_markup=markup
    )


_guarded_start = on_message(_start_screen, access=Access.STAFF)


async def start_screen(update: Update, context: BotContext) -> None:
    await _guarded_start(update, context)


def feature() -> Feature:
    staff = Access.STAFF
    return Feature(
        name="officer_dashboard",
        buttons=(ShowDashboard, Queue),
        handlers=handlers(staff),
        start_screens={Role.OFFICER: start_screen, Role.ADMIN: start_screen},
    )


def handlers(staff: Access) -> list[BaseHandler[Update, BotContext, Any]]:
    return [
        CommandHandler(
            "dashboard", on_message(dashboard_command, access=staff), filters=common.PRIVATE
        ),
        CommandHandler("find", on_message(find_command, access=staff), filters=common.PRIVATE),
        on_press(ShowDashboard, dashboard_press, access=staff),
        on_press(Queue, queue_press, access=staff),
    ]
