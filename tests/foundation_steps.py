"""Steps a foundation member takes, shared by the foundation scenario tests.

Each step talks to the real bot through the fake Telegram, as the person would: it types,
presses the button with the text they read, sends files, and waits until the bot is done.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from bot import dates
from bot.i18n import Translator
from bot.kernel.inputs import FileMeta
from bot.sandbox import samples
from bot.testing.fake_telegram import FakeUser, SentMessage
from bot.testing.harness import BotUnderTest
from storage.models import Case
from tests.sample_files import sample_jpeg

# Real files: the bot parses PDFs and decodes images. Bytes appended after a PDF's end
# (``PDF + b"v2"``) keep it readable and give it another SHA-256.
PDF = samples.pdf("Test document")
PNG = samples.png(8, 8)
JPEG = sample_jpeg()


def tr(bot: BotUnderTest, lang: str) -> Translator:
    return bot.services.catalogs.for_language(lang)


def today(bot: BotUnderTest) -> date:
    return dates.to_local(bot.services.clock(), bot.services.settings.tz).date()


def dmy(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def last(user: FakeUser) -> SentMessage:
    message = user.last_message()
    assert message is not None, "the bot sent nothing"
    return message


def last_text(user: FakeUser) -> str:
    return last(user).text or ""


async def say(bot: BotUnderTest, user: FakeUser, text: str) -> str:
    """Type a message; the bot's answer."""
    await bot.settle()  # notifications queued earlier arrive first, not amid the answer
    await user.send_text(text)
    await bot.settle()
    return last_text(user)


async def press(bot: BotUnderTest, user: FakeUser, label: str) -> str:
    await bot.settle()
    await user.press(label)
    await bot.settle()
    return last_text(user)


async def command(bot: BotUnderTest, user: FakeUser, name: str, *args: str) -> str:
    await bot.settle()
    await user.send_command(name, *args)
    await bot.settle()
    return last_text(user)


async def send_file(
    bot: BotUnderTest, user: FakeUser, data: bytes, name: str, mime: str | None = None
) -> str:
    await bot.settle()
    await user.send_document(data, name, mime)
    await bot.settle()
    return last_text(user)


async def choose_province(bot: BotUnderTest, user: FakeUser, name: str, t: Translator) -> str:
    """Page through the province buttons until ``name`` shows, then press it."""
    for _ in range(10):
        message = last(user)
        if message.find_button(name) is not None:
            return await press(bot, user, name)
        await user.press(t.t("foundation.button.next"), message.message_id)
        await bot.settle()
    raise AssertionError(f"province {name!r} never showed")


def volunteer_answers(bot: BotUnderTest) -> dict[str, str]:
    """Good answers for every typed field, with dates that fit whatever today is."""
    now = today(bot)
    start = now + timedelta(days=30)
    return {
        "full_name": "anna maria schmidt",
        "nationality": "German",
        "passport_no": "c01x00t47",
        "passport_expiry": dmy(now + timedelta(days=3 * 365)),
        "date_of_birth": "15/04/1995",
        "email": "anna@example.org",
        "position": "English teacher",
        "duties": "Teaching English to children at the community learning centre",
        "work_address": "12 Moo 3, Suthep, Mueang Chiang Mai 50200",
        "start_date": dmy(start),
        "end_date": dmy(start + timedelta(days=300)),
    }


def details_for(bot: BotUnderTest) -> dict[str, Any]:
    """The details a completed wizard stores, for cases made directly through the services."""
    now = today(bot)
    start = now + timedelta(days=30)
    return {
        "full_name": "ANNA MARIA SCHMIDT",
        "nationality": "German",
        "passport_no": "C01X00T47",
        "passport_expiry": (now + timedelta(days=3 * 365)).isoformat(),
        "date_of_birth": "1995-04-15",
        "sex": "f",
        "email": "anna@example.org",
        "position": "English teacher",
        "duties": "Teaching English to children at the community learning centre",
        "work_address": "12 Moo 3, Suthep, Mueang Chiang Mai 50200",
        "work_province": "50",
        "start_date": start.isoformat(),
        "end_date": (start + timedelta(days=300)).isoformat(),
        "allowance": False,
    }


async def submitted_case(bot: BotUnderTest, member: int, name: str = "ANNA MARIA SCHMIDT") -> Case:
    """A case submitted through the services (the wizard itself is tested on its own)."""
    cases = bot.services
    details = {**details_for(bot), "full_name": name}
    case = await cases.application.create_draft(
        member, volunteer_name=name, passport_no="C01X00T47", details=details
    )
    for item in cases.kernel.checklist.required:
        data = PDF + f"{case.id}-{item.key}".encode()
        meta = FileMeta(
            file_name=f"{item.key}.pdf",
            mime_type="application/pdf",
            size=len(data),
            sha256=bot.services.files.put(data),
        )
        outcome, _ = await cases.application.upload_attachment(
            member, case.id, case.version, item.key, meta
        )
        case = outcome.case
    return (await cases.application.submit(member, case.id, case.version)).case


def invite_code(text: str) -> str:
    match = re.search(r"\?start=(m_[A-Za-z0-9_-]+)", text)
    assert match, f"no invitation link in {text!r}"
    return match.group(1)
