"""Who waits for whom: each person's updates in order, different people's at the same time, and
a flood from one person dropped at the door.

PTB hands every update to ``PersonalUpdateProcessor`` (``ApplicationBuilder.concurrent_updates``)
as its own task, in the order they arrived. Updates are keyed by person (the user, else the
chat): one person's updates run one after another, in arrival order, under that person's lock,
so a conversation never sees a message before the one sent ahead of it is handled; other
people's updates run beside them. At most ``RUNNING`` updates run at once, and an update waiting
for its own person's earlier one holds no running slot: a flooder's queue delays nobody else.

PTB warns that a ``ConversationHandler`` needs updates one by one: it does within one
conversation, and ours are all per user (``per_user=True``, checked by
``tests/test_fairness.py``), so every update of a conversation waits for its person's turn.

The flood limit is a sliding window per person (``judge``, a pure rule): far above what anyone
does by hand, and stricter for someone with no role yet (nobody has invited or appointed them).
Updates over it are dropped where they arrive, before any database work; the person is told
once ("please slow down"), and again only after a quiet spell of one window.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.config import Settings
from bot.i18n_marker import N_
from bot.runtime import CertBotApplication
from bot.workflow import Role

logger = logging.getLogger(__name__)

# Updates running at once, not counting those waiting for their own person's turn.
RUNNING = 64
# Updates PTB lets in at once (running or waiting for their person's turn) before it waits.
ACCEPTED = 4096
# Every this many updates, forget people idle for two windows (keeps memory bounded).
SWEEP_EVERY = 1000

SLOW_DOWN = N_("flood.slow_down")


@dataclass(frozen=True, slots=True)
class FloodRule:
    """At most ``limit`` updates in any ``window`` seconds from someone with a role, at most
    ``newcomer`` from someone without (0: the same as ``limit``); ``limit`` 0 turns it off."""

    window: float
    limit: int
    newcomer: int

    def limit_for(self, role: Role) -> int:
        return self.newcomer or self.limit if role is Role.NONE else self.limit


class Verdict(Enum):
    ACCEPT = "accept"
    DROP = "drop"
    ASK_ROLE = "ask_role"
    """Within a role's limit, over a newcomer's: kept until the person's role is known (looked
    up in their turn, so their order holds)."""


@dataclass
class Person:
    """What is kept about one person while they are active."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    accepted: deque[float] = field(default_factory=deque)
    """When each update let in during the last window arrived."""
    role: Role | None = None
    last_drop: float | None = None
    told: bool = False


def judge(rule: FloodRule, person: Person, now: float) -> tuple[Verdict, int]:
    """Count one arriving update against the person's window: the verdict and how many updates
    the window held before it (pure: no I/O, ``now`` given)."""
    window = person.accepted
    while window and window[0] <= now - rule.window:
        window.popleft()
    if person.told and person.last_drop is not None and person.last_drop <= now - rule.window:
        person.told = False  # a whole window without a drop: a new flood is told again
    before = len(window)
    if not rule.limit:
        return Verdict.ACCEPT, before
    if person.role is not None:
        verdict = Verdict.ACCEPT if before < rule.limit_for(person.role) else Verdict.DROP
    elif before < min(rule.limit_for(Role.NONE), rule.limit):
        verdict = Verdict.ACCEPT
    elif before < max(rule.limit_for(Role.NONE), rule.limit):
        verdict = Verdict.ASK_ROLE
    else:
        verdict = Verdict.DROP
    if verdict is Verdict.DROP:
        person.last_drop = now
    else:
        window.append(now)
    return verdict, before


def person_of(update: object) -> int | None:
    """Whose turn an update takes: the user's, else the chat's (None: nobody's)."""
    if not isinstance(update, Update):
        return None
    if update.effective_user is not None:
        return update.effective_user.id
    if update.effective_chat is not None:
        return update.effective_chat.id
    return None


RoleOf = Callable[[int], Awaitable[Role]]
Notify = Callable[[Update], Awaitable[None]]


class PersonalUpdateProcessor(BaseUpdateProcessor):
    """Built before the application; ``attach`` gives it the role lookup and the notice."""

    def __init__(self, rule: FloodRule, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(ACCEPTED)
        self.rule = rule
        self.clock = clock
        self.people: dict[int, Person] = {}
        self.running = asyncio.Semaphore(RUNNING)
        self.role_of: RoleOf | None = None
        self.notify: Notify | None = None
        self.dropped = 0
        self._arrived = 0

    def attach(self, role_of: RoleOf, notify: Notify) -> None:
        self.role_of, self.notify = role_of, notify

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close: PTB itself waits for the updates under way."""

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = person_of(update)
        if key is None:
            async with self.running:
                await coroutine
            return
        person = self.people.get(key)
        if person is None:
            person = self.people[key] = Person()
        # Judged on arrival, before the first await: in the order the updates came in.
        verdict, before = judge(self.rule, person, self.clock())
        self._sweep()
        async with person.lock:  # the person's turn: their updates keep their order
            if verdict is Verdict.ASK_ROLE:
                verdict = await self._settle(key, person, before)
            if verdict is Verdict.DROP:
                await self._drop(update, person, coroutine)
                return
            async with self.running:
                await coroutine

    async def _settle(self, key: int, person: Person, before: int) -> Verdict:
        if person.role is None:
            person.role = await self.role_of(key) if self.role_of else Role.NONE
        if before < self.rule.limit_for(person.role):
            return Verdict.ACCEPT
        person.last_drop = self.clock()
        return Verdict.DROP

    async def _drop(self, update: object, person: Person, coroutine: Awaitable[Any]) -> None:
        self.dropped += 1
        if asyncio.iscoroutine(coroutine):
            coroutine.close()  # never run: the update is dropped
        if person.told or self.notify is None or not isinstance(update, Update):
            return
        person.told = True
        logger.info("flood limit: dropping a person's updates (%d dropped in all)", self.dropped)
        async with self.running:
            try:
                await self.notify(update)
            except Exception:  # the notice is a courtesy; dropping goes on
                logger.warning("flood limit: the slow-down notice failed", exc_info=True)

    def _sweep(self) -> None:
        self._arrived += 1
        if self._arrived % SWEEP_EVERY:
            return
        horizon = self.clock() - 2 * self.rule.window
        for key, person in list(self.people.items()):
            idle = not person.accepted or person.accepted[-1] < horizon
            quiet = person.last_drop is None or person.last_drop < horizon
            if idle and quiet and not person.lock.locked():
                del self.people[key]


def flood_rule(settings: Settings) -> FloodRule:
    return FloodRule(
        settings.flood_window_seconds, settings.flood_limit, settings.flood_limit_newcomer
    )


def attach(processor: PersonalUpdateProcessor, application: CertBotApplication) -> None:
    """Look roles up and send the notice through the application's services and bot."""

    async def role_of(user_id: int) -> Role:
        user = await application.services.users.get(user_id)
        return user.role if user is not None and user.active else Role.NONE

    async def notify(update: Update) -> None:
        chat, person = update.effective_chat, update.effective_user
        if chat is None:
            return
        services = application.services
        user = await services.users.get(person.id) if person is not None else None
        language = services.users.language_of(user, person.language_code if person else None)
        text = services.catalogs.for_language(language).t(SLOW_DOWN)
        await application.bot.send_message(chat.id, text)

    processor.attach(role_of, notify)
