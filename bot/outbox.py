"""The outbox worker: sends queued notifications, marks each sent only once Telegram took it.

A crash between Telegram's answer and the mark repeats that one message on restart; nothing
queued is ever dropped. Per recipient, messages go in queue order: when one has to wait, the
ones after it for the same person wait too.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from telegram import Bot, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.i18n import Translator, decode_params
from bot.runtime import Services
from storage import attachments as attachments_repo
from storage import outbox as outbox_repo
from storage import users as users_repo
from storage.models import OutboxMessage

logger = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(minutes=30)

Buttons = Callable[[OutboxMessage, Translator], InlineKeyboardMarkup | None]
_BUTTONS: dict[str, Buttons] = {}


def register_buttons(name: str, make: Buttons) -> None:
    """Let a feature put buttons under the notifications it knows (say, "Open case").

    ``make`` returns None for messages that are not its own; the first markup found is used.
    """
    _BUTTONS[name] = make


def buttons_for(message: OutboxMessage, t: Translator) -> InlineKeyboardMarkup | None:
    for make in _BUTTONS.values():
        markup = make(message, t)
        if markup is not None:
            return markup
    return None


Document = Callable[[OutboxMessage, Translator, Services], Awaitable[tuple[bytes, str] | None]]
_DOCUMENTS: dict[str, Document] = {}


def register_document(kind: str, make: Document) -> None:
    """Attach a file made at send time, in the recipient's language, to notifications of
    ``kind`` (say, the pickup appointment's ``.ics``). ``make`` returns (bytes, file name), or
    None to send the text alone."""
    _DOCUMENTS[kind] = make


def render(message: OutboxMessage, t: Translator) -> str:
    params: dict[str, Any] = decode_params(message.params)
    for name, value in params.items():
        # Texts given in both languages (a foundation's names, flagged item lists).
        if isinstance(value, dict) and set(value) == {"th", "en"}:
            params[name] = value[t.lang]
    return t.t(message.msg_id, **params)


async def _send(
    bot: Bot,
    services: Services,
    message: OutboxMessage,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
    t: Translator | None = None,
) -> None:
    document: str | bytes
    make = _DOCUMENTS.get(message.kind)
    made = await make(message, t, services) if make is not None and t is not None else None
    if made is not None:
        document, file_name = made
    elif message.attachment_id is None:
        await bot.send_message(message.recipient_id, text, reply_markup=markup)
        return
    else:
        attachment = await attachments_repo.get(services.db.conn, message.attachment_id)
        if attachment is None:
            raise LookupError(f"outbox {message.id}: attachment {message.attachment_id} is gone")
        document = attachment.telegram_file_id or services.files.get(attachment.sha256)
        file_name = attachment.file_name
    await bot.send_document(
        message.recipient_id,
        document,
        caption=text[:1024],
        filename=file_name,
        reply_markup=markup if len(text) <= 1024 else None,
    )
    if len(text) > 1024:
        await bot.send_message(message.recipient_id, text, reply_markup=markup)


async def deliver_due(bot: Bot, services: Services, limit: int = 50) -> int:
    """Send what is due now; return how many were sent."""
    now = services.clock()
    waiting: set[int] = set()
    sent = 0
    for message in await outbox_repo.due(services.db.conn, now, limit):
        if message.recipient_id in waiting:
            continue
        user = await users_repo.get(services.db.conn, message.recipient_id)
        t = services.catalogs.for_language(services.users.language_of(user))
        try:
            await _send(bot, services, message, render(message, t), buttons_for(message, t), t)
        except RetryAfter as error:
            delay = error.retry_after
            seconds = delay.total_seconds() if isinstance(delay, timedelta) else float(delay)
            await _later(services, message, "429", now + timedelta(seconds=seconds))
            waiting.add(message.recipient_id)
        except Forbidden as error:
            async with services.db.transaction() as conn:
                await outbox_repo.mark_undeliverable(conn, message.id, "unreachable", str(error))
                await users_repo.set_reachable(conn, message.recipient_id, False)
        except BadRequest as error:
            logger.error("outbox %s refused by Telegram: %s", message.id, error)
            async with services.db.transaction() as conn:
                await outbox_repo.mark_undeliverable(conn, message.id, "failed", str(error))
        except (NetworkError, TelegramError) as error:
            backoff = min(MAX_BACKOFF, timedelta(seconds=2 ** min(message.attempts, 10)))
            await _later(services, message, type(error).__name__, now + backoff)
            waiting.add(message.recipient_id)
        else:
            async with services.db.transaction() as conn:
                await outbox_repo.mark_sent(conn, message.id, services.clock())
            sent += 1
    return sent


async def _later(services: Services, message: OutboxMessage, error: str, when: datetime) -> None:
    async with services.db.transaction() as conn:
        await outbox_repo.reschedule(conn, message.id, error, when)
