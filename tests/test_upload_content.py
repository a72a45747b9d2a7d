"""Files are what they claim, through the bot: a foundation correcting a flagged document sends
a polyglot, an encrypted PDF and truncated images, each refused with its message and nothing
stored; then a real PDF, JPEG (as a photo and as a file) and PNG are each accepted."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pypdf import PdfWriter

from bot.sandbox import samples
from bot.testing.fake_telegram import FakeTelegram, FakeUser
from bot.testing.harness import BotUnderTest
from storage.models import Attachment
from tests.conftest import seed_world
from tests.foundation_steps import PDF, last, last_text, send_file, submitted_case, tr
from tests.sample_files import sample_jpeg

POLYGLOT = b"%PDF-1.7\n<html><body><script>location='https://evil.example'</script></body></html>\n"


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


async def flagged_passport(
    bot: BotUnderTest, member: int, officer: int, volunteer: str
) -> Attachment:
    """A submitted case returned for correction with only the passport copy flagged."""
    services = bot.services
    case = await submitted_case(bot, member, volunteer)
    current = await services.kernel.current_attachments(case.id)
    passport = next(a for a in current if a.item == "passport_copy")
    for a in current:
        flagged = a.id == passport.id
        verdict = "needs_correction" if flagged else "complete"
        reason = "The scan is cut off" if flagged else None
        case = (
            await services.review.mark_attachment(
                officer, case.id, case.version, a.id, verdict, reason
            )
        ).case
    await services.review.request_correction(officer, case.id, case.version, "Please resend")
    return passport


async def start_correcting(bot: BotUnderTest, user: FakeUser) -> None:
    """Press "Start correcting" on the newest notice (the outbox sends it on settling)."""
    await bot.settle()
    await user.press(tr(bot, "en").t("foundation.button.start_correcting"))
    await bot.settle()


async def send(bot: BotUnderTest, user: FakeUser, data: bytes, name: str) -> str:
    if name == "photo":
        await user.send_photo(data)
        await bot.settle()
        return last_text(user)
    return await send_file(bot, user, data, name)


async def test_only_real_pdfs_and_images_are_accepted(fake: FakeTelegram, tmp_path: Path) -> None:
    async with BotUnderTest.start(fake, tmp_path) as bot:
        world = await seed_world(bot.services.db, bot.services.clock())
        await bot.services.users.set_language(world.member, "en")
        user = fake.user(world.member, "Anna", language_code="en")
        t = tr(bot, "en")
        kernel = bot.services.kernel

        async def stored_passport(case_id: int) -> Attachment:
            current = await kernel.current_attachments(case_id)
            return next(a for a in current if a.item == "passport_copy")

        passport = await flagged_passport(bot, world.member, world.officer, "ANNA MARIA SCHMIDT")
        await start_correcting(bot, user)
        jpeg, png = sample_jpeg(400, 300), samples.png(300, 400)
        mismatch = "foundation.error.file_content_mismatch"
        for data, name, msg_id in (
            (POLYGLOT, "passport.pdf", mismatch),
            (PDF[: len(PDF) // 2], "passport.pdf", mismatch),
            (encrypted_pdf(), "passport.pdf", "foundation.error.pdf_encrypted"),
            (jpeg[: len(jpeg) // 2], "photo", mismatch),
            (jpeg[: len(jpeg) // 2], "passport.jpg", mismatch),
            (png[: len(png) // 2], "passport.png", mismatch),
        ):
            text = await send(bot, user, data, name)
            assert text.startswith(t.t(msg_id)), text
            assert (await stored_passport(passport.case_id)).id == passport.id, name

        # Real files are accepted: each for a case of its own.
        accepted = ((PDF + b"v2", "passport.pdf"), (jpeg, "photo"), (png, "passport.png"))
        for index, (data, name) in enumerate(accepted):
            if index:
                volunteer = ("JOHN PAUL SMITH", "MARIE CLAIRE DUPONT")[index - 1]
                passport = await flagged_passport(bot, world.member, world.officer, volunteer)
                await start_correcting(bot, user)
            await send(bot, user, data, name)
            assert t.t("foundation.button.resubmit") in last(user).button_texts, last_text(user)
            replaced = await stored_passport(passport.case_id)
            assert replaced.id != passport.id and bot.services.files.get(replaced.sha256) == data
            await user.press(t.t("foundation.button.resubmit"))
            await bot.settle()
