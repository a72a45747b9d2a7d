"""Joining as staff: an admin makes a one-time link from the province buttons, a new officer
opens it, lands on their dashboard with the officer commands; links work once."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.testing.fake_telegram import FakeTelegram, FakeUser
from bot.testing.harness import BotUnderTest
from bot.workflow import Role
from storage import users as users_repo
from tests.conftest import seed_world
from tests.officer_support import command, last, press, tr

LINK = re.compile(r"https://t\.me/cert_test_bot\?start=([oa]_[A-Za-z0-9_-]+)")


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


def link_in(user: FakeUser) -> str:
    match = LINK.search(last(user).text or "")
    assert match, last(user).text
    return match.group(1)


def menu_of(fake: FakeTelegram, user_id: int) -> list[str]:
    menus = [
        c.params["commands"]
        for c in fake.calls("setMyCommands")
        if (c.params.get("scope") or {}).get("chat_id") == user_id
    ]
    return [c["command"] for c in menus[-1]] if menus else []


async def test_an_admin_invites_an_officer_who_joins_with_the_link(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    async with BotUnderTest.start(fake, tmp_path) as bot:
        world = await seed_world(bot.services.db, bot.services.clock())
        t = tr(bot)
        admin = fake.user(world.admin, "Admin", language_code="th")
        await command(bot, admin, "officers")
        await press(bot, admin, t.t("officer.button.invite_officer"))
        picker = last(admin)
        assert picker.button_texts[0] == t.t("officer.scope.all")
        assert "กรุงเทพมหานคร" in picker.button_texts and "เชียงใหม่" not in picker.button_texts
        await press(bot, admin, t.t("officer.button.next"))
        await press(bot, admin, t.t("officer.button.next"))
        await press(bot, admin, "เชียงใหม่")
        code = link_in(admin)
        assert code.startswith("o_") and "เชียงใหม่" in (last(admin).text or "")

        newcomer = fake.user(5001, "Pim", language_code="th")
        await command(bot, newcomer, "start", code)
        texts = [m.text or "" for m in fake.messages(5001)]
        assert texts[0] == t.t("officer.join.officer", province="เชียงใหม่")
        assert t.t("officer.dashboard.title", scope="เชียงใหม่") in texts[1]
        joined = await users_repo.get(bot.services.db.conn, 5001)
        assert joined is not None and (joined.role, joined.province) == (Role.OFFICER, "50")
        assert menu_of(fake, 5001) == [
            "start",
            "help",
            "language",
            "cancel",
            "dashboard",
            "find",
            "digest",
        ]

        # The link worked once.
        late = fake.user(5002, "Late", language_code="th")
        await command(bot, late, "start", code)
        assert last(late).text == t.t("error.invite_used")
        assert (await users_repo.get(bot.services.db.conn, 5002)).role is Role.NONE  # type: ignore[union-attr]

        # A foundation member cannot become an officer with such a link.
        await press(bot, admin, t.t("officer.button.back_to_officers"))
        await press(bot, admin, t.t("officer.button.invite_officer"))
        await press(bot, admin, t.t("officer.scope.all"))
        assert t.t("officer.scope.all") in (last(admin).text or "")
        member = fake.user(world.member, "Member", language_code="th")
        await command(bot, member, "start", link_in(admin))
        assert last(member).text == t.t("error.invite_role_conflict")


async def test_an_admin_invites_another_admin(fake: FakeTelegram, tmp_path: Path) -> None:
    async with BotUnderTest.start(fake, tmp_path, admin_ids=frozenset({42})) as bot:
        t = tr(bot, "en")
        admin = fake.user(42, "Root", language_code="en")
        await command(bot, admin, "start")
        assert "officers" in menu_of(fake, 42)  # configured admins get their menu on /start
        await press(bot, admin, t.t("officer.button.officers"))
        assert last(admin).text == "\n".join(
            [t.t("officer.admin.list_title", page=1, pages=1), t.t("officer.admin.none")]
        )
        await press(bot, admin, t.t("officer.button.invite_admin"))
        assert last(admin).text == t.t("officer.admin.confirm_admin_invite")
        await press(bot, admin, t.t("officer.button.create_link"))
        code = link_in(admin)
        assert code.startswith("a_")

        deputy = fake.user(43, "Deputy", language_code="en")
        await command(bot, deputy, "start", code)
        assert fake.messages(43)[0].text == t.t("officer.join.admin")
        await command(bot, deputy, "officers")
        assert (last(deputy).text or "").startswith(
            t.t("officer.admin.list_title", page=1, pages=1)
        )
        # An officer is not an admin: /officers is refused.
        stranger = fake.user(44, "Nobody", language_code="en")
        await command(bot, stranger, "officers")
        assert last(stranger).text == t.t("error.not_allowed")
