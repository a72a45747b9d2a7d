"""/officers for admins: list officers, move one to another province, deactivate or
reactivate, and create one-time invite links for officers (a province or all) and admins."""

from __future__ import annotations

import logging
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CommandHandler

from bot import provinces
from bot.i18n import Translator
from bot.i18n_marker import N_
from bot.kernel.errors import InvalidInput
from bot.runtime import BotContext
from bot.services.invites import INVITE_TTL
from bot.services.officers import PAGE_SIZE, OfficerPage
from bot.workflow import Role
from handlers import common
from handlers.feature import Feature
from handlers.menus import set_menu_for
from handlers.officer.buttons import (
    ALL_PROVINCES,
    INVITE,
    MOVE,
    AdminInvite,
    AskActive,
    MoveOfficer,
    OfficerDetail,
    Officers,
    PickProvince,
    ProvincePicked,
    SetActive,
    ShowDashboard,
)
from handlers.officer.render import button, pager, province_label, rows_of
from handlers.respond import Access, Press, on_message, on_press
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
        button(f"{n}. {o.display_name or o.id}", OfficerDetail(officer=o.id))
        for n, o in enumerate(page.officers, first)
    ]
    rows = rows_of(people, 2)
    nav = pager(t, page.page, page.pages, lambda n: Officers(page=n))
    if nav:
        rows.append(nav)
    invite = PickProvince(purpose=INVITE, officer=0, page=0)
    rows.append([button(t.t("officer.button.invite_officer"), invite)])
    rows.append([button(t.t("officer.button.invite_admin"), AdminInvite(create=0))])
    rows.append([button(t.t("officer.button.dashboard"), ShowDashboard())])
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
        button(t.t("officer.button.deactivate"), AskActive(officer=officer.id, activate=0))
        if officer.active
        else button(t.t("officer.button.reactivate"), AskActive(officer=officer.id, activate=1))
    )
    move = PickProvince(purpose=MOVE, officer=officer.id, page=0)
    markup = InlineKeyboardMarkup(
        [
            [button(t.t("officer.button.move"), move)],
            [toggle],
            [button(t.t("officer.button.back_to_officers"), Officers(page=0))],
        ]
    )
    return (notice + "\n\n" + text if notice else text), markup


async def officers_command(update: Update, context: BotContext, user: User) -> None:
    assert update.effective_message is not None
    page = await context.services.officers.officers(user.id, 0)
    text, markup = _list(context.t, page)
    await update.effective_message.reply_text(text, reply_markup=markup)


async def officers_press(press: Press[Officers]) -> None:
    page = await press.services.officers.officers(press.user.id, press.button.page)
    await press.edit(*_list(press.t, page))


async def officer_press(press: Press[OfficerDetail]) -> None:
    officer = await press.services.officers.officer(press.user.id, press.button.officer)
    await press.edit(*_detail(press.t, officer))


def _province(token: str) -> str | None:
    if token == ALL_PROVINCES:
        return None
    if provinces.get(token) is None:
        raise InvalidInput(N_("common.stale_button"))
    return token


async def pick_press(press: Press[PickProvince]) -> None:
    t = press.t
    purpose, target, page = press.button.purpose, press.button.officer, press.button.page
    if purpose == MOVE:
        officer = await press.services.officers.officer(press.user.id, target)
        title = t.t("officer.admin.pick_move", name=officer.display_name or str(officer.id))
        back = button(t.t("officer.button.cancel"), OfficerDetail(officer=target))
    elif purpose == INVITE:
        await press.services.officers.admin(press.user.id)
        title = t.t("officer.admin.pick_invite")
        back = button(t.t("officer.button.cancel"), Officers(page=0))
    else:
        raise InvalidInput(N_("common.stale_button"))
    page = min(max(page, 0), PROVINCE_PAGES - 1)
    shown = provinces.PROVINCES[page * PROVINCES_PER_PAGE : (page + 1) * PROVINCES_PER_PAGE]

    def picked(province: str) -> ProvincePicked:
        return ProvincePicked(purpose=purpose, officer=target, province=province)

    rows = [[button(t.t("officer.scope.all"), picked(ALL_PROVINCES))]]
    rows += rows_of([button(t.pick(th=p.name_th, en=p.name_en), picked(p.code)) for p in shown], 2)
    nav = pager(
        t, page, PROVINCE_PAGES, lambda n: PickProvince(purpose=purpose, officer=target, page=n)
    )
    if nav:
        rows.append(nav)
    rows.append([back])
    await press.edit(title, InlineKeyboardMarkup(rows))


async def picked_press(press: Press[ProvincePicked]) -> None:
    t, services = press.t, press.services
    purpose, target = press.button.purpose, press.button.officer
    province = _province(press.button.province)
    if purpose == INVITE:
        code = await services.invites.create(press.user.id, "officer", province=province)
        text = t.t(
            "officer.admin.invite_link",
            province=province_label(province, t),
            link=f"https://t.me/{press.context.bot.username}?start={code}",
            days=INVITE_TTL.days,
        )
        await press.edit(text, _back_to_officers(t))
        return
    if purpose != MOVE:
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
            [
                button(
                    t.t("officer.button.confirm"),
                    MoveOfficer(officer=target, province=press.button.province),
                )
            ],
            [button(t.t("officer.button.cancel"), OfficerDetail(officer=target))],
        ]
    )
    await press.edit(text, markup)


def _back_to_officers(t: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[button(t.t("officer.button.back_to_officers"), Officers(page=0))]]
    )


async def move_press(press: Press[MoveOfficer]) -> None:
    province = _province(press.button.province)
    moved = await press.services.officers.move(press.user.id, press.button.officer, province)
    notice = press.t.t("officer.admin.saved")
    press.say(notice)
    await press.edit(*_detail(press.t, moved, notice))


async def active_ask_press(press: Press[AskActive]) -> None:
    t = press.t
    target, activate = press.button.officer, press.button.activate == 1
    officer = await press.services.officers.officer(press.user.id, target)
    msg_id = (
        N_("officer.admin.confirm_reactivate")
        if activate
        else N_("officer.admin.confirm_deactivate")
    )
    markup = InlineKeyboardMarkup(
        [
            [
                button(
                    t.t("officer.button.confirm"),
                    SetActive(officer=target, activate=int(activate)),
                )
            ],
            [button(t.t("officer.button.cancel"), OfficerDetail(officer=target))],
        ]
    )
    await press.edit(t.t(msg_id, name=officer.display_name or str(officer.id)), markup)


async def active_set_press(press: Press[SetActive]) -> None:
    services = press.services
    activate = press.button.activate == 1
    officer = await services.officers.set_active(press.user.id, press.button.officer, activate)
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


async def admin_invite_press(press: Press[AdminInvite]) -> None:
    t = press.t
    if press.button.create != 1:
        await press.services.officers.admin(press.user.id)
        markup = InlineKeyboardMarkup(
            [
                [button(t.t("officer.button.create_link"), AdminInvite(create=1))],
                [button(t.t("officer.button.cancel"), Officers(page=0))],
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


def feature() -> Feature:
    return Feature(
        name="officer_admin",
        buttons=(
            Officers,
            OfficerDetail,
            PickProvince,
            ProvincePicked,
            MoveOfficer,
            AskActive,
            SetActive,
            AdminInvite,
        ),
        handlers=handlers(),
    )


def handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    admin = Access.ADMIN
    return [
        CommandHandler(
            "officers", on_message(officers_command, access=admin), filters=common.PRIVATE
        ),
        on_press(Officers, officers_press, access=admin),
        on_press(OfficerDetail, officer_press, access=admin),
        on_press(PickProvince, pick_press, access=admin),
        on_press(ProvincePicked, picked_press, access=admin),
        on_press(MoveOfficer, move_press, access=admin),
        on_press(AskActive, active_ask_press, access=admin),
        on_press(SetActive, active_set_press, access=admin),
        on_press(AdminInvite, admin_invite_press, access=admin),
    ]
