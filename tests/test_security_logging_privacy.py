"""What the service leaves behind on the machine: logs without personal data, and a data
directory only the service's own user can read.

A whole case is played through the bot at the default level (INFO), with the loggers set up
as ``python -m bot`` sets them: a newcomer registers a foundation, applies for a volunteer with
documents, the officer flags one, the foundation corrects it, the officer approves. No record
may carry a passport number, a name (volunteer, foundation, person), a phone number, an e-mail
address, a file's contents, or the bot's token.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.logs import quiet_noisy_loggers
from bot.sandbox import samples
from bot.services.foundations import FoundationService
from bot.services.volunteer_form import VOLUNTEER_FIELDS
from bot.testing.fake_telegram import FakeTelegram, FakeUser
from bot.testing.harness import BotUnderTest
from bot.workflow import Status
from handlers.foundation import buttons as fb
from handlers.officer import buttons as oc
from storage import cases as cases_repo
from storage.models import Case
from tests.button_data import encode
from tests.conftest import seed_world
from tests.foundation_steps import (
    choose_province,
    dmy,
    last,
    press,
    say,
    send_file,
    today,
    tr,
    volunteer_answers,
)
from tests.sample_files import sample_jpeg
from tests.security_support import anchor, unthrottle
from tests.security_support import press as press_data

FOUNDER = ("Kittipong", "Wongsawat")
FOUNDATION_TH = "มูลนิธิเพื่อนลับแล"
FOUNDATION_EN = "Laplae Friends Foundation"
REGISTRATION_NO = "ชม 77/2551"
ADDRESS = "12 ถนนลับแล ตำบลสุเทพ อำเภอเมือง เชียงใหม่ 50200"
PHONE_TYPED, PHONE = "089 765 4321", "0897654321"
FOUNDATION_EMAIL = "office@laplae-friends.org"
VOLUNTEER = "ZEBEDIAH QUIXOTE MARLOWE"
NATIONALITY = "Icelandic"
PASSPORT = "QX7731246"
VOLUNTEER_EMAIL = "zebediah.marlowe@mail.example"
REASON = "CV not signed; call Khun Kittipong"
CONTENT = b"TOPSECRET-CONTENT-7f3a"


def document(name: str) -> bytes:
    return samples.pdf(name, CONTENT.decode())


def secrets_of_the_scenario(token: str) -> list[str]:
    return [
        *FOUNDER,
        " ".join(FOUNDER),
        FOUNDATION_TH,
        FOUNDATION_EN,
        REGISTRATION_NO,
        ADDRESS,
        PHONE,
        PHONE_TYPED,
        FOUNDATION_EMAIL,
        VOLUNTEER,
        VOLUNTEER.title(),
        VOLUNTEER.split()[-1],
        PASSPORT,
        PASSPORT.lower(),
        VOLUNTEER_EMAIL,
        REASON,
        CONTENT.decode(),
        token,
        token.split(":", 1)[1],
    ]


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


async def register(bot: BotUnderTest, user: FakeUser) -> None:
    t = tr(bot, "en")
    await say(bot, user, "/start")
    await press(bot, user, t.t("foundation.button.register"))
    await press(bot, user, t.t("foundation.privacy.accept"))
    await press(bot, user, t.t("foundation.kind.foundation"))
    for text in (FOUNDATION_TH, FOUNDATION_EN, REGISTRATION_NO):
        await say(bot, user, text)
    await choose_province(bot, user, "Chiang Mai", t)
    for text in (ADDRESS, PHONE_TYPED, FOUNDATION_EMAIL):
        await say(bot, user, text)
    await press(bot, user, t.t("foundation.button.register_confirm"))


async def apply(bot: BotUnderTest, user: FakeUser) -> Case:
    t = tr(bot, "en")
    now = today(bot)
    start = now.replace(year=now.year + 1, month=1, day=15)
    await press(bot, user, t.t("foundation.button.new_application"))
    for text in (VOLUNTEER, NATIONALITY, PASSPORT, dmy(start.replace(year=start.year + 3))):
        await say(bot, user, text)
    await say(bot, user, "15/04/1995")
    await press(bot, user, t.t("foundation.sex.m"))
    for text in (
        VOLUNTEER_EMAIL,
        "Science teacher",
        "Teaching science to children at the community learning centre",
        "5 Moo 2, Laplae, Mueang Chiang Mai 50200",
    ):
        await say(bot, user, text)
    await choose_province(bot, user, "Chiang Mai", t)
    await say(bot, user, dmy(start))
    await say(bot, user, dmy(start.replace(month=10)))
    await press(bot, user, t.t("foundation.answer.no"))
    await press(bot, user, t.t("foundation.button.consent"))
    for item in bot.services.checklist.items:
        if item.required:
            # File names carry personal data too.
            await send_file(bot, user, document(item.key), f"{item.key}-{PASSPORT}.pdf")
        else:
            await press(bot, user, t.t("foundation.button.skip"))
    assert VOLUNTEER in (last(user).text or ""), last(user).describe()
    await press(bot, user, t.t("foundation.button.submit"))
    row = await bot.services.db.fetchone("SELECT id FROM cases WHERE passport_no = ?", (PASSPORT,))
    assert row is not None
    return await case_now(bot, int(row[0]))


async def case_now(bot: BotUnderTest, case_id: int) -> Case:
    case = await cases_repo.get(bot.services.db.conn, case_id)
    assert case is not None
    return case


async def officer_acts(bot: BotUnderTest, officer: FakeUser, where: int, *steps: object) -> None:
    """Presses (callback data) and typed texts (``("type", text)``) of the officer, in order."""
    for step in steps:
        if isinstance(step, tuple):
            await say(bot, officer, str(step[1]))
        else:
            reply = await press_data(bot, officer, str(step), where)
            assert reply.answers, reply.describe()


async def review_and_correct(
    bot: BotUnderTest, officer: FakeUser, member: FakeUser, case: Case
) -> Case:
    where = await anchor(bot, officer)
    cv = next(a for a in await bot.services.kernel.current_attachments(case.id) if a.item == "cv")
    await officer_acts(
        bot,
        officer,
        where,
        encode(oc.OpenCase, case.id),
        encode(oc.OpenFile, case.id, cv.id),
        encode(oc.PromptAct, "fix", case.id, case.version, cv.id),
        ("type", REASON),
        encode(oc.ConfirmText, case.id, case.version, 1),
    )
    case = await case_now(bot, case.id)
    await officer_acts(
        bot,
        officer,
        where,
        encode(oc.PromptAct, "corr", case.id, case.version, 0),
        ("type", f"Please send a signed CV for {VOLUNTEER}"),
        encode(oc.ConfirmText, case.id, case.version, 1),
    )
    case = await case_now(bot, case.id)
    assert case.status is Status.AWAITING_CORRECTION
    home = await anchor(bot, member)
    await press_data(bot, member, encode(fb.StartCorrecting, case.id), home)
    await send_file(bot, member, document("cv-signed"), f"cv-signed-{PASSPORT}.pdf")
    case = await case_now(bot, case.id)
    await press_data(bot, member, encode(fb.Resubmit, case.id, case.version), home)
    return await case_now(bot, case.id)


async def decide(bot: BotUnderTest, officer: FakeUser, case: Case) -> Case:
    where = await anchor(bot, officer)
    await officer_acts(
        bot,
        officer,
        where,
        encode(oc.DoAct, "allok", case.id, case.version, 0),
    )
    case = await case_now(bot, case.id)
    await officer_acts(
        bot,
        officer,
        where,
        encode(oc.PromptAct, "done", case.id, case.version, 0),
        ("type", "ชม 88/2569"),
        encode(oc.SkipText, case.id, case.version),
        encode(oc.ConfirmText, case.id, case.version, 1),
    )
    case = await case_now(bot, case.id)
    await officer_acts(bot, officer, where, encode(oc.DoAct, "allright", case.id, case.version, 0))
    case = await case_now(bot, case.id)
    await officer_acts(
        bot,
        officer,
        where,
        encode(oc.PromptAct, "appr", case.id, case.version, 0),
        ("type", f"{VOLUNTEER} qualifies"),
        encode(oc.ConfirmText, case.id, case.version, 1),
    )
    return await case_now(bot, case.id)


async def test_logs_at_the_default_level_carry_no_personal_data(
    fake: FakeTelegram, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    quiet_noisy_loggers()  # as ``python -m bot`` sets them up
    caplog.set_level(logging.INFO)
    async with BotUnderTest.start(fake, tmp_path) as bot:
        unthrottle(bot)
        world = await seed_world(bot.services.db, bot.services.clock())
        founder = fake.user(6001, FOUNDER[0], language_code="en", last_name=FOUNDER[1])
        await register(bot, founder)
        case = await apply(bot, founder)
        officer = fake.user(world.officer, "Somchai", language_code="th", last_name="Jaidee")
        case = await review_and_correct(bot, officer, founder, case)
        assert case.status is Status.AWAITING_RECHECK
        case = await decide(bot, officer, case)
        assert case.status is Status.AWAITING_ISSUANCE, case.status
        await bot.settle()

    # The run was real: the bot logged, and officers and the founder were told things.
    assert caplog.records, "nothing was logged at all: the capture is not working"
    logged = "\n".join(
        [caplog.text]
        + [repr(r.args) for r in caplog.records]
        + [r.exc_text or "" for r in caplog.records]
    )
    leaks = [s for s in secrets_of_the_scenario(fake.token) if s in logged]
    assert not leaks, f"personal data in the log: {leaks}\n{caplog.text}"
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, caplog.text


async def test_an_error_is_logged_with_its_trace_but_without_the_update(
    fake: FakeTelegram,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A handler that fails: the trace says where (useful), the person is told, and what they
    typed stays out of the log."""
    quiet_noisy_loggers()
    caplog.set_level(logging.INFO)
    answer = FoundationService.registration_answer

    async def broken(
        self: FoundationService, user_id: int, raw: str, field: str | None = None
    ) -> object:
        if field is None:  # typed: the foundation's Thai name
            raise RuntimeError("the registration store is unavailable")
        return await answer(self, user_id, raw, field)

    monkeypatch.setattr(FoundationService, "registration_answer", broken)
    async with BotUnderTest.start(fake, tmp_path) as bot:
        t = tr(bot, "en")
        founder = fake.user(6002, FOUNDER[0], language_code="en", last_name=FOUNDER[1])
        await say(bot, founder, "/start")
        await press(bot, founder, t.t("foundation.button.register"))
        await press(bot, founder, t.t("foundation.privacy.accept"))
        await press(bot, founder, t.t("foundation.kind.foundation"))
        text = await say(bot, founder, FOUNDATION_TH)
        assert text == t.t("common.something_went_wrong")
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and errors[0].exc_info is not None
    assert "the registration store is unavailable" in caplog.text
    assert "registration_answer" in caplog.text  # the trace names where it failed
    logged = caplog.text + "".join(repr(r.args) for r in caplog.records)
    assert not [s for s in secrets_of_the_scenario(fake.token) if s in logged], caplog.text


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def store_two_attachments(bot: BotUnderTest) -> list[Path]:
    """A member sends a PDF and a photo through the bot for a new application."""
    world = await seed_world(bot.services.db, bot.services.clock())
    applications = bot.services.applications
    await bot.services.foundations.accept_privacy(world.member)
    await applications.start(world.member)
    typed = {**volunteer_answers(bot), "full_name": VOLUNTEER, "passport_no": PASSPORT}
    choices = {"sex": "m", "work_province": "50", "allowance": "no"}
    for spec in VOLUNTEER_FIELDS:
        if spec.key in choices:
            await applications.answer(world.member, choices[spec.key], spec.key)
        else:
            await applications.answer(world.member, typed[spec.key], None)
    await applications.consent(world.member)
    member = bot.fake.user(world.member, "Anna", language_code="en")
    await say(bot, member, "/continue")
    await send_file(bot, member, document("letter"), "letter.pdf")
    await member.send_photo(sample_jpeg(comment=CONTENT))
    await bot.settle()
    rows = await bot.services.db.fetchall("SELECT sha256 FROM attachments")
    assert len(rows) == 2, member.messages()[-1].describe()
    return [bot.services.files.path_for(str(row[0])) for row in rows]


async def test_stored_attachments_are_the_services_own_whatever_the_umask(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    """Files sent through the bot are written 0600, in folders 0700 from the data directory
    down, even where the process's umask would allow more (tests run with the usual 022)."""
    data_dir = tmp_path / "data"
    async with BotUnderTest.start(fake, data_dir) as bot:
        paths = await store_two_attachments(bot)
        assert mode(data_dir) == 0o700
        for path in paths:
            assert path.read_bytes().startswith((b"%PDF", b"\xff\xd8"))
            assert mode(path) == 0o600, (path, oct(mode(path)))
            folder = path.parent
            while folder != data_dir:
                assert mode(folder) == 0o700, (folder, oct(mode(folder)))
                folder = folder.parent


async def test_with_the_services_umask_nothing_in_the_data_directory_is_anyone_elses(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    """``python -m bot`` sets umask 077: then the database and its journal are the owner's
    only too, and so is everything else the bot writes there."""
    data_dir = tmp_path / "data"
    previous = os.umask(0o077)
    try:
        async with BotUnderTest.start(fake, data_dir) as bot:
            await store_two_attachments(bot)
            written = [data_dir, *data_dir.rglob("*")]
            assert any(p.name == "bot.sqlite3" for p in written)
            for path in written:
                assert mode(path) & 0o077 == 0, (path, oct(mode(path)))
                assert path.stat().st_uid == os.getuid()
    finally:
        os.umask(previous)
