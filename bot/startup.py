"""Reaching Telegram at start-up: a rejected token stops the bot, a network failure is retried.

Before anything else is opened, ``wait_for_telegram`` asks Telegram who the bot is (getMe).
A 401/404 means the token is wrong: ``InvalidToken`` goes up to ``python -m bot``, which says so
in one line and exits 2, like any other configuration error. A network failure (Telegram down,
DNS, a firewall, a 5xx) is retried with exponential backoff, one log line per attempt and no
traceback: a bot started before the network comes up simply starts late.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Bot
from telegram.error import InvalidToken, NetworkError, RetryAfter

from bot.checklist import load_checklist
from bot.config import Settings
from bot.i18n import load_catalogs
from bot.issuance.config import load_issuance_config
from bot.privacy import load_privacy_notice

logger = logging.getLogger(__name__)

MAX_DELAY_SECONDS = 300.0


class TelegramUnreachable(Exception):
    """``startup_attempts`` attempts failed; the message is one line for the operator."""


def check_files(settings: Settings) -> None:
    """Read every file the bot needs (``open_services`` reads them again): a broken one is
    named in one line before Telegram is even asked, and without a network."""
    load_catalogs(settings.locales_dir, tz=settings.tz)
    load_checklist(settings.checklist_file)
    load_privacy_notice(settings.privacy_notice_file)
    load_issuance_config(settings.office_file)


def describe(error: Exception) -> str:
    """One line about a failed attempt: the error's kind and its first line."""
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__


async def wait_for_telegram(settings: Settings) -> None:
    """Return once Telegram answers getMe; raise ``InvalidToken`` if it rejects the token."""
    bot = Bot(
        settings.bot_token.get_secret_value(),
        base_url=settings.api_base_url,
        base_file_url=settings.api_file_url,
    )
    delay = settings.startup_retry_seconds
    attempt = 0
    try:
        while True:
            attempt += 1
            try:
                # After a failed getMe only getMe is repeated (PTB keeps the HTTP client).
                await bot.initialize()
                return
            except InvalidToken:
                # PTB's message quotes the token: raise a fresh one without it or its cause.
                raise InvalidToken(
                    "the token was rejected by Telegram (401 Unauthorized)"
                ) from None
            except RetryAfter as error:
                after = error.retry_after
                seconds = after if isinstance(after, int) else after.total_seconds()
                wait = max(delay, seconds)
                reason = describe(error)
            except NetworkError as error:  # includes TimedOut and 5xx answers
                wait = delay
                reason = describe(error)
            limit = settings.startup_attempts
            if limit and attempt >= limit:
                raise TelegramUnreachable(
                    f"Telegram not reachable at start-up after {attempt} attempts ({reason})"
                )
            logger.warning(
                "Telegram not reachable at start-up (attempt %d%s): %s; trying again in %.1f s",
                attempt,
                f" of {limit}" if limit else "",
                reason,
                wait,
            )
            await asyncio.sleep(wait)
            delay = min(delay * 2, MAX_DELAY_SECONDS)
    finally:
        await bot.shutdown()
