"""``python -m bot`` reaching Telegram at start-up, as a real process: a token Telegram rejects is
one line and exit code 2; an unreachable Telegram is retried, one line per attempt, until it
answers, a stop signal, or the configured number of attempts; the token is never written, not
even inside an exception's text or a traceback."""

from __future__ import annotations

import asyncio
import logging
import signal
import socket
import sys
from pathlib import Path

from bot import logs
from bot.testing.fake_telegram import FakeTelegram
from tests.process_support import clean_env, poll_until

TOKEN = "987654321:AAHrejected-token-SECRET-part-0123456789"
SECRET = TOKEN.split(":")[1]
QUICK_RETRIES = {"CERTBOT_STARTUP_RETRY_SECONDS": "0.05"}


def closed_port() -> int:
    """A port nothing listens on (bound for a moment to pick it, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def env_for(base: str, data: Path, **extra: str) -> dict[str, str]:
    return clean_env(
        CERTBOT_BOT_TOKEN=TOKEN,
        CERTBOT_API_BASE_URL=f"{base}/bot",
        CERTBOT_API_FILE_URL=f"{base}/file/bot",
        CERTBOT_DATA_DIR=str(data),
        CERTBOT_REMINDERS_ENABLED="false",
        **extra,
    )


async def start(env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def finish(process: asyncio.subprocess.Process) -> tuple[int, str, str]:
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def assert_clean(output: str) -> None:
    assert SECRET not in output, "the token must never be written"
    assert "Traceback" not in output, output


async def test_a_token_telegram_rejects_is_one_line_and_exit_code_2(tmp_path: Path) -> None:
    async with FakeTelegram() as fake:  # its own token differs: it answers 401
        process = await start(
            env_for(fake.base_url.removesuffix("/bot"), tmp_path / "data"), tmp_path
        )
        code, out, err = await finish(process)
    assert code == 2, err
    assert out == ""
    [line] = err.strip().splitlines()
    assert "CERTBOT_BOT_TOKEN" in line and "rejected" in line
    assert_clean(out + err)
    assert not (tmp_path / "data").exists(), "nothing is opened before the token is known good"


async def test_an_unreachable_telegram_is_retried_one_line_per_attempt(tmp_path: Path) -> None:
    base = f"http://127.0.0.1:{closed_port()}"
    env = env_for(base, tmp_path / "data", CERTBOT_STARTUP_ATTEMPTS="3", **QUICK_RETRIES)
    code, out, err = await finish(await start(env, tmp_path))
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 3, err
    assert "attempt 1 of 3" in lines[0] and "attempt 2 of 3" in lines[1]
    assert "after 3 attempts" in lines[2]
    assert_clean(out + err)


async def test_the_bot_starts_when_telegram_comes_back_and_a_signal_stops_the_retries(
    tmp_path: Path,
) -> None:
    port = closed_port()
    env = env_for(f"http://127.0.0.1:{port}", tmp_path / "data", **QUICK_RETRIES)
    waiting = await start(env, tmp_path)
    assert waiting.stderr is not None
    first = await asyncio.wait_for(waiting.stderr.readline(), timeout=30)
    assert b"attempt 1)" in first, first
    waiting.send_signal(signal.SIGTERM)
    code, out, err = await finish(waiting)
    assert code == 0
    assert_clean(first.decode() + out + err)

    coming_back = await start(env, tmp_path)
    assert coming_back.stderr is not None
    await asyncio.wait_for(coming_back.stderr.readline(), timeout=30)
    async with FakeTelegram(TOKEN, port=port) as fake:
        await poll_until(lambda: fake.calls("getUpdates") != [], timeout=30, what="polling")
        coming_back.send_signal(signal.SIGTERM)
        code, out, err = await finish(coming_back)
    assert code == 0, err
    assert_clean(out + err)
    assert "bot is running" in err


def test_the_token_is_redacted_from_messages_exceptions_and_tracebacks() -> None:
    logs.redact(TOKEN)
    records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(self.format(record))

    handler = Collect()
    handler.setFormatter(logs.RedactingFormatter(logs.FORMAT))
    logger = logging.getLogger("test.redaction")
    logger.addHandler(handler)
    try:
        logger.warning("calling https://api.telegram.org/bot%s/getMe", TOKEN)
        try:
            raise RuntimeError(
                f"The token `{TOKEN}` was rejected; url=bot{TOKEN.replace(':', '%3A')}"
            )
        except RuntimeError:
            logger.exception("start-up failed")
    finally:
        logger.removeHandler(handler)
    text = "\n".join(records)
    assert "Traceback" in text and text.count(logs.REDACTED) >= 3
    assert SECRET not in text
