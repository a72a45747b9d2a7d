"""A pack over the Bot API's upload limit reaches the officer as numbered parts, or the officer
is told why not, through the fake Bot API that refuses oversized uploads (413) as Telegram does.

The limit is a setting (``CERTBOT_UPLOAD_LIMIT_MB``, 50 on the public Bot API); here both the
bot's setting and the fake's own limit are 1 MB, so a few applicants' scans are enough.
"""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from pypdf import PdfReader

from bot.issuance.sample import sample_image, sample_pdf
from bot.kernel.inputs import FileMeta
from bot.testing.clock import ManualClock
from bot.testing.fake_telegram import FakeTelegram, FakeUser, SentMessage
from bot.testing.fake_telegram import files as fake_files
from bot.testing.harness import BotUnderTest
from bot.workflow import Status
from storage.models import Case
from tests.conftest import World, seed_world
from tests.foundation_steps import details_for
from tests.issuance_steps import NOW, documents
from tests.officer_support import officer_user, open_case, tr

LIMIT = 1_000_000


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


@asynccontextmanager
async def small_limit_bot(
    fake: FakeTelegram, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bot_limit_mb: int
) -> AsyncIterator[tuple[BotUnderTest, World]]:
    monkeypatch.setattr(fake_files, "MAX_UPLOAD_BYTES", LIMIT)  # the "server" takes 1 MB
    clock = ManualClock(NOW)
    async with BotUnderTest.start(fake, tmp_path, clock=clock, upload_limit_mb=bot_limit_mb) as bot:
        yield bot, await seed_world(bot.services.db, clock())


def scan(seed: int, side: int) -> bytes:
    """A one-page PDF "scan" whose photo JPEG cannot shrink: about side² / 2 bytes."""
    photo = sample_image(side, side * 3 // 4, "JPEG", "SCAN", noise=True, seed=seed)
    return sample_pdf(1, f"Scan {seed}", photo=photo)


async def approved_case_with(bot: BotUnderTest, world: World, scans: list[bytes]) -> Case:
    services = bot.services
    case = await services.application.create_draft(
        world.member,
        volunteer_name="ANNA MARIA SCHMIDT",
        passport_no="C01X00T47",
        details=details_for(bot),
    )
    for number, item in enumerate(services.kernel.checklist.required):
        data = scans[number % len(scans)] + f"\n% {number}\n".encode()
        meta = FileMeta(
            file_name=f"{item.key}.pdf",
            mime_type="application/pdf",
            size=len(data),
            sha256=services.files.put(data),
        )
        outcome, _ = await services.application.upload_attachment(
            world.member, case.id, case.version, item.key, meta
        )
        case = outcome.case
    case = (await services.application.submit(world.member, case.id, case.version)).case
    review, officer = services.review, world.officer
    case = (await review.mark_remaining(officer, case.id, case.version, "complete")).case
    case = (await review.documents_complete(officer, case.id, case.version, "ชม 45/2569")).case
    case = (await review.mark_remaining(officer, case.id, case.version, "correct")).case
    approve = services.consideration.approve
    case = (await approve(officer, case.id, case.version, "คุณสมบัติครบถ้วน")).case
    assert case.status is Status.AWAITING_ISSUANCE
    await bot.settle()
    return case


async def press_print(bot: BotUnderTest, officer: FakeUser, case: Case, lang: str = "th") -> None:
    view = await open_case(bot, officer, case.id)
    await officer.press(tr(bot, lang).t("issuance.button.print_pack"), view.message_id)


async def docx_arrived(officer: FakeUser) -> SentMessage:
    return await officer.wait_for_message(
        lambda m: (m.file_name or "").endswith(".docx"), timeout=60
    )


async def test_a_pack_over_the_limit_reaches_the_officer_in_numbered_parts(
    fake: FakeTelegram, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with small_limit_bot(fake, tmp_path, monkeypatch, bot_limit_mb=1) as (bot, world):
        case = await approved_case_with(bot, world, [scan(seed, 700) for seed in range(3)])
        officer = officer_user(bot, world)
        await press_print(bot, officer, case)
        await docx_arrived(officer)
        sent = documents(officer)
        parts = [m for m in sent if (m.file_name or "").endswith(".pdf")]
        assert len(parts) >= 3
        total = len(parts)
        pages = 0
        for number, part in enumerate(parts, start=1):
            assert part.file_name == f"print-pack-{case.tracking_no}-part{number}of{total}.pdf"
            assert part.document is not None and len(part.document) <= LIMIT
            reader = PdfReader(io.BytesIO(part.document))
            first, last = pages + 1, pages + len(reader.pages)
            caption = tr(bot, "th").t(
                "printpack.parts",
                tracking_no=case.tracking_no,
                part=number,
                parts=total,
                first=first,
                last=last,
            )
            assert part.text == caption
            pages = last
        # Every page of the pack is in exactly one part, in order: the cover first, then the
        # memo, the certificates and the nine scans.
        first_part = PdfReader(io.BytesIO(parts[0].document or b""))
        assert "สรุปคำขอหนังสือรับรอง" in first_part.pages[0].extract_text()
        last_part = PdfReader(io.BytesIO(parts[-1].document or b""))
        assert "Scan" in last_part.pages[-1].extract_text()
        assert pages >= 9 + 4
        assert sent[-1].file_name == f"print-pack-{case.tracking_no}.docx"


async def test_a_page_alone_over_the_limit_is_explained_to_the_officer(
    fake: FakeTelegram, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with small_limit_bot(fake, tmp_path, monkeypatch, bot_limit_mb=1) as (bot, world):
        case = await approved_case_with(bot, world, [scan(7, 1500)])
        officer = officer_user(bot, world)
        await press_print(bot, officer, case)
        await docx_arrived(officer)
        told = [m.text or "" for m in officer.messages() if m.kind == "text"]
        template = tr(bot, "th").t("printpack.error.page_too_large", page="P", size="S", limit="L")
        pattern = (
            re.escape(template).replace("P", r"(\d+)").replace("S", r"(.+)").replace("L", "(.+)")
        )
        found = [re.fullmatch(pattern, text) for text in told]
        match = next(m for m in found if m)
        # The first scan's page, after the cover, the memo and both certificates.
        assert int(match.group(1)) >= 5
        assert match.group(2).endswith("MB") and match.group(3) == "1 MB"
        assert [m.file_name for m in documents(officer)] == [f"print-pack-{case.tracking_no}.docx"]


async def test_a_refused_upload_is_told_to_the_officer_in_their_language(
    fake: FakeTelegram, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The bot believes the server takes 50 MB; the server refuses anything over 1 MB (413).
    async with small_limit_bot(fake, tmp_path, monkeypatch, bot_limit_mb=50) as (bot, world):
        case = await approved_case_with(bot, world, [scan(seed, 700) for seed in range(3)])
        officer = bot.fake.user(world.officer, "Somchai", language_code="en")
        await bot.services.users.set_language(world.officer, "en")
        await press_print(bot, officer, case, "en")
        reply = await officer.wait_for_message(
            lambda m: m.kind == "text" and "could not be sent" in (m.text or ""), timeout=60
        )
        assert "Request Entity Too Large" in (reply.text or "")
