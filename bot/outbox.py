"""The outbox worker: sends queued notifications, marks each sent only once Telegram took it.

A crash between Telegram's answer and the mark repeats that one message on restart; nothing
queued is ever dropped. Per recipient, messages go in queue order and one at a time: when one
has to wait (429, a server error, quiet hours), the ones after it for that person wait too.
429s are retried after ``retry_after``, 5xx and timeouts with growing backoff; a person who
blocked the bot is marked unreachable (and the case's officers told, if that was the last
member of the foundation they could reach).
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from telegram import Bot, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.i18n import Translator, decode_params, encode_params
from bot.i18n_marker import N_
from bot.reminders import in_quiet_hours, quiet_release
from bot.runtime import Services
from bot.workflow import Actor, CaseRef, may_see
from storage import attachments as attachments_repo
from storage import cases as cases_repo
from storage import foundations as foundations_repo
from storage import outbox as outbox_repo
from storage import reminders as reminders_repo
from storage import users as users_repo
from storage.models import OutboxMessage, User

logger = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(minutes=30)

NotificationButtons = Callable[[OutboxMessage, Translator], InlineKeyboardMarkup | None]
"""Buttons a feature puts under the notifications it knows (say, "Open case"); None for
messages that are not its own."""
Document = Callable[[OutboxMessage, Translator, Services], Awaitable[tuple[bytes, str] | None]]
"""A file made at send time, in the recipient's language (say, the pickup's ``.ics``):
(bytes, file name), or None to send the text alone."""


@dataclass(frozen=True)
class Extras:
    """What the features add to notifications, handed to the worker by ``bot.app``."""

    buttons: Sequence[NotificationButtons] = ()
    """Asked in order; the first markup found is used."""
    documents: Mapping[str, Document] = field(default_factory=dict)
    """By notification kind."""

    def markup(self, message: OutboxMessage, t: Translator) -> InlineKeyboardMarkup | None:
        for make in self.buttons:
            markup = make(message, t)
            if markup is not None:
                return markup
        return None


def render(message: OutboxMessage, t: Translator) -> str:
    # Texts given in both languages are picked by the translator (bot.i18n), as everywhere.
    params: dict[str, Any] = decode_params(message.params)
    return t.t(message.msg_id, **params)


async def _send(
    bot: Bot, services: Services, message: OutboxMessage, t: Translator, extras: Extras
) -> None:
    text, markup = render(message, t), extras.markup(message, t)
    document: str | bytes
    make = extras.documents.get(message.kind)
    made = await make(message, t, services) if make is not None else None
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


@dataclass
class _Pace:
    """Our own pacing, below Telegram's limits, so that 429s stay the exception.

    Telegram allows about 30 messages a second overall and one a second per chat. PTB's
    AIORateLimiter guards the overall rate for every request the bot makes; the worker also
    keeps a sliding one-second window (a leaky bucket lets bursts through that a strict window
    would refuse) and spaces messages to the same chat.

    A send counts from when it is over, not from when it started: Telegram sees it somewhere in
    between, and on a busy machine "somewhere" can be a large part of a second. While it is in
    flight it counts as happening now. So whatever the delays, Telegram never sees more than
    ``per_second`` in one second, nor two to one chat closer than ``per_chat_interval``.
    """

    per_second: int = 29
    per_chat_interval: float = 1.0
    recent: deque[float] = field(default_factory=deque)
    """When each send of the last second ended, oldest first."""
    in_flight: int = 0
    last_in_chat: dict[int, float] = field(default_factory=dict)
    blocked_until: dict[int, float] = field(default_factory=dict)

    def chat_ready_at(self, chat_id: int) -> float:
        last = self.last_in_chat.get(chat_id)
        # A little slack, as Telegram's own clock may count a little differently.
        ready = last + self.per_chat_interval + 0.05 if last is not None else 0.0
        return max(ready, self.blocked_until.get(chat_id, 0.0))

    async def slot(self, chat_id: int) -> None:
        """Wait for a place in the overall window; the send is in flight until ``done``."""
        loop = asyncio.get_running_loop()
        while True:
            now = loop.time()
            while self.recent and now - self.recent[0] >= 1.0:
                self.recent.popleft()
            if len(self.recent) + self.in_flight < self.per_second:
                self.in_flight += 1
                return
            wait = 1.0 - (now - self.recent[0]) + 0.001 if self.recent else 0.01
            await asyncio.sleep(wait)

    def done(self, chat_id: int) -> None:
        """The send to ``chat_id`` is over: it counts from now."""
        now = asyncio.get_running_loop().time()
        self.in_flight -= 1
        self.recent.append(now)
        self.last_in_chat[chat_id] = now


class OutboxWorker:
    """Sends due outbox rows: oldest first, one in flight per person, paced, never dropped."""

    def __init__(
        self,
        bot: Bot,
        services: Services,
        extras: Extras | None = None,
        *,
        concurrency: int = 8,
        batch: int = 200,
        max_run_seconds: float = 20.0,
    ) -> None:
        self.bot = bot
        self.services = services
        self.extras = extras or Extras()
        self.pace = _Pace(
            per_second=services.settings.outbox_per_second,
            per_chat_interval=services.settings.outbox_per_chat_interval,
        )
        self.concurrency = concurrency
        self.batch = batch
        self.max_run_seconds = max_run_seconds
        self._running = asyncio.Lock()
        self.sent = 0

    async def run(self) -> int:
        """Drain what is due (for at most ``max_run_seconds``); how many were sent."""
        if self._running.locked():
            return 0  # the previous run is still draining
        async with self._running:
            loop = asyncio.get_running_loop()
            deadline = loop.time() + self.max_run_seconds
            sent = 0
            while loop.time() < deadline:
                rows = await outbox_repo.due(
                    self.services.db.conn, self.services.clock(), self.batch
                )
                if not rows:
                    break
                planned, wait = self._plan(rows, loop.time())
                if not planned:
                    if wait is None:
                        break
                    await asyncio.sleep(min(max(wait, 0.01), 1.0))
                    continue
                sent += await self._send_all(planned)
            self.sent += sent
            return sent

    def _plan(
        self, rows: list[OutboxMessage], now: float
    ) -> tuple[list[OutboxMessage], float | None]:
        """The first due row of each person who may receive now; else how long to wait."""
        seen: set[int] = set()
        planned: list[OutboxMessage] = []
        soonest: float | None = None
        for row in rows:
            if row.recipient_id in seen:
                continue  # later rows for this person wait for the earlier one
            seen.add(row.recipient_id)
            ready = self.pace.chat_ready_at(row.recipient_id)
            if ready <= now:
                planned.append(row)
            else:
                soonest = ready - now if soonest is None else min(soonest, ready - now)
        return planned, soonest

    async def _send_all(self, rows: list[OutboxMessage]) -> int:
        gate = asyncio.Semaphore(self.concurrency)

        async def one(row: OutboxMessage) -> bool:
            async with gate:
                await self.pace.slot(row.recipient_id)
                try:
                    return await deliver_one(self.bot, self.services, row, self.pace, self.extras)
                finally:
                    self.pace.done(row.recipient_id)

        results = await asyncio.gather(*(one(r) for r in rows))
        return sum(results)


async def deliver_one(
    bot: Bot,
    services: Services,
    message: OutboxMessage,
    pace: _Pace | None = None,
    extras: Extras | None = None,
) -> bool:
    """Try one message; record the outcome. True if Telegram accepted it."""
    now = services.clock()
    settings = services.settings
    if not message.urgent and in_quiet_hours(
        now, settings.tz, settings.quiet_hours_start, settings.quiet_hours_end
    ):
        # Written before quiet hours began: it waits for the morning like the rest.
        release = quiet_release(
            now, settings.tz, settings.quiet_hours_start, settings.quiet_hours_end
        )
        await _later(services, message, "quiet hours", release, count_attempt=False)
        return False
    user = await users_repo.get(services.db.conn, message.recipient_id)
    if message.case_id is not None and not await _may_see(services, user, message.case_id):
        # Queued while they could see the case; deactivated or moved since: not theirs now.
        async with services.db.transaction() as conn:
            await outbox_repo.mark_undeliverable(
                conn, message.id, "failed", "recipient may no longer see the case"
            )
        return False
    t = services.catalogs.for_language(services.users.language_of(user))
    try:
        await _send(bot, services, message, t, extras or Extras())
    except RetryAfter as error:
        delay = error.retry_after
        seconds = delay.total_seconds() if isinstance(delay, timedelta) else float(delay)
        if pace is not None:
            loop = asyncio.get_running_loop()
            pace.blocked_until[message.recipient_id] = loop.time() + seconds
        await _later(services, message, "429", now + timedelta(seconds=seconds))
    except Forbidden as error:
        await _unreachable(services, message, str(error))
    except BadRequest as error:
        logger.error("outbox %s refused by Telegram: %s", message.id, error)
        async with services.db.transaction() as conn:
            await outbox_repo.mark_undeliverable(conn, message.id, "failed", str(error))
    except (NetworkError, TelegramError) as error:
        # 5xx and timeouts: try again later, waiting longer each time.
        backoff = min(MAX_BACKOFF, timedelta(seconds=2 ** min(message.attempts, 10)))
        await _later(services, message, type(error).__name__, now + backoff)
    else:
        async with services.db.transaction() as conn:
            await outbox_repo.mark_sent(conn, message.id, services.clock())
        return True
    return False


async def _may_see(services: Services, user: User | None, case_id: int) -> bool:
    """Whether the recipient, as the database knows them now, may read the case."""
    case = await cases_repo.get(services.db.conn, case_id)
    if user is None or case is None:
        return False
    actor = Actor(
        user_id=user.id,
        role=user.role,
        active=user.active,
        foundation_id=user.foundation_id,
        province=user.province,
    )
    return may_see(actor, CaseRef(case.status, case.foundation_id, case.province))


async def deliver_due(bot: Bot, services: Services, extras: Extras | None = None) -> int:
    """One drain with a fresh worker (tests and scripts; the bot keeps one worker)."""
    return await OutboxWorker(bot, services, extras).run()


async def _unreachable(services: Services, message: OutboxMessage, error: str) -> None:
    """The person blocked the bot. If that leaves a case's foundation with nobody reachable,
    the case's officers are told once, so they can phone or e-mail instead."""
    now = services.clock()
    async with services.db.transaction() as conn:
        await outbox_repo.mark_undeliverable(conn, message.id, "unreachable", error)
        await users_repo.set_reachable(conn, message.recipient_id, False)
        if message.case_id is None:
            return
        case = await cases_repo.get(conn, message.case_id)
        recipient = await users_repo.get(conn, message.recipient_id)
        if case is None or recipient is None or recipient.foundation_id != case.foundation_id:
            return
        members = await users_repo.members_of(conn, case.foundation_id)
        if any(m.reachable for m in members):
            return
        key = f"unreachable:{case.id}"
        if not await reminders_repo.log_once(conn, key, "unreachable", now, case_id=case.id):
            return
        foundation = await foundations_repo.get(conn, case.foundation_id)
        if foundation is None:
            return
        officers = await users_repo.office_for(conn, case.province)
        params = encode_params(
            {
                "tracking_no": case.tracking_no,
                "volunteer": case.volunteer_name,
                "foundation": {"th": foundation.name_th, "en": foundation.name_en},
                "phone": foundation.phone or "-",
                "email": foundation.email or "-",
            }
        )
        for officer in officers:
            await outbox_repo.enqueue(
                conn,
                recipient_id=officer.id,
                case_id=case.id,
                kind="unreachable",
                msg_id=N_("notify.officer.foundation_unreachable"),
                params=params,
                now=now,
            )


async def _later(
    services: Services,
    message: OutboxMessage,
    error: str,
    when: datetime,
    *,
    count_attempt: bool = True,
) -> None:
    async with services.db.transaction() as conn:
        await outbox_repo.reschedule(conn, message.id, error, when, count_attempt=count_attempt)
