"""Joining as a foundation: the privacy notice first, registration with mistakes on the way,
and a colleague who joins by invitation and sees the same applications."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.testing.fake_telegram import FakeTelegram
from bot.testing.harness import BotUnderTest
from bot.workflow import Role
from storage import foundations as foundations_repo
from storage import privacy as privacy_repo
from storage import users as users_repo
from tests.foundation_steps import (
    choose_province,
    command,
    invite_code,
    last,
    press,
    say,
    submitted_case,
    tr,
)

FOUNDER = 5001
COLLEAGUE = 5002


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


async def test_a_newcomer_registers_a_foundation_after_some_mistakes(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    user = fake.user(FOUNDER, "Somchai", language_code="th")
    async with BotUnderTest.start(fake, tmp_path) as bot:
        t = tr(bot, "th")
        db = bot.services.db
        text = await command(bot, user, "start")
        assert text.startswith(t.t("start.welcome_new", name="Somchai"))
        assert last(user).button_texts == [t.t("foundation.button.register")]

        # The privacy notice comes before any question; declining collects nothing.
        text = await press(bot, user, t.t("foundation.button.register"))
        assert bot.services.privacy.text("th") in text
        await press(bot, user, t.t("foundation.privacy.decline"))
        assert last(user).text == t.t("foundation.privacy.declined")
        assert not await privacy_repo.has_accepted(db.conn, FOUNDER, bot.services.privacy.version)

        await command(bot, user, "start")
        await press(bot, user, t.t("foundation.button.register"))
        text = await press(bot, user, t.t("foundation.privacy.accept"))
        assert await privacy_repo.has_accepted(db.conn, FOUNDER, bot.services.privacy.version)
        assert t.t("foundation.ask.kind") in text

        # Typing where buttons are expected, then the button.
        assert t.t("foundation.error.use_buttons") in await say(bot, user, "มูลนิธิ")
        await press(bot, user, t.t("foundation.kind.foundation"))
        # The Thai name must have Thai letters; a second chance follows the reason.
        text = await say(bot, user, "Helping Hands")
        assert text.startswith(t.t("foundation.error.thai_name"))
        assert t.t("foundation.ask.name_th") in text
        await say(bot, user, "มูลนิธิมือช่วยเหลือ")
        assert t.t("foundation.error.english_name") in await say(bot, user, "มือ")
        await say(bot, user, "Helping Hands Foundation")
        assert t.t("foundation.error.registration_number") in await say(bot, user, "ไม่มี")
        # The world's foundation already holds "กท 123": taken numbers are refused at once.
        async with db.transaction() as conn:
            await foundations_repo.create(
                conn,
                kind="foundation",
                name_th="มูลนิธิเดิม",
                name_en="Old Foundation",
                registration_no="กท 123",
                province="10",
                now=bot.services.clock(),
            )
        assert t.t("foundation.error.registration_taken") in await say(bot, user, "กท 123")
        text = await say(bot, user, "ชม ๔๕/๒๕๔๐")  # Thai digits are fine
        assert t.t("foundation.ask.province") in text
        # Province: typed text is refused, the buttons page through all 77.
        assert t.t("foundation.error.use_buttons") in await say(bot, user, "เชียงใหม่")
        await choose_province(bot, user, "เชียงใหม่", t)
        assert t.t("foundation.error.text_too_short", minimum=10) in await say(bot, user, "ชม")
        await say(bot, user, "99 หมู่ 1 ตำบลสุเทพ อำเภอเมือง เชียงใหม่ 50200")
        assert t.t("foundation.error.phone") in await say(bot, user, "12345")
        await say(bot, user, "053-123-456")
        assert t.t("foundation.error.email") in await say(bot, user, "info at hands.org")
        text = await say(bot, user, "Info@Hands.ORG")

        # The summary shows every field; nothing is saved yet.
        assert "ชม 45/2540" in text and "เชียงใหม่" in text and "053123456" in text
        assert "Info@hands.org" in text
        assert await users_repo.get(db.conn, FOUNDER) is not None
        assert (await users_repo.get(db.conn, FOUNDER)).role is Role.NONE  # type: ignore[union-attr]

        # Change one field from the summary, then confirm.
        await press(bot, user, t.t("foundation.button.change_detail"))
        await press(bot, user, t.t("foundation.field.phone"))
        text = await say(bot, user, "+66 81 234 5678")
        assert "0812345678" in text
        text = await press(bot, user, t.t("foundation.button.register_confirm"))
        member = await users_repo.get(db.conn, FOUNDER)
        assert member is not None and member.role is Role.MEMBER
        foundation = await foundations_repo.get(db.conn, member.foundation_id or 0)
        assert foundation is not None
        assert (foundation.name_th, foundation.registration_no) == ("มูลนิธิมือช่วยเหลือ", "ชม 45/2540")
        assert (foundation.province, foundation.phone) == ("50", "0812345678")
        assert t.t("foundation.button.new_application") in last(user).button_texts
        # The member's own command menu now has the foundation commands.
        commands = fake.commands({"type": "chat", "chat_id": FOUNDER})
        assert {"new", "continue", "cases", "invite"} <= {c["command"] for c in commands}


async def test_an_invited_colleague_joins_and_sees_the_same_cases(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    founder = fake.user(FOUNDER, "Anna", language_code="en")
    colleague = fake.user(COLLEAGUE, "Ben", language_code="en")
    async with BotUnderTest.start(fake, tmp_path) as bot:
        t = tr(bot, "en")
        db = bot.services.db
        now = bot.services.clock()
        async with db.transaction() as conn:
            home = await foundations_repo.create(
                conn,
                kind="association",
                name_th="สมาคมทดสอบ",
                name_en="Test Association",
                registration_no="ชม 1",
                province="50",
                now=now,
            )
            await users_repo.touch(conn, FOUNDER, "Anna", "en", now)
            await users_repo.set_role(conn, FOUNDER, Role.MEMBER, now, foundation_id=home.id)
        case = await submitted_case(bot, FOUNDER)

        text = await command(bot, founder, "invite")
        code = invite_code(text)
        assert "https://t.me/cert_test_bot?start=m_" in text and len(code) <= 64

        # The colleague opens the link: the privacy notice first, then membership.
        text = await command(bot, colleague, "start", code)
        assert bot.services.privacy.text("en") in text
        stranger = await users_repo.get(db.conn, COLLEAGUE)
        assert stranger is not None and stranger.role is Role.NONE
        await press(bot, colleague, t.t("foundation.privacy.accept"))
        joined = await users_repo.get(db.conn, COLLEAGUE)
        assert joined is not None and (joined.role, joined.foundation_id) == (Role.MEMBER, home.id)
        texts = [m.text or "" for m in colleague.messages()]
        assert t.t("foundation.join.done", foundation="Test Association") in texts

        # The same cases, newest first.
        text = await command(bot, colleague, "cases")
        assert case.tracking_no in text and "ANNA MARIA SCHMIDT" in text
        assert last(colleague).button_texts[0].startswith(case.tracking_no)

        # The link worked once.
        other = fake.user(5003, "Carl", language_code="en")
        await command(bot, other, "start", code)
        await press(bot, other, t.t("foundation.privacy.accept"))
        assert t.t("error.invite_used") in (last(other).text or "")
        still = await users_repo.get(db.conn, 5003)
        assert still is not None and still.role is Role.NONE


async def test_an_invitation_opened_before_a_restart_still_works_after_it(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    founder = fake.user(FOUNDER, "Anna", language_code="en")
    colleague = fake.user(COLLEAGUE, "Ben", language_code="en")
    async with BotUnderTest.start(fake, tmp_path) as bot:
        t = tr(bot, "en")
        db = bot.services.db
        now = bot.services.clock()
        async with db.transaction() as conn:
            home = await foundations_repo.create(
                conn,
                kind="association",
                name_th="สมาคมทดสอบ",
                name_en="Test Association",
                registration_no="ชม 1",
                province="50",
                now=now,
            )
            await users_repo.touch(conn, FOUNDER, "Anna", "en", now)
            await users_repo.set_role(conn, FOUNDER, Role.MEMBER, now, foundation_id=home.id)
        code = invite_code(await command(bot, founder, "invite"))
        # The colleague opens the link and is shown the privacy notice...
        text = await command(bot, colleague, "start", code)
        assert bot.services.privacy.text("en") in text

    # ... the bot restarts while they read it; accepting still takes them in.
    async with BotUnderTest.start(fake, tmp_path) as bot:
        await press(bot, colleague, t.t("foundation.privacy.accept"))
        joined = await users_repo.get(bot.services.db.conn, COLLEAGUE)
        assert joined is not None and (joined.role, joined.foundation_id) == (Role.MEMBER, home.id)
        texts = [m.text or "" for m in colleague.messages()]
        assert t.t("foundation.join.done", foundation="Test Association") in texts
        assert t.t("foundation.join.open_link_again") not in texts
