"""``python -m bot`` as a real process: configuration errors, and a real run against the fake."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import REPO_ROOT
from bot.i18n import load_catalogs
from bot.testing.fake_telegram import FakeTelegram
from tests.process_support import bot_process, clean_env

TOKEN = "123456789:TEST-token-for-the-fake-bot-api-000"


def run_main(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,  # no .env there
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_without_a_token_it_says_so_in_one_line_and_exits_2(tmp_path: Path) -> None:
    result = run_main(tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "CERTBOT_BOT_TOKEN" in lines[0] and "not set" in lines[0]
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.parametrize(
    ("name", "value", "secret"),
    [
        ("CERTBOT_BOT_TOKEN", "not-a-token-secret-value", "not-a-token-secret-value"),
        ("CERTBOT_ADMIN_IDS", "12, abc", None),
        ("CERTBOT_TIMEZONE", "Asia/Nowhere", None),
        ("CERTBOT_DEFAULT_LANGUAGE", "fr", None),
        ("CERTBOT_API_BASE_URL", "ftp://example", None),
    ],
)
def test_a_malformed_setting_is_named_and_stops_start_up(
    tmp_path: Path, name: str, value: str, secret: str | None
) -> None:
    env = {"CERTBOT_BOT_TOKEN": TOKEN, name: value}
    result = run_main(tmp_path, **env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and name in lines[0], result.stderr
    assert "Traceback" not in result.stderr
    if secret:
        assert secret not in result.stderr


def test_settings_are_read_from_a_dot_env_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("CERTBOT_BOT_TOKEN=123456789:AAA\n", encoding="utf-8")
    result = run_main(tmp_path)
    assert result.returncode == 2
    assert "CERTBOT_BOT_TOKEN is invalid" in result.stderr


async def test_the_real_process_answers_and_remembers_the_language(tmp_path: Path) -> None:
    catalogs = load_catalogs(REPO_ROOT / "locales")
    th, en = catalogs.for_language("th"), catalogs.for_language("en")
    async with FakeTelegram() as fake:
        user = fake.user(5005, "สมหญิง", language_code="th")
        async with bot_process(fake, tmp_path):
            sent = await user.send_command("start")
            reply = await user.wait_for_message(timeout=30, after=sent["message_id"])
            assert (reply.text or "").startswith(th.t("start.welcome_new", name="สมหญิง"))
            sent = await user.send_command("language")
            menu = await user.wait_for_message(timeout=15, after=sent["message_id"])
            await user.press(th.t("language.button_en"), menu.message_id)
            await fake.wait_until(lambda: menu.text == en.t("language.saved"), timeout=15)

        async with bot_process(fake, tmp_path):
            sent = await user.send_command("help")
            reply = await user.wait_for_message(timeout=30, after=sent["message_id"])
            assert reply.text == en.t("help.new")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("CERTBOT_CHECKLIST_FILE", "[[item]]\nkey = 'Bad Key'\n"),
        ("CERTBOT_OFFICE_FILE", "not toml ["),
        ("CERTBOT_PRIVACY_NOTICE_FILE", "version = 1\n"),
    ],
)
def test_a_broken_configuration_file_is_named_in_one_line(
    tmp_path: Path, name: str, content: str
) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text(content, encoding="utf-8")
    result = run_main(
        tmp_path,
        CERTBOT_BOT_TOKEN=TOKEN,
        CERTBOT_API_BASE_URL="http://127.0.0.1:9/bot",
        CERTBOT_DATA_DIR=str(tmp_path / "data"),
        **{name: str(broken)},
    )
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "broken.toml" in lines[0], result.stderr
    assert "Traceback" not in result.stderr


async def test_the_data_directory_is_for_the_service_user_only(tmp_path: Path) -> None:
    """The database and its files are created 0600 in a 0700 directory, whatever the umask."""
    import stat

    async with FakeTelegram() as fake:
        user = fake.user(5005, "Anna", language_code="en")
        async with bot_process(fake, tmp_path):
            sent = await user.send_command("start")
            await user.wait_for_message(timeout=30, after=sent["message_id"])
    data = tmp_path / "data"
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    for path in data.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path
