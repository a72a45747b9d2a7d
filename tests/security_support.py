"""Shared by the security tests: the kinds of person the authorization matrix plays, fresh people
for every check, pressing and typing through the fake Telegram with the answer to inspect,
cases at each stage made through the services, snapshots of what must not change, and the
handlers the real application registered, walked like PTB walks them.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from telegram import Update
from telegram.ext import (
    AIORateLimiter,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
)

from bot.i18n_marker import N_
from bot.kernel.inputs import FileMeta
from bot.runtime import CertBotApplication
from bot.testing.fake_telegram import AnsweredCallback, FakeUser, SentMessage
from bot.testing.harness import BotUnderTest
from bot.workflow import Role, Status
from storage import outbox as outbox_repo
from storage import users as users_repo
from storage.models import Case
from tests.conftest import World
from tests.foundation_steps import PDF, details_for


class Kind(StrEnum):
    """Who presses: the seven kinds of person every command and button is played by."""

    STRANGER = "stranger"
    OTHER_MEMBER = "member of another foundation"
    MEMBER = "member of the case's foundation"
    OTHER_OFFICER = "officer of another province"
    OFFICER = "officer of the case's province"
    INACTIVE_OFFICER = "deactivated officer"
    ADMIN = "admin"


ALL = frozenset(Kind)
MEMBERS = frozenset({Kind.MEMBER, Kind.OTHER_MEMBER})
OFFICE = frozenset({Kind.OFFICER, Kind.ADMIN})
STAFF = frozenset({Kind.OFFICER, Kind.OTHER_OFFICER, Kind.ADMIN})

# Each kind reads the bot in one language, so that a refusal is checked in the person's own.
LANGUAGE: dict[Kind, str] = {
    Kind.STRANGER: "en",
    Kind.OTHER_MEMBER: "en",
    Kind.MEMBER: "th",
    Kind.OTHER_OFFICER: "en",
    Kind.OFFICER: "th",
    Kind.INACTIVE_OFFICER: "en",
    Kind.ADMIN: "th",
}

# What the bot says when someone may not do something (or the button is not theirs to press).
REFUSALS = (
    N_("error.not_allowed"),
    N_("error.case_not_found"),
    N_("common.stale_button"),
    N_("common.button_too_old"),
    N_("officer.error.inactive"),
    N_("digest.officers_only"),
    N_("foundation.error.not_member"),
    N_("foundation.error.already_member"),
)
BROKEN = N_("common.something_went_wrong")


def refusal_texts(bot: BotUnderTest, lang: str) -> set[str]:
    t = bot.services.catalogs.for_language(lang)
    return {t.t(msg_id) for msg_id in REFUSALS}


def all_refusal_texts(bot: BotUnderTest) -> set[str]:
    texts = refusal_texts(bot, "th") | refusal_texts(bot, "en")
    return texts | {bot.services.catalogs.for_language(lang).t(BROKEN) for lang in ("th", "en")}


# ----- the registered handlers ------------------------------------------------------------------


def walk(handler: BaseHandler[Any, Any, Any]) -> Iterator[BaseHandler[Any, Any, Any]]:
    """The handler and, for a conversation, every entry point, state and fallback in it."""
    if isinstance(handler, ConversationHandler):
        for inner in handler.entry_points:
            yield from walk(inner)
        for handlers in handler.states.values():
            for inner in handlers:
                yield from walk(inner)
        for inner in handler.fallbacks:
            yield from walk(inner)
    else:
        yield handler


def all_handlers(application: CertBotApplication) -> Iterator[BaseHandler[Update, Any, Any]]:
    for group in sorted(application.handlers):
        for handler in application.handlers[group]:
            yield from walk(handler)


def head_of(pattern: object) -> str | None:
    """The fixed start of a callback pattern: ``^fw:reg(?::|$)`` is ``fw:reg``, ``^lang:`` is
    ``lang``; None for a handler that takes every press (the stale-button catch-all)."""
    if pattern is None:
        return None
    text = pattern.pattern if isinstance(pattern, re.Pattern) else str(pattern)
    match = re.match(r"\^([a-z0-9_:]+?):?(?:\(|$)", text)
    assert match, f"a callback pattern without a literal prefix: {text!r}"
    return match.group(1)


def registered_commands(application: CertBotApplication) -> set[str]:
    return {
        command
        for handler in all_handlers(application)
        if isinstance(handler, CommandHandler)
        for command in handler.commands
    }


def registered_heads(application: CertBotApplication) -> set[str]:
    heads = {
        head_of(handler.pattern)
        for handler in all_handlers(application)
        if isinstance(handler, CallbackQueryHandler)
    }
    return {h for h in heads if h is not None}


# ----- people -----------------------------------------------------------------------------------

_ids = itertools.count(500_000)


def new_id() -> int:
    """A user id no test of this process used before (each check plays fresh people)."""
    return next(_ids)


async def add_person(bot: BotUnderTest, world: World, kind: Kind) -> FakeUser:
    """A new person of this kind, in the database and as a fake Telegram user."""
    uid = new_id()
    lang = LANGUAGE[kind]
    user = bot.fake.user(uid, f"P{uid}", language_code=lang)
    role, foundation, province, active = {
        Kind.STRANGER: (Role.NONE, None, None, True),
        Kind.OTHER_MEMBER: (Role.MEMBER, world.other_foundation_id, None, True),
        Kind.MEMBER: (Role.MEMBER, world.foundation_id, None, True),
        Kind.OTHER_OFFICER: (Role.OFFICER, None, world.other_province, True),
        Kind.OFFICER: (Role.OFFICER, None, world.province, True),
        Kind.INACTIVE_OFFICER: (Role.OFFICER, None, world.province, False),
        Kind.ADMIN: (Role.ADMIN, None, None, True),
    }[kind]
    now = bot.services.clock()
    async with bot.services.db.transaction() as conn:
        await users_repo.touch(conn, uid, user.first_name, lang, now)
        await users_repo.set_role(conn, uid, role, now, foundation_id=foundation, province=province)
        if not active:
            await conn.execute("UPDATE users SET active = 0 WHERE id = ?", (uid,))
    return user


async def retire(bot: BotUnderTest, *uids: int) -> None:
    """Done with these people: inactive, so later checks' notifications do not go to them."""
    async with bot.services.db.transaction() as conn:
        await conn.executemany("UPDATE users SET active = 0 WHERE id = ?", [(u,) for u in uids])


def unthrottle(bot: BotUnderTest) -> None:
    """Lift PTB's overall 30-requests-a-second limit for this bot: the fake enforces no flood
    limits, and a test that plays hundreds of people would spend most of its time waiting on
    it. (The production limiter is configured in ``bot.app`` and stays as it is.)"""
    limiter = bot.application.bot.rate_limiter
    assert isinstance(limiter, AIORateLimiter)
    limiter._base_limiter = None


# ----- pressing and typing ----------------------------------------------------------------------


@dataclass
class Reply:
    """What one update got back: answers to the press, new messages, edited messages."""

    answers: list[AnsweredCallback] = field(default_factory=list)
    messages: list[SentMessage] = field(default_factory=list)
    edited: list[SentMessage] = field(default_factory=list)

    @property
    def texts(self) -> list[str]:
        found = [a.text for a in self.answers if a.text]
        found += [m.text for m in self.messages if m.text]
        found += [m.text for m in self.edited if m.text]
        return found

    @property
    def answer(self) -> str | None:
        return self.answers[-1].text if self.answers else None

    def describe(self) -> str:
        return (
            f"answers={[a.text for a in self.answers]} "
            f"messages={[m.describe() for m in self.messages]} "
            f"edited={[m.describe() for m in self.edited]}"
        )


async def anchor(bot: BotUnderTest, user: FakeUser, text: str = "·") -> int:
    """A message of the bot's in the person's chat, sent now, for buttons to sit on."""
    message = await bot.application.bot.send_message(user.id, text)
    return message.message_id


class Watch:
    """What the bot sends a person from now on."""

    def __init__(self, user: FakeUser) -> None:
        self.user = user
        self.mark = user.mark()
        self.edits = {m.message_id: m.edited for m in user.messages()}

    def reply(self, query_id: str | None = None) -> Reply:
        messages = self.user.messages()
        answers = (
            [a for a in self.user.answered_callbacks if a.query_id == query_id]
            if query_id is not None
            else []
        )
        return Reply(
            answers=answers,
            messages=[m for m in messages if m.message_id > self.mark],
            edited=[
                m
                for m in messages
                if m.message_id <= self.mark and m.edited > self.edits.get(m.message_id, 0)
            ],
        )


async def settle(bot: BotUnderTest, *, outbox: bool = False) -> None:
    """Every update sent so far is processed; with ``outbox``, every notification now due is
    sent too. The checks here read only what the bot answered the person acting, so they do
    not wait for notifications to others: the outbox job sends those meanwhile."""
    await bot.fake.wait_delivered()
    await bot.application.update_queue.join()
    if not outbox:
        return

    async def drained() -> bool:
        return await outbox_repo.count_due(bot.services.db.conn, bot.services.clock()) == 0

    await bot.eventually(drained, interval=0.005)


async def press(bot: BotUnderTest, user: FakeUser, data: str, message_id: int) -> Reply:
    await settle(bot)
    watch = Watch(user)
    query = await user.press_data(data, message_id)
    await settle(bot)
    return watch.reply(str(query["id"]))


async def send_text(bot: BotUnderTest, user: FakeUser, text: str) -> Reply:
    await settle(bot)
    watch = Watch(user)
    await user.send_text(text)
    await settle(bot)
    return watch.reply()


async def send_document(
    bot: BotUnderTest, user: FakeUser, data: bytes, name: str, mime: str | None = None
) -> Reply:
    await settle(bot)
    watch = Watch(user)
    await user.send_document(data, name, mime)
    await settle(bot)
    return watch.reply()


# ----- cases at each stage ----------------------------------------------------------------------


def file_meta(bot: BotUnderTest, name: str) -> FileMeta:
    data = PDF + name.encode()
    return FileMeta(
        file_name=f"{name}.pdf",
        mime_type="application/pdf",
        size=len(data),
        sha256=bot.services.files.put(data),
    )


def bookable(bot: BotUnderTest) -> dt.datetime:
    """The first pickup moment the office hours and holidays allow from now on."""
    issuance, now = bot.services.issuance, bot.services.clock()
    for day in issuance.rules.offerable_days(now):
        slots = issuance.rules.slots(day, now)
        if slots:
            return issuance.local_moment(day, slots[0])
    raise AssertionError("no bookable pickup moment")


class Stages:
    """Fresh cases of the world's home foundation (province 50), moved on by its officer."""

    def __init__(self, bot: BotUnderTest, world: World) -> None:
        self.bot = bot
        self.world = world

    @property
    def cases(self) -> Any:
        return self.bot.services

    async def submitted(
        self, name: str = "ANNA MARIA SCHMIDT", *, by: int | None = None, province: str = ""
    ) -> Case:
        """Submitted by the home foundation's member (or ``by``) with every required document
        (the same bytes each time: the file store keeps one copy), for work in ``province``
        (the home province unless given)."""
        cases, member = self.cases, by or self.world.member
        details = {
            **details_for(self.bot),
            "full_name": name,
            "work_province": province or self.world.province,
        }
        case = await cases.application.create_draft(
            member, volunteer_name=name, passport_no=details["passport_no"], details=details
        )
        for item in cases.kernel.checklist.required:
            meta = file_meta(self.bot, item.key)
            outcome, _ = await cases.application.upload_attachment(
                member, case.id, case.version, item.key, meta
            )
            case = outcome.case
        submitted: Case = (await cases.application.submit(member, case.id, case.version)).case
        return submitted

    async def correction(self) -> Case:
        """Sent back to the foundation with the CV flagged."""
        case = await self.submitted()
        cv = next(a for a in await self.cases.kernel.current_attachments(case.id) if a.item == "cv")
        officer = self.world.officer
        case = (
            await self.cases.review.mark_attachment(
                officer, case.id, case.version, cv.id, "needs_correction", "Unsigned"
            )
        ).case
        return (
            await self.cases.review.request_correction(officer, case.id, case.version, None)
        ).case

    async def consideration(self) -> Case:
        case = await self.submitted()
        officer = self.world.officer
        case = (
            await self.cases.review.mark_remaining(officer, case.id, case.version, "complete")
        ).case
        receipt = f"R-{case.id}"
        return (
            await self.cases.review.documents_complete(officer, case.id, case.version, receipt)
        ).case

    async def all_correct(self) -> Case:
        case = await self.consideration()
        officer = self.world.officer
        return (
            await self.cases.review.mark_remaining(officer, case.id, case.version, "correct")
        ).case

    async def approved(self) -> Case:
        case = await self.all_correct()
        case = (
            await self.cases.consideration.approve(self.world.officer, case.id, case.version, None)
        ).case
        assert case.status is Status.AWAITING_ISSUANCE
        return case

    async def signing(self) -> Case:
        case = await self.approved()
        return (
            await self.cases.issuing.send_for_signing(self.world.officer, case.id, case.version)
        ).case

    async def scheduled(self) -> tuple[Case, int]:
        """Out for signing with a pickup appointment; the case and the appointment's id."""
        case = await self.signing()
        issuance = self.bot.services.issuance
        outcome = await issuance.schedule(
            self.world.officer, case.id, case.version, bookable(self.bot), None, None, "th"
        )
        appointment = await issuance.appointment(case.id)
        assert appointment is not None
        return outcome.case, appointment.id


# ----- what must not change ---------------------------------------------------------------------

Snapshot = dict[str, tuple[Any, ...]]

# One row per table: what any change to it changes. ``case_events`` is append-only (triggers),
# every case update bumps its version, and a verdict is written with its time.
_FINGERPRINTS = {
    "cases": "SELECT count(*), max(id), total(version), max(updated_at) FROM cases",
    "case_events": "SELECT count(*), max(id) FROM case_events",
    "attachments": "SELECT count(*), max(id), count(verdict), max(verdict_at),"
    " total(length(verdict_reason)) FROM attachments",
    "appointments": "SELECT group_concat(id || ':' || state || ':' || starts_at || ':'"
    " || ifnull(answered_at, ''), ',') FROM (SELECT * FROM appointments ORDER BY id)",
    "foundations": "SELECT count(*), max(id) FROM foundations",
    "invites": "SELECT count(*), max(id), count(used_at), count(revoked_at) FROM invites",
    "roles": "SELECT group_concat(id || ':' || role || ':' || active || ':'"
    " || ifnull(foundation_id, '') || ':' || ifnull(province, ''), ',')"
    " FROM (SELECT * FROM users ORDER BY id)",
    # Notifications queued for anyone but the person acting (not their delivery state).
    "outbox": "SELECT count(*), max(id) FROM outbox WHERE recipient_id <> :actor",
}


async def snapshot(bot: BotUnderTest, actor: int) -> Snapshot:
    """Cases, their events, attachments and appointments, foundations, invitations, everyone's
    role, and the notifications queued for anyone but ``actor``."""
    conn = bot.services.db.conn
    taken: Snapshot = {}
    for name, sql in _FINGERPRINTS.items():
        async with conn.execute(sql, {"actor": actor}) as cur:
            row = await cur.fetchone()
        taken[name] = tuple(row) if row is not None else ()
    return taken


def differences(before: Snapshot, after: Snapshot) -> list[str]:
    return [
        f"{name}: {before[name]} -> {after[name]}" for name in before if before[name] != after[name]
    ]
