"""Helpers for the officer scenario tests: cases made through ActionSet, people, waiting."""

from __future__ import annotations

from bot.i18n import Translator
from bot.kernel.inputs import FileMeta
from bot.testing.fake_telegram import FakeUser, SentMessage
from bot.testing.harness import BotUnderTest
from bot.workflow import Role
from handlers.officer import buttons as oc
from storage import cases as cases_repo
from storage import events as events_repo
from storage import outbox as outbox_repo
from storage import users as users_repo
from storage.models import Case, CaseEvent, OutboxMessage
from tests.button_data import encode
from tests.conftest import World


def tr(bot: BotUnderTest, lang: str = "th") -> Translator:
    return bot.services.catalogs.for_language(lang)


def document(bot: BotUnderTest, name: str, file_id: str = "") -> FileMeta:
    data = f"%PDF-1.4 {name}".encode()
    return FileMeta(
        file_name=f"{name}.pdf",
        mime_type="application/pdf",
        size=len(data),
        sha256=bot.services.files.put(data),
        telegram_file_id=file_id,
    )


async def submitted_case(
    bot: BotUnderTest,
    member: int,
    *,
    volunteer: str = "JOHN SMITH",
    passport: str = "AB1234567",
    file_ids: dict[str, str] | None = None,
) -> Case:
    """A case with every required document, submitted by a member of its foundation."""
    cases = bot.services
    case = await cases.application.create_draft(
        member, volunteer_name=volunteer, passport_no=passport, details={"nationality": "GB"}
    )
    for item in cases.kernel.checklist.required:
        meta = document(bot, item.key, (file_ids or {}).get(item.key, ""))
        outcome, _ = await cases.application.upload_attachment(
            member, case.id, case.version, item.key, meta
        )
        case = outcome.case
    return (await cases.application.submit(member, case.id, case.version)).case


async def add_officer(bot: BotUnderTest, user_id: int, province: str | None) -> int:
    now = bot.services.clock()
    async with bot.services.db.transaction() as conn:
        await users_repo.touch(conn, user_id, f"officer {user_id}", "th", now)
        await users_repo.set_role(conn, user_id, Role.OFFICER, now, province=province)
    return user_id


async def delivered(bot: BotUnderTest) -> None:
    """Wait until the outbox has nothing due, so notifications do not interleave."""
    await bot.settle()


async def press(
    bot: BotUnderTest, user: FakeUser, text: str, message_id: int | None = None
) -> None:
    await bot.settle()  # earlier notifications first, not amid the answer
    await user.press(text, message_id)
    await bot.settle()


async def send(bot: BotUnderTest, user: FakeUser, text: str) -> None:
    await bot.settle()  # earlier notifications first, not amid the answer
    await user.send_text(text)
    await bot.settle()


async def command(bot: BotUnderTest, user: FakeUser, name: str, *args: str) -> None:
    await bot.settle()  # earlier notifications first, not amid the answer
    await user.send_command(name, *args)
    await bot.settle()


def last(user: FakeUser) -> SentMessage:
    message = user.last_message()
    assert message is not None, "the bot sent nothing"
    return message


def last_answer(user: FakeUser) -> str | None:
    answers = user.answered_callbacks
    assert answers, "the press was not answered"
    return answers[-1].text


async def events_of(bot: BotUnderTest, case_id: int) -> list[CaseEvent]:
    return await events_repo.for_case(bot.services.db.conn, case_id)


async def outbox_of(bot: BotUnderTest, case_id: int) -> list[OutboxMessage]:
    return await outbox_repo.for_case(bot.services.db.conn, case_id)


async def case_now(bot: BotUnderTest, case_id: int) -> Case:
    case = await cases_repo.get(bot.services.db.conn, case_id)
    assert case is not None
    return case


def officer_user(bot: BotUnderTest, world: World, user_id: int | None = None) -> FakeUser:
    return bot.fake.user(user_id or world.officer, "Somchai", language_code="th")


def button_starting(message: SentMessage, prefix: str) -> str:
    found = [text for text in message.button_texts if text.startswith(prefix)]
    assert len(found) == 1, f"no single button starting {prefix!r}: {message.button_texts}"
    return found[0]


async def to_consideration(bot: BotUnderTest, officer: int, case: Case, receipt: str) -> Case:
    """The preliminary check done through the service: every document complete, a receipt."""
    cases = bot.services
    case = (await cases.review.mark_remaining(officer, case.id, case.version, "complete")).case
    return (await cases.review.documents_complete(officer, case.id, case.version, receipt)).case


async def open_case(bot: BotUnderTest, user: FakeUser, case_id: int) -> SentMessage:
    """The case screen as a new message, as its button in a list or notification opens it."""
    data = encode(oc.OpenCase, case_id)
    await user.press_data(data, last(user).message_id)
    await bot.settle()
    return last(user)
