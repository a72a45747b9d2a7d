"""Who may use the officer screens: another province's officer, a member, a deactivated officer.
Real callback data is replayed with press_data; nothing changes and everyone is told why."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.testing.fake_telegram import FakeTelegram, SentMessage
from bot.testing.harness import BotUnderTest
from bot.workflow import Role
from storage import users as users_repo
from tests.conftest import seed_world
from tests.officer_support import (
    case_now,
    command,
    delivered,
    events_of,
    last,
    last_answer,
    officer_user,
    open_case,
    press,
    send,
    submitted_case,
    tr,
)


def data_of(message: SentMessage) -> list[str]:
    return [data for row in message.buttons for _, data in row if data]


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


async def test_an_officer_of_another_province_can_neither_list_nor_open_nor_act(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    async with BotUnderTest.start(fake, tmp_path) as bot:
        world = await seed_world(bot.services.db, bot.services.clock())
        case = await submitted_case(bot, world.member)
        await delivered(bot)
        t = tr(bot)

        # The case's own officer opens it and starts a correction: real buttons to replay.
        officer = officer_user(bot, world)
        await press(bot, officer, t.t("officer.button.open_case"))
        view = last(officer)
        replay = data_of(view)
        await press(bot, officer, t.t("action.request_correction"))
        replay += data_of(last(officer))
        await send(bot, officer, "แก้ไขเอกสาร")
        replay += data_of(last(officer))
        # Everything that names the case (not the dashboard or list buttons anyone has).
        replay = [d for d in replay if d.split(":")[0] not in ("od", "oq")]
        replay.append(f"os:{case.id}:{(await case_now(bot, case.id)).version}")  # Skip
        assert {d.split(":")[0] for d in replay} >= {"oa", "op", "of", "oh", "oc", "os", "oy", "on"}

        away = officer_user(bot, world, world.officer_elsewhere)
        await command(bot, away, "dashboard")
        board = last(away)
        assert t.t(
            "officer.dashboard.bucket", bucket=t.t("bucket.waiting_for_officer"), count=0
        ) in (board.text or "")
        await press(
            bot,
            away,
            t.t("officer.button.bucket", bucket=t.t("bucket.waiting_for_officer"), count=0),
        )
        assert t.t("officer.queue.empty") in (board.text or "")
        await command(bot, away, "find", case.tracking_no)
        assert last(away).text == t.t("officer.find.none", term=case.tracking_no)

        before = (await case_now(bot, case.id), len(await events_of(bot, case.id)))
        sent_before = len(fake.messages(world.officer_elsewhere))
        for data in replay:
            await away.press_data(data, board.message_id)
            await bot.settle()
            answer = last_answer(away)
            assert answer in (
                t.t("error.case_not_found"),
                t.t("common.stale_button"),
            ), (data, answer)
        assert len(away.answered_callbacks) == len(replay) + 1
        assert (await case_now(bot, case.id), len(await events_of(bot, case.id))) == before
        # Nothing about the case reached them: no file, no case screen.
        assert len(fake.messages(world.officer_elsewhere)) == sent_before
        assert case.tracking_no not in (board.text or "")

        # A foundation member pressing an officer's button is refused too.
        member = fake.user(world.member, "Member", language_code="th")
        await command(bot, member, "dashboard")
        assert last(member).text == t.t("error.not_allowed")
        await open_case(bot, member, case.id)
        assert last_answer(member) == t.t("error.not_allowed")

        # The case's own officer, moved to another province, loses it on the next press.
        async with bot.services.db.transaction() as conn:
            await users_repo.set_role(
                conn, world.officer, Role.OFFICER, bot.services.clock(), province="83"
            )
        await officer.press_data(f"oc:{case.id}", view.message_id)
        await bot.settle()
        assert last_answer(officer) == t.t("error.case_not_found")


async def test_a_deactivated_officer_is_locked_out_at_once_and_can_be_let_back_in(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    async with BotUnderTest.start(fake, tmp_path) as bot:
        world = await seed_world(bot.services.db, bot.services.clock())
        case = await submitted_case(bot, world.member)
        await delivered(bot)
        t = tr(bot)
        officer = officer_user(bot, world)
        await press(bot, officer, t.t("officer.button.open_case"))
        view = last(officer)
        await press(bot, officer, t.t("action.add_internal_note"))  # halfway through typing

        admin = fake.user(world.admin, "Admin", language_code="th")
        await command(bot, admin, "officers")
        listing = last(admin)
        assert "Somchai" in (listing.text or "") and "ภูเก็ต" in (listing.text or "")
        await press(bot, admin, next(b for b in listing.button_texts if "Somchai" in b))
        await press(bot, admin, t.t("officer.button.deactivate"))
        assert listing.text == t.t("officer.admin.confirm_deactivate", name="Somchai")
        await press(bot, admin, t.t("officer.button.confirm"))
        assert t.t("officer.admin.inactive") in (listing.text or "")

        # Every way in is closed: old buttons, commands, the text they were typing.
        inactive = t.t("officer.error.inactive")
        await officer.press_data(f"oc:{case.id}", view.message_id)
        await bot.settle()
        assert last_answer(officer) == inactive
        await send(bot, officer, "บันทึกภายใน")
        assert last(officer).text == inactive
        await command(bot, officer, "dashboard")
        assert last(officer).text == inactive
        assert not [e for e in await events_of(bot, case.id) if e.action == "add_internal_note"]
        # Their command menu no longer offers the officer commands.
        menus = [
            c.params["commands"]
            for c in fake.calls("setMyCommands")
            if (c.params.get("scope") or {}).get("chat_id") == world.officer
        ]
        assert "dashboard" not in [c["command"] for c in menus[-1]]

        # Reactivated, and moved to another province: their dashboard follows at once.
        await press(bot, admin, t.t("officer.button.reactivate"))
        await press(bot, admin, t.t("officer.button.confirm"))
        await press(bot, admin, t.t("officer.button.move"))
        await press(bot, admin, t.t("officer.button.next"))
        await press(bot, admin, t.t("officer.button.next"))
        await press(bot, admin, t.t("officer.button.next"))
        await press(bot, admin, t.t("officer.button.next"))
        await press(bot, admin, "ภูเก็ต")
        assert listing.text == t.t(
            "officer.admin.confirm_move", name="Somchai", old="เชียงใหม่", new="ภูเก็ต"
        )
        await press(bot, admin, t.t("officer.button.confirm"))
        moved = await users_repo.get(bot.services.db.conn, world.officer)
        assert moved is not None and (moved.province, moved.active) == ("83", True)
        await command(bot, officer, "dashboard")
        assert (last(officer).text or "").startswith(t.t("officer.dashboard.title", scope="ภูเก็ต"))
