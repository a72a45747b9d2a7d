"""Helpers for the issuance scenario tests: a fixed clock, an approved case, people, waiting.

The bot runs with a clock fixed on Thursday 26 November 2026, 09:00 in Bangkok, so the
calendar is known: Saturday 5 December (also Father's Day), the substitute holiday on Monday
7 December, and Thursday 10 December (Constitution Day) are closed; Thursday 3 and Tuesday
8 December are open.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import icalendar

from bot.sandbox import samples
from bot.testing.clock import ManualClock
from bot.testing.fake_telegram import FakeEvent, FakeTelegram, FakeUser, SentMessage
from bot.testing.harness import BotUnderTest
from bot.workflow import Status
from handlers.officer import buttons as ic
from storage.models import Case
from tests.button_data import encode
from tests.conftest import World, seed_world
from tests.foundation_steps import submitted_case

NOW = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)  # Thursday, 09:00 in Bangkok
OPEN_DAY = dt.date(2026, 12, 3)  # a Thursday
SECOND_DAY = dt.date(2026, 12, 8)  # a Tuesday
SATURDAY = dt.date(2026, 12, 5)
CONSTITUTION_DAY = dt.date(2026, 12, 10)
SIGNED_SCAN = samples.pdf("Signed certificate scan")


@asynccontextmanager
async def issuance_bot(
    fake: FakeTelegram, tmp_path: Path, *, seed: bool = True
) -> AsyncIterator[tuple[BotUnderTest, World]]:
    """The real bot on the fixed clock, with the conftest world of people seeded (once: a
    restart on the same ``tmp_path`` passes ``seed=False``)."""
    clock = ManualClock(NOW)
    async with BotUnderTest.start(fake, tmp_path, clock=clock) as bot:
        if seed:
            world = await seed_world(bot.services.db, clock())
        else:
            world = World(foundation_id=1, other_foundation_id=2)
        yield bot, world


async def approved_case(bot: BotUnderTest, world: World, name: str = "ANNA MARIA SCHMIDT") -> Case:
    """A case through both checks and approved, as the officer side does it."""
    cases = bot.services
    case = await submitted_case(bot, world.member, name)
    case = (
        await cases.review.mark_remaining(world.officer, case.id, case.version, "complete")
    ).case
    case = (
        await cases.review.documents_complete(world.officer, case.id, case.version, "ชม 45/2569")
    ).case
    case = (await cases.review.mark_remaining(world.officer, case.id, case.version, "correct")).case
    case = (
        await cases.consideration.approve(world.officer, case.id, case.version, "คุณสมบัติครบถ้วน")
    ).case
    assert case.status is Status.AWAITING_ISSUANCE
    await bot.settle()
    return case


async def pressed(
    bot: BotUnderTest, user: FakeUser, text: str, message_id: int | None = None
) -> str:
    """Press a button by its text; what the person reads afterwards."""
    await bot.settle()
    await user.press(text, message_id)
    await bot.settle()
    message = user.last_message()
    assert message is not None
    return message.text or ""


async def forged(bot: BotUnderTest, user: FakeUser, data: str, message: SentMessage) -> str | None:
    """A press with callback data of our own making; the answer it got."""
    await bot.settle()
    before = len(user.answered_callbacks)
    await user.press_data(data, message.message_id)
    await bot.settle()
    answers = user.answered_callbacks
    assert len(answers) == before + 1, "the press was not answered"
    return answers[-1].text


class Presses:
    """Every button press sent to the bot, to check that each got exactly one answer."""

    def __init__(self, fake: FakeTelegram) -> None:
        self.fake = fake
        self.ids: list[str] = []
        fake.add_listener(self._seen)

    def _seen(self, event: FakeEvent) -> None:
        query = event.data.get("callback_query") if event.kind == "update" else None
        if isinstance(query, dict):
            self.ids.append(str(query["id"]))

    def all_answered_once(self) -> bool:
        answered = [a.query_id for a in self.fake.answered_callbacks]
        return sorted(answered) == sorted(self.ids) and bool(self.ids)


def day_data(case: Case, day: dt.date) -> str:
    return encode(ic.PickupDay, case.id, case.version, int(day.strftime("%Y%m%d")))


def time_data(case: Case, day: dt.date, hhmm: int) -> str:
    return encode(ic.PickupTime, case.id, case.version, int(day.strftime("%Y%m%d")), hhmm)


def calendar_button(message: SentMessage, day: dt.date) -> str:
    """The text of the calendar button that carries ``day``."""
    wanted = f":{day.strftime('%Y%m%d')}"
    for row in message.buttons:
        for text, data in row:
            if data and data.startswith(ic.PickupDay.prefix + ":") and data.endswith(wanted):
                return text
    raise AssertionError(f"no calendar button for {day}: {message.buttons}")


def ics_event(message: SentMessage) -> icalendar.Event:
    """The one event of the ``.ics`` document the bot sent."""
    assert message.kind == "document" and message.document is not None
    assert (message.file_name or "").endswith(".ics")
    calendar = icalendar.Calendar.from_ical(message.document)
    (event,) = calendar.walk("VEVENT")
    return event


def documents(user: FakeUser) -> list[SentMessage]:
    return [m for m in user.messages() if m.kind == "document"]


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
