"""The real application against the fake Bot API: /start, /language, /help, catch-alls."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.testing.fake_telegram import FakeTelegram
from bot.testing.harness import BotUnderTest
from storage import users as users_repo

THAI_USER = 1001
ENGLISH_USER = 1002


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


def text_of(fake: FakeTelegram, chat_id: int) -> str:
    message = fake.last_message(chat_id)
    assert message is not None, "the bot sent nothing"
    return message.text or ""


async def test_start_answers_in_the_language_telegram_reports(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    async with BotUnderTest.start(fake, tmp_path) as bot:
        await fake.user(THAI_USER, "สมชาย", language_code="th").send_command("start")
        await fake.user(ENGLISH_USER, "Anna", language_code="en-GB").send_command("start")
        await fake.user(1003, "Jürgen", language_code="de").send_command("start")
        await bot.settle()
    t_th = bot.services.catalogs.for_language("th")
    t_en = bot.services.catalogs.for_language("en")
    assert text_of(fake, THAI_USER).startswith(t_th.t("start.welcome_new", name="สมชาย"))
    assert text_of(fake, ENGLISH_USER).startswith(t_en.t("start.welcome_new", name="Anna"))
    # A language we do not have falls back to the default, Thai.
    assert text_of(fake, 1003).startswith(t_th.t("start.welcome_new", name="Jürgen"))


async def test_language_switch_is_saved_and_survives_a_restart(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    user = fake.user(THAI_USER, "สมชาย", language_code="th")
    async with BotUnderTest.start(fake, tmp_path) as bot:
        t_en = bot.services.catalogs.for_language("en")
        t_th = bot.services.catalogs.for_language("th")
        await user.send_command("language")
        await bot.settle()
        menu = user.last_message()
        assert menu is not None and menu.text == t_th.t("language.choose")
        assert menu.button_texts == [t_th.t("language.button_th"), t_th.t("language.button_en")]
        await user.press(t_th.t("language.button_en"))
        await bot.settle()
        # The same message now confirms, in English, and the buttons are gone.
        assert menu.text == t_en.t("language.saved") and menu.buttons == []
        assert user.answered_callbacks, "every button press must be answered"
        stored = await users_repo.get(bot.services.db.conn, THAI_USER)
        assert stored is not None and stored.language == "en"
        # The person's own command menu follows their language.
        scoped = [
            c
            for c in fake.calls("setMyCommands")
            if (c.params.get("scope") or {}).get("chat_id") == THAI_USER
        ]
        assert scoped and scoped[-1].params["commands"][0]["description"] == t_en.t("command.start")

    async with BotUnderTest.start(fake, tmp_path) as bot:
        await user.send_command("help")
        await bot.settle()
    assert text_of(fake, THAI_USER) == t_en.t("help.new")


async def test_pressing_the_language_button_twice_is_harmless(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    user = fake.user(ENGLISH_USER, "Anna", language_code="en")
    async with BotUnderTest.start(fake, tmp_path) as bot:
        t_th = bot.services.catalogs.for_language("th")
        await user.send_command("language")
        await bot.settle()
        menu = user.last_message()
        assert menu is not None
        await user.press_data("lang:th", menu.message_id)
        await user.press_data("lang:th", menu.message_id)
        await bot.settle()
        assert menu.text == t_th.t("language.saved")
        assert len(user.answered_callbacks) == 2


@pytest.mark.parametrize(
    "data",
    ["lang:xx", "lang:", "lang:th:extra", "cv:1:2", "x" * 64, "", "lang:TH", "ภาษา"],
)
async def test_forged_or_stale_buttons_change_nothing(
    fake: FakeTelegram, tmp_path: Path, data: str
) -> None:
    user = fake.user(ENGLISH_USER, "Anna", language_code="en")
    async with BotUnderTest.start(fake, tmp_path) as bot:
        t_en = bot.services.catalogs.for_language("en")
        await user.send_command("language")
        await bot.settle()
        menu = user.last_message()
        assert menu is not None
        await user.press_data(data, menu.message_id)
        await bot.settle()
        answers = user.answered_callbacks
        assert [a.text for a in answers] == [t_en.t("common.stale_button")]
        stored = await users_repo.get(bot.services.db.conn, ENGLISH_USER)
        assert stored is not None and stored.language is None
        assert menu.text == t_en.t("language.choose")


async def test_unknown_commands_and_free_text_get_a_hint(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    user = fake.user(ENGLISH_USER, "Anna", language_code="en")
    async with BotUnderTest.start(fake, tmp_path) as bot:
        t = bot.services.catalogs.for_language("en")
        await user.send_command("frobnicate", "now")
        await bot.settle()
        assert text_of(fake, ENGLISH_USER) == t.t("common.unknown_command")
        await user.send_text("สวัสดีครับ 🙏")
        await bot.settle()
        assert text_of(fake, ENGLISH_USER) == t.t("common.not_understood")
        await user.send_command("cancel")
        await bot.settle()
        assert text_of(fake, ENGLISH_USER) == t.t("common.nothing_to_cancel")


async def test_command_menus_are_set_per_language(fake: FakeTelegram, tmp_path: Path) -> None:
    async with BotUnderTest.start(fake, tmp_path) as bot:
        pass
    calls = fake.calls("setMyCommands")
    by_language = {c.params.get("language_code"): c.params["commands"] for c in calls}
    assert set(by_language) == {"th", "en", None}
    t_en = bot.services.catalogs.for_language("en")
    t_th = bot.services.catalogs.for_language("th")
    assert [c["command"] for c in by_language["en"]] == ["start", "help", "language", "cancel"]
    assert by_language["en"][0]["description"] == t_en.t("command.start")
    assert by_language["th"][0]["description"] == t_th.t("command.start")
    assert by_language[None] == by_language["th"]


async def test_an_error_is_logged_and_the_person_told_in_their_language(
    fake: FakeTelegram, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    user = fake.user(THAI_USER, "สมชาย", language_code="th")
    async with BotUnderTest.start(fake, tmp_path) as bot:
        t = bot.services.catalogs.for_language("th")
        # Telegram refuses the reply once: the handler fails, the error handler speaks.
        fake.fail_next("sendMessage", status=400, description="Bad Request: chat not found")
        await user.send_command("help")
        await bot.settle()
    assert text_of(fake, THAI_USER) == t.t("common.something_went_wrong")
    assert "unhandled error while handling an update" in caplog.text


async def test_configured_admins_are_admins(fake: FakeTelegram, tmp_path: Path) -> None:
    admin = fake.user(42, "Admin", language_code="en")
    async with BotUnderTest.start(fake, tmp_path, admin_ids=frozenset({42})) as bot:
        t = bot.services.catalogs.for_language("en")
        await admin.send_command("start")
        await bot.settle()
    assert text_of(fake, 42).startswith(t.t("start.welcome_admin", name="Admin"))
