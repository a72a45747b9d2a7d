"""/officers for admins: list officers, move one to another province, deactivate or
reactivate, and create one-time invite links for officers (a province or all) and admins."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot import provinces
from bot.i18n import Translator
from bot.i18n_marker import N_
from bot.kernel.errors import InvalidInput
from bot.runtime import BotContext
from bot.services.invites import INVITE_TTL
from bot.services.officers import PAGE_SIZE, OfficerPage
from bot.workflow import Role
from handlers import common
from handlers.menus import set_menu_for
from handlers.officer import codes
from handlers.officer.access import Handler, Press, on_message, on_press
from handlers.officer.render import button, pager, province_label, rows_of
from storage.models import User

logger = logging.getLogger(__name__)

PROVINCES_PER_PAGE = 16
PROVINCE_PAGES = -(-len(provinces.PROVINCES) // PROVINCES_PER_PAGE)


def _state(t: Translator, user: User) -> str:
    return t.t(N_("officer.admin.active") if user.active else N_("officer.admin.inactive"))


def _list(t: Translator, page: OfficerPage) -> tuple[str, InlineKeyboardMarkup]:
    lines = [t.t("officer.admin.list_title", page=page.page + 1, pages=page.pages)]
    first = page.page * PAGE_SIZE + 1
    for n, officer in enumerate(page.officers, first):
        lines.append(
            t.t(
                "officer.admin.row",
                number=n,
                name=officer.display_name or str(officer.id),
                user_id=officer.id,
                province=province_label(officer.province, t),
                state=_state(t, officer),
            )
        )
    if not page.officers:
        lines.append(t.t("officer.admin.none"))
    people = [
        button(f"{n}. {o.display_name or o.id}", codes.OFFICER, o.id)
        for n, o in enumerate(page.officers, first)
    ]
    rows = rows_of(people, 2)
    nav = pager(t, page.page, page.pages, codes.OFFICERS)
    if nav:
        rows.append(nav)
    rows.append([button(t.t("officer.button.invite_officer"), codes.PICK, "inv", 0, 0)])
    rows.append([button(t.t("officer.button.invite_admin"), codes.ADMIN_INVITE, 0)])
    rows.append([button(t.t("officer.button.dashboard"), codes.DASHBOARD)])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def _detail(
    t: Translator, officer: User, notice: str | None = None
) -> tuple[str, InlineKeyboardMarkup]:
    text = t.t(
        "officer.admin.detail",
        name=officer.display_name or str(officer.id),
        user_id=officer.id,
        province=province_label(officer.province, t),
        state=_state(t, officer),
        since=officer.created_at,
    )
    toggle = (
        button(t.t("officer.button.deactivate"), codes.ACTIVE_ASK, officer.id, 0)
        if officer.active
        else button(t.t("officer.button.reactivate"), codes.ACTIVE_ASK, officer.id, 1)
    )
    markup = InlineKeyboardMarkup(
        [
            [button(t.t("officer.button.move"), codes.PICK, "mv", officer.id, 0)],
            [toggle],
            [button(t.t("officer.button.back_to_officers"), codes.OFFICERS, 0)],
        ]
    )
    return (notice + "\n\n" + text if notice else text), markup


async def officers_command(update: Update, context: BotContext, user: User) -> None:
    assert update.effective_message is not None
    page = await context.services.officers.officers(user.id, 0)
    text, markup = _list(context.t, page)
    await update.effective_message.reply_text(text, reply_markup=markup)


async def officers_press(press: Press) -> None:
    page = await press.services.officers.officers(press.user.id, press.data.number(0))
    await press.edit(*_list(press.t, page))


async def officer_press(press: Press) -> None:
    officer = await press.services.officers.officer(press.user.id, press.data.number(0))
    await press.edit(*_detail(press.t, officer))


def _province(token: str) -> str | None:
    if token == codes.ALL_PROVINCES:
        return None
    if provinces.get(token) is None:
        raise InvalidInput(N_("common.stale_button"))
    return token


async def pick_press(press: Press) -> None:
    t = press.t
    purpose, target, page = press.data.token(0), press.data.number(1), press.data.number(2)
    if purpose == "mv":
        officer = await press.services.officers.officer(press.user.id, target)
        title = t.t("officer.admin.pick_move", name=officer.display_name or str(officer.id))
        back = button(t.t("officer.button.cancel"), codes.OFFICER, target)
    elif purpose == "inv":
        await press.services.officers.admin(press.user.id)
        title = t.t("officer.admin.pick_invite")
        back = button(t.t("officer.button.cancel"), codes.OFFICERS, 0)
    else:
        raise InvalidInput(N_("common.stale_button"))
    page = min(max(page, 0), PROVINCE_PAGES - 1)
    shown = provinces.PROVINCES[page * PROVINCES_PER_PAGE : (page + 1) * PROVINCES_PER_PAGE]
    rows = [[button(t.t("officer.scope.all"), codes.PICKED, purpose, target, codes.ALL_PROVINCES)]]
    rows += rows_of(
        [button(p.name(t.lang), codes.PICKED, purpose, target, p.code) for p in shown], 2
    )
    nav = pager(t, page, PROVINCE_PAGES, codes.PICK, purpose, target)
    if nav:
        rows.append(nav)
    rows.append([back])
    await press.edit(title, InlineKeyboardMarkup(rows))


async def picked_press(press: Press) -> None:
    t, services = press.t, press.services
    purpose, target = press.data.token(0), press.data.number(1)
    province = _province(press.data.token(2))
    if purpose == "inv":
        code = await services.invites.create(press.user.id, "officer", province=province)
        text = t.t(
            "officer.admin.invite_link",
            province=province_label(province, t),
            link=f"https://t.me/{press.context.bot.username}?start={code}",
            days=INVITE_TTL.days,
        )
        await press.edit(text, _back_to_officers(t))
        return
    if purpose != "mv":
        raise InvalidInput(N_("common.stale_button"))
    officer = await services.officers.officer(press.user.id, target)
    text = t.t(
        "officer.admin.confirm_move",
        name=officer.display_name or str(officer.id),
        old=province_label(officer.province, t),
        new=province_label(province, t),
    )
    markup = InlineKeyboardMarkup(
        [
            [button(t.t("officer.button.confirm"), codes.MOVE, target, press.data.token(2))],
            [button(t.t("officer.button.cancel"), codes.OFFICER, target)],
        ]
    )
    await press.edit(text, markup)


def _back_to_officers(t: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[button(t.t("officer.button.back_to_officers"), codes.OFFICERS, 0)]]
    )


async def move_press(press: Press) -> None:
    province = _province(press.data.token(1))
    moved = await press.services.officers.move(press.user.id, press.data.number(0), province)
    notice = press.t.t("officer.admin.saved")
    press.say(notice)
    await press.edit(*_detail(press.t, moved, notice))


async def active_ask_press(press: Press) -> None:
    t = press.t
    target, activate = press.data.number(0), press.data.number(1) == 1
    officer = await press.services.officers.officer(press.user.id, target)
    msg_id = (
        N_("officer.admin.confirm_reactivate")
        if activate
        else N_("officer.admin.confirm_deactivate")
    )
    markup = InlineKeyboardMarkup(
        [
            [button(t.t("officer.button.confirm"), codes.ACTIVE_SET, target, int(activate))],
            [button(t.t("officer.button.cancel"), codes.OFFICER, target)],
        ]
    )
    await press.edit(t.t(msg_id, name=officer.display_name or str(officer.id)), markup)


async def active_set_press(press: Press) -> None:
    services = press.services
    activate = press.data.number(1) == 1
    officer = await services.officers.set_active(press.user.id, press.data.number(0), activate)
    # Their command menu follows: none of the officer commands once deactivated.
    their_t = services.catalogs.for_language(services.users.language_of(officer))
    try:
        await set_menu_for(
            press.context.bot, officer.id, Role.OFFICER if activate else Role.NONE, their_t
        )
    except TelegramError:
        logger.warning("could not update the command menu of %s", officer.id, exc_info=True)
    notice = press.t.t("officer.admin.saved")
    press.say(notice)
    await press.edit(*_detail(press.t, officer, notice))


async def admin_invite_press(press: Press) -> None:
    t = press.t
    if press.data.number(0) != 1:
        await press.services.officers.admin(press.user.id)
        markup = InlineKeyboardMarkup(
            [
                [button(t.t("officer.button.create_link"), codes.ADMIN_INVITE, 1)],
                [button(t.t("officer.button.cancel"), codes.OFFICERS, 0)],
            ]
        )
        await press.edit(t.t("officer.admin.confirm_admin_invite"), markup)
        return
    code = await press.services.invites.create(press.user.id, "admin")
    text = t.t(
        "officer.admin.admin_invite_link",
        link=f"https://t.me/{press.context.bot.username}?start={code}",
        days=INVITE_TTL.days,
    )
    await press.edit(text, _back_to_officers(t))


def handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    def admin(fn: Callable[[Press], Awaitable[object]]) -> Handler:
        return on_press(fn, admin=True)

    return [
        CommandHandler(
            "officers", on_message(officers_command, admin=True), filters=common.PRIVATE
        ),
        CallbackQueryHandler(admin(officers_press), pattern=codes.pattern(codes.OFFICERS)),
        CallbackQueryHandler(admin(officer_press), pattern=codes.pattern(codes.OFFICER)),
        CallbackQueryHandler(admin(pick_press), pattern=codes.pattern(codes.PICK)),
        CallbackQueryHandler(admin(picked_press), pattern=codes.pattern(codes.PICKED)),
        CallbackQueryHandler(admin(move_press), pattern=codes.pattern(codes.MOVE)),
        CallbackQueryHandler(admin(active_ask_press), pattern=codes.pattern(codes.ACTIVE_ASK)),
        CallbackQueryHandler(admin(active_set_press), pattern=codes.pattern(codes.ACTIVE_SET)),
        CallbackQueryHandler(admin(admin_invite_press), pattern=codes.pattern(codes.ADMIN_INVITE)),
    ]
