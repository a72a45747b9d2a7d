"""Callback data is never trusted, and invitation codes are not a way in.

Buttons: forged, truncated, oversized, non-ASCII and replayed data, a case id that does not
exist or is someone else's, a stale version, and a button on a message from last month all get
a clear answer (every press answered once, never "something went wrong") and change nothing.

Invitations through the bot (``/start m_...``, ``/start o_...``): guessing is slowed down per
person; used, expired and revoked codes are refused with their own message.
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import logging
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.clock import Clock, system_clock
from bot.services.invites import MAX_FAILURES, _hash
from bot.testing.clock import ManualClock
from bot.testing.fake_telegram import FakeTelegram, FakeUser
from bot.testing.harness import BotUnderTest
from bot.workflow import Role, Status
from handlers.common import MAX_BUTTON_AGE, Language
from handlers.foundation import buttons as fb
from handlers.foundation import buttons as pb
from handlers.officer import buttons as ic
from handlers.officer import buttons as oc
from storage import cases as cases_repo
from storage import users as users_repo
from tests.button_data import encode
from tests.conftest import World, seed_world
from tests.security_support import (
    Reply,
    Stages,
    Watch,
    anchor,
    differences,
    press,
    send_text,
    settle,
    snapshot,
    unthrottle,
)


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


@asynccontextmanager
async def running(
    fake: FakeTelegram, tmp_path: Path, clock: Clock = system_clock
) -> AsyncIterator[tuple[BotUnderTest, World]]:
    async with BotUnderTest.start(fake, tmp_path, clock=clock, outbox_interval_seconds=0.01) as bot:
        unthrottle(bot)
        world = await seed_world(bot.services.db, bot.services.clock())
        yield bot, world


def t_of(bot: BotUnderTest, lang: str) -> dict[str, str]:
    t = bot.services.catalogs.for_language(lang)
    ids = (
        "common.stale_button",
        "common.button_too_old",
        "common.something_went_wrong",
        "error.case_not_found",
        "error.not_allowed",
        "common.conflict",
        "officer.already_saved",
    )
    return {msg_id: t.t(msg_id) for msg_id in ids}


def errors_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


# ----- forged, truncated, oversized, non-ASCII -----------------------------------------------


def garbled(data: str) -> list[str]:
    """What a modified client or a bit flip might send instead of a real button's data."""
    prefix, *fields = data.split(":")
    variants = [
        prefix + ":",  # fields cut off, separator kept
        data + ":",  # an empty extra field
        data + ":7",  # one field too many
        data + "x",  # letters where the last field was
        data + ":" + "9" * 70,  # over Telegram's 64 bytes
        data + "\n",  # a trailing newline
        data.upper(),  # not our prefix
        data.replace(":", "::", 1),  # an empty field in the middle
        "\u200b" + data,  # an invisible character first
    ]
    if fields:
        variants.append(":".join([prefix, *fields[:-1]]))  # the last field cut off
        digits = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")  # the same numbers in Thai digits
        variants.append(":".join([prefix, *(f.translate(digits) for f in fields)]))
        fullwidth = str.maketrans("0123456789", "".join(chr(0xFF10 + d) for d in range(10)))
        variants.append(":".join([prefix, *(f.translate(fullwidth) for f in fields)]))
    return [v for v in dict.fromkeys(variants) if v != data]


NEVER_OURS = [
    "",
    " ",
    ":",
    "::::",
    "zz:1",
    "a" * 65,
    "😀",
    "ปุ่ม",
    "oc:9223372036854775808",  # one past SQLite's largest integer
    "oc:-9223372036854775809",
    "oc:99999999999999999999",
    "oc:1e3",
    "oc:0x1f",
    "oc:+1",
    "oc: 1",
    "oc:" + "0" * 61 + "1",  # a real number, but 65 bytes
    "lang:TH",
    "lang:ไทย",
    "oq:waiting_for_officer:0:0",
    "oq:WAITING_FOR_OFFICER:0",
    # Buttons whose handlers read no fields: garbage after them is still garbage.
    "fad:1",
    "fin:x",
    "fpd:",
    "fan:0",
    "frs:1",
    "oiw:1",
    "od:1",
]


async def test_callback_data_we_never_made_is_refused_and_changes_nothing(
    fake: FakeTelegram, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    async with running(fake, tmp_path) as (bot, world):
        stages = Stages(bot, world)
        case = await stages.submitted()
        await bot.services.users.set_language(world.member, "en")
        officer = fake.user(world.officer, "Somchai", language_code="th")
        member = fake.user(world.member, "Anna", language_code="en")
        await bot.services.foundations.accept_privacy(world.member)
        await bot.services.applications.start(world.member)  # a draft "fad:1" must not discard

        # The real buttons each of them has: the case screen, the member's case view.
        where = await anchor(bot, officer)
        screen = await press(bot, officer, encode(oc.ShowCase, case.id), where)
        officer_data = [d for m in screen.edited for row in m.buttons for _, d in row if d]
        assert len(officer_data) >= 5, screen.describe()
        home = await anchor(bot, member)
        view = await press(bot, member, encode(fb.CaseOpen, case.id), home)
        member_data = [d for m in view.messages for row in m.buttons for _, d in row if d]
        assert member_data, view.describe()

        plays = [
            (officer, where, d)
            for d in NEVER_OURS + sorted({g for d in officer_data for g in garbled(d)})
        ]
        plays += [
            (member, home, d)
            for d in NEVER_OURS + sorted({g for d in member_data for g in garbled(d)})
        ]
        th, en = t_of(bot, "th"), t_of(bot, "en")
        refusals = {
            officer.id: {th["common.stale_button"], th["error.case_not_found"]},
            member.id: {en["common.stale_button"], en["error.case_not_found"]},
        }
        await settle(bot, outbox=True)
        draft_before = await bot.services.applications.current(world.member)
        before = await snapshot(bot, actor=0)
        problems = []
        for user, message_id, data in plays:
            reply = await press(bot, user, data, message_id)
            if [a.text for a in reply.answers] not in [[r] for r in refusals[user.id]]:
                problems.append(f"{user.id} {data!r}: {reply.describe()}")
            if reply.messages:
                problems.append(f"{user.id} {data!r}: sent {reply.describe()}")
        assert not problems, "\n".join(problems)
        assert differences(before, await snapshot(bot, actor=0)) == []
        assert await bot.services.applications.current(world.member) == draft_before
        assert errors_logged(caplog) == []


async def test_cases_that_do_not_exist_or_are_someone_elses(
    fake: FakeTelegram, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    async with running(fake, tmp_path) as (bot, world):
        stages = Stages(bot, world)
        home = await stages.submitted()
        # A case of the other foundation, in the other province.
        cases = bot.services
        away = await cases.application.create_draft(
            world.other_member,
            volunteer_name="OTHER PERSON",
            passport_no="ZX9988776",
            details={"work_province": world.other_province},
        )
        for item in cases.kernel.checklist.required:
            from tests.security_support import file_meta

            outcome, _ = await cases.application.upload_attachment(
                world.other_member, away.id, away.version, item.key, file_meta(bot, item.key)
            )
            away = outcome.case
        away = (await cases.application.submit(world.other_member, away.id, away.version)).case
        assert away.province == world.other_province or away.foundation_id != home.foundation_id
        missing = 10**9

        officer = fake.user(world.officer, "Somchai", language_code="th")
        member = fake.user(world.member, "Anna", language_code="th")
        th = t_of(bot, "th")
        not_found = th["error.case_not_found"]
        plays: list[tuple[FakeUser, str]] = []
        for case_id, version in ((missing, 1), (away.id, away.version), (-1, 1), (0, 0)):
            plays += [
                (officer, encode(oc.OpenCase, case_id)),
                (officer, encode(oc.ShowCase, case_id)),
                (officer, encode(oc.Timeline, case_id)),
                (officer, encode(oc.OpenFile, case_id, 1)),
                (officer, encode(oc.AskAct, "claim", case_id, version, 0)),
                (officer, encode(oc.DoAct, "claim", case_id, version, 0)),
                (officer, encode(oc.PromptAct, "note", case_id, version, 0)),
                (officer, encode(ic.PrintPack, case_id)),
                (officer, encode(ic.DoIssuance, "sign", case_id, version)),
                (member, encode(fb.CaseOpen, case_id)),
                (member, encode(fb.Withdraw, case_id, version)),
                (member, encode(fb.StartCorrecting, case_id)),
                (member, encode(pb.PickupSummary, case_id, 1)),
                (member, encode(pb.AskReschedule, case_id, 1)),
            ]
        # An attachment of the other case, asked for through this officer's own case.
        theirs = (await cases.kernel.current_attachments(away.id))[0]
        plays.append((officer, encode(oc.OpenFile, home.id, theirs.id)))
        anchors = {u.id: await anchor(bot, u) for u in (officer, member)}
        t = bot.services.catalogs.for_language("th")
        refusals = {
            not_found,
            th["common.stale_button"],
            t.t("error.attachment_not_found"),
        }
        await settle(bot, outbox=True)
        before = await snapshot(bot, actor=0)
        problems = []
        for user, data in plays:
            reply = await press(bot, user, data, anchors[user.id])
            said = [a.text for a in reply.answers]
            if len(said) != 1 or said[0] not in refusals:
                problems.append(f"{data!r}: {reply.describe()}")
            if any(away.tracking_no in t or "OTHER PERSON" in t for t in reply.texts):
                problems.append(f"{data!r} told about the other case: {reply.describe()}")
            if any(m.kind == "document" for m in reply.messages):
                problems.append(f"{data!r} sent a file: {reply.describe()}")
        assert not problems, "\n".join(problems)
        assert differences(before, await snapshot(bot, actor=0)) == []
        assert errors_logged(caplog) == []


# ----- replayed and stale ---------------------------------------------------------------------


async def test_replayed_buttons_and_stale_versions_change_nothing_twice(
    fake: FakeTelegram, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    async with running(fake, tmp_path) as (bot, world):
        stages, cases = Stages(bot, world), bot.services
        th = t_of(bot, "th")
        officer = fake.user(world.officer, "Somchai", language_code="th")
        colleague = fake.user(world.central_officer, "Malee", language_code="th")
        where = await anchor(bot, officer)

        async def replayed(user: FakeUser, data: str, at: int) -> tuple[Reply, Reply]:
            first = await press(bot, user, data, at)
            before = await snapshot(bot, actor=0)
            again = await press(bot, user, data, at)
            assert differences(before, await snapshot(bot, actor=0)) == [], data
            assert len(again.answers) == 1 and again.answer, again.describe()
            assert again.answer != th["common.something_went_wrong"]
            return first, again

        # Claiming twice: the second is told it is saved already, not saved again.
        case = await stages.submitted()
        claim = encode(oc.DoAct, "claim", case.id, case.version, 0)
        first, again = await replayed(officer, claim, where)
        assert first.answer and first.answer != again.answer
        assert again.answer == th["officer.already_saved"]
        claims = [e for e in await cases.kernel.timeline(case.id) if e.action == "claim"]
        assert len(claims) == 1

        # A colleague changed the case meanwhile: a button of the old version is a conflict.
        case = await stages.submitted()
        old = encode(oc.DoAct, "claim", case.id, case.version, 0)
        await cases.review.claim(world.central_officer, case.id, case.version)
        before = await snapshot(bot, actor=0)
        stale = await press(bot, officer, old, where)
        assert stale.answer == th["common.conflict"], stale.describe()
        assert differences(before, await snapshot(bot, actor=0)) == []
        ask = await press(bot, colleague, encode(oc.AskAct, "claim", case.id, 1, 0), where)
        assert len(ask.answers) == 1  # the colleague's old summary: shown the case as it is

        # A button on a message that is gone (deleted by the person): the case screen comes
        # as a new message, and the press is answered once.
        gone = await press(bot, officer, encode(oc.ShowCase, case.id), 10**6)
        assert [a.text for a in gone.answers] == [None], gone.describe()
        assert any(case.tracking_no in (m.text or "") for m in gone.messages), gone.describe()

        # Sent for signing twice.
        case = await stages.approved()
        sign = encode(ic.DoIssuance, ic.SIGN, case.id, case.version)
        await replayed(officer, sign, where)
        assert (await cases_repo.get(bot.services.db.conn, case.id)).status is (  # type: ignore[union-attr]
            Status.AWAITING_SIGNATURE
        )

        # The member confirms the pickup twice, and withdraws, replaying the confirmation.
        member = fake.user(world.member, "Anna", language_code="th")
        home = await anchor(bot, member)
        case, appointment = await stages.scheduled()
        await replayed(member, encode(pb.ConfirmPickup, case.id, appointment), home)
        case = await stages.submitted()
        await press(bot, member, encode(fb.Withdraw, case.id, case.version), home)
        await send_text(bot, member, "The volunteer changed plans")
        withdraw = encode(fb.ConfirmWithdraw, case.id, case.version)
        await replayed(member, withdraw, home)
        withdrawn = [e for e in await cases.kernel.timeline(case.id) if e.action == "withdraw"]
        assert len(withdrawn) == 1
        assert errors_logged(caplog) == []


# ----- buttons from last month ----------------------------------------------------------------

_query_ids = itertools.count(7_000_000_000)


async def press_on_old_message(
    bot: BotUnderTest,
    user: FakeUser,
    data: str,
    message_id: int,
    age: dt.timedelta,
    edited: dt.timedelta | None = None,
) -> Reply:
    """A press on the bot's message ``message_id`` as Telegram would send it if that message
    had been sent ``age`` ago (and last edited ``edited`` ago)."""
    sent = bot.fake.message(user.id, message_id)
    assert sent is not None
    message = copy.deepcopy(sent.raw)
    now = bot.clock().timestamp()  # the bot's own "now", whatever clock it runs on
    message["date"] = int(now - age.total_seconds())
    message.pop("edit_date", None)
    if edited is not None:
        message["edit_date"] = int(now - edited.total_seconds())
    query = {
        "id": str(next(_query_ids)),
        "from": user.as_dict(),
        "message": message,
        "chat_instance": "old-chat",
        "data": data,
    }
    await settle(bot)
    watch = Watch(user)
    bot.fake.enqueue_update({"callback_query": query})
    await settle(bot)
    return watch.reply(query["id"])


async def test_a_button_from_last_month_does_nothing(
    fake: FakeTelegram, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    async with running(fake, tmp_path) as (bot, world):
        stages = Stages(bot, world)
        th, en = t_of(bot, "th"), t_of(bot, "en")
        officer = fake.user(world.officer, "Somchai", language_code="th")
        member = fake.user(world.member, "Anna", language_code="en")
        await bot.services.users.set_language(world.member, "en")
        admin = fake.user(world.admin, "Admin", language_code="th")
        assert dt.timedelta(days=30) >= MAX_BUTTON_AGE
        last_month = dt.timedelta(days=31)

        case = await stages.submitted()
        approved = await stages.approved()
        scheduled, appointment = await stages.scheduled()
        moved = await users_repo.get(bot.services.db.conn, world.officer_elsewhere)
        assert moved is not None
        plays = [
            (officer, encode(oc.DoAct, "claim", case.id, case.version, 0)),
            (officer, encode(oc.ShowCase, case.id)),
            (officer, encode(ic.DoIssuance, ic.SIGN, approved.id, approved.version)),
            (member, encode(fb.Withdraw, case.id, case.version)),
            (member, encode(pb.ConfirmPickup, scheduled.id, appointment)),
            (member, encode(fb.Invite)),
            (member, encode(Language, "th")),
            (admin, encode(oc.MoveOfficer, world.officer_elsewhere, "50")),
            (admin, encode(oc.SetActive, world.officer_elsewhere, 0)),
            (admin, encode(oc.AdminInvite, 1)),
        ]
        anchors = {u.id: await anchor(bot, u) for u in (officer, member, admin)}
        await settle(bot, outbox=True)
        before = await snapshot(bot, actor=0)
        for user, data in plays:
            reply = await press_on_old_message(bot, user, data, anchors[user.id], last_month)
            wanted = (en if user is member else th)["common.button_too_old"]
            assert [a.text for a in reply.answers] == [wanted], (data, reply.describe())
            assert not reply.messages and not reply.edited, (data, reply.describe())
        assert differences(before, await snapshot(bot, actor=0)) == []
        member_row = await users_repo.get(bot.services.db.conn, world.member)
        assert member_row is not None and member_row.language == "en"

        # A month-old message edited (its buttons made anew) yesterday is as new; and a button
        # of four weeks ago still works.
        fresh = await press_on_old_message(
            bot,
            officer,
            encode(oc.DoAct, "claim", case.id, case.version, 0),
            anchors[officer.id],
            dt.timedelta(days=40),
            edited=dt.timedelta(days=1),
        )
        assert fresh.answer and fresh.answer != th["common.button_too_old"], fresh.describe()
        assert [e.action for e in await bot.services.kernel.timeline(case.id)][-1] == "claim"
        recent = await press_on_old_message(
            bot, member, encode(fb.CaseOpen, case.id), anchors[member.id], dt.timedelta(days=28)
        )
        assert [a.text for a in recent.answers] == [None], recent.describe()
        assert any(case.tracking_no in (m.text or "") for m in recent.messages)
        assert errors_logged(caplog) == []


# ----- invitation codes -------------------------------------------------------------------------


def guess(kind: str) -> str:
    return f"{kind}_{secrets.token_urlsafe(32)}"


async def test_guessing_invitation_codes_is_slowed_down_per_person(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    clock = ManualClock(dt.datetime.now(dt.UTC))
    async with running(fake, tmp_path, clock) as (bot, world):
        t = bot.services.catalogs.for_language("en")
        invites = bot.services.invites
        guesser = fake.user(9101, "Mallory", language_code="en")
        await send_text(bot, guesser, "/start")  # known to the bot, privacy accepted below
        await bot.services.foundations.accept_privacy(guesser.id)
        attempts = [guess("o"), guess("m"), guess("a"), "o_" + "x" * 20, guess("m")]
        assert len(attempts) == MAX_FAILURES
        for code in attempts:
            reply = await send_text(bot, guesser, f"/start {code}")
            assert t.t("error.invite_invalid") in reply.texts, reply.describe()

        # Now even a real code is refused for them: the guessing has to stop first.
        real = await invites.create(world.admin, "officer", province="50")
        reply = await send_text(bot, guesser, f"/start {real}")
        assert t.t("error.invite_too_many_attempts") in reply.texts, reply.describe()
        member_code = await invites.create(world.member, "member")
        reply = await send_text(bot, guesser, f"/start {member_code}")
        assert t.t("error.invite_too_many_attempts") in reply.texts, reply.describe()
        user = await users_repo.get(bot.services.db.conn, guesser.id)
        assert user is not None and user.role is Role.NONE

        # Someone else is not held up by it: the same officer code works for them.
        newcomer = fake.user(9102, "Nok", language_code="en")
        reply = await send_text(bot, newcomer, f"/start {real}")
        joined = await users_repo.get(bot.services.db.conn, newcomer.id)
        assert joined is not None and joined.role is Role.OFFICER, reply.describe()

        # An hour later the guesser may try again (and a real code of theirs works).
        clock.advance(hours=1, seconds=1)
        reply = await send_text(bot, guesser, f"/start {member_code}")
        user = await users_repo.get(bot.services.db.conn, guesser.id)
        assert user is not None and user.role is Role.MEMBER, reply.describe()


async def test_used_expired_and_revoked_codes_are_refused(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    clock = ManualClock(dt.datetime.now(dt.UTC))
    async with running(fake, tmp_path, clock) as (bot, world):
        t = bot.services.catalogs.for_language("en")
        invites, db = bot.services.invites, bot.services.db
        people = iter(range(9201, 9300))

        async def newcomer() -> FakeUser:
            user = fake.user(next(people), "Nok", language_code="en")
            await send_text(bot, user, "/start")
            await bot.services.foundations.accept_privacy(user.id)
            return user

        async def role_of(user: FakeUser) -> Role:
            found = await users_repo.get(db.conn, user.id)
            assert found is not None
            return found.role

        for kind, creator in (("officer", world.admin), ("member", world.member)):
            # Used: works once.
            code = await invites.create(creator, kind)  # type: ignore[arg-type]
            first, second = await newcomer(), await newcomer()
            await send_text(bot, first, f"/start {code}")
            assert await role_of(first) is Role(kind)
            reply = await send_text(bot, second, f"/start {code}")
            assert t.t("error.invite_used") in reply.texts, reply.describe()
            assert await role_of(second) is Role.NONE

            # Revoked by the one who made it.
            code = await invites.create(creator, kind)  # type: ignore[arg-type]
            await invites.revoke(creator, code)
            late = await newcomer()
            reply = await send_text(bot, late, f"/start {code}")
            assert t.t("error.invite_revoked") in reply.texts, reply.describe()
            assert await role_of(late) is Role.NONE

            # Expired: a week and a moment later.
            code = await invites.create(creator, kind)  # type: ignore[arg-type]
            clock.advance(days=7, seconds=1)
            later = await newcomer()
            reply = await send_text(bot, later, f"/start {code}")
            assert t.t("error.invite_expired") in reply.texts, reply.describe()
            assert await role_of(later) is Role.NONE
            row = await db.fetchone(
                "SELECT used_by FROM invites WHERE code_hash = ?", (_hash(code),)
            )
            assert row is not None and row[0] is None

        # Refused codes are not held against the person as guesses.
        failures = await db.fetchone("SELECT count(*) FROM invite_failures")
        assert failures is not None and failures[0] == 0
