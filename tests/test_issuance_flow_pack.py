"""The print pack in the chat: the officer presses one button on an approved case and gets
the PDF to print (Thai summary, Buddhist-era dates), built while others keep being served."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest

from bot.issuance.printpack import PrintPackInput
from bot.services import issuance as issuance_service
from bot.testing.fake_telegram import FakeTelegram
from tests.foundation_steps import command
from tests.issuance_steps import Presses, approved_case, documents, issuance_bot, pdf_text
from tests.officer_support import last_answer, officer_user, open_case, tr


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


async def test_the_officer_gets_the_print_pack_as_a_document(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    async with issuance_bot(fake, tmp_path) as (bot, world):
        presses = Presses(fake)
        case = await approved_case(bot, world)
        t = tr(bot, "th")
        officer = officer_user(bot, world)
        view = await open_case(bot, officer, case.id)
        button = view.find_button(t.t("issuance.button.print_pack"))
        assert button is not None
        await officer.press_data(button["callback_data"], view.message_id)
        await officer.press_data(button["callback_data"], view.message_id)  # a double tap
        await bot.settle()
        assert last_answer(officer) == t.t("issuance.pack.preparing")
        # Building the PDF takes seconds of CPU: a busy machine needs more than the usual 5 s.
        pack = await officer.wait_for_message(lambda m: m.kind == "document", timeout=60)
        await officer.wait_for_message(lambda m: (m.file_name or "").endswith(".docx"), timeout=60)
        await asyncio.sleep(0.3)  # a second pack would be on its way by now
        assert [d.file_name for d in documents(officer)] == [
            f"print-pack-{case.tracking_no}.pdf",
            f"print-pack-{case.tracking_no}.docx",  # the editable memo and certificates
        ]
        assert pack.file_name == f"print-pack-{case.tracking_no}.pdf"
        assert case.tracking_no in (pack.text or "")
        assert pack.document is not None

        # The cover summarises the case in Thai, dates in the Buddhist era, Bangkok time.
        text = pdf_text(pack.document)
        for expected in (
            "สรุปคำขอหนังสือรับรอง",
            case.tracking_no,
            "ชม 45/2569",
            "ANNA MARIA SCHMIDT",
            "มูลนิธิทดสอบ",
            "26 พ.ย. 2569 09:00 น.",  # submitted and approved (history), 2026 + 543
            "คุณสมบัติครบถ้วน",  # the approval comment the applicant saw
            "บันทึกข้อความ",
            "เรียน ผู้ว่าราชการจังหวัดเชียงใหม่",  # Chiang Mai's office, from office.toml
        ):
            assert expected in text, expected
        # Pages render to images (as a printer would see them): not blank.
        document = pdfium.PdfDocument(io.BytesIO(pack.document))
        assert len(document) >= 4
        image = document[0].render(scale=0.5).to_pil().convert("L")
        low, high = image.getextrema()
        assert high - low > 100  # text on paper, not an empty page
        assert presses.all_answered_once()


async def test_others_are_served_while_the_pack_is_built(
    fake: FakeTelegram, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with issuance_bot(fake, tmp_path) as (bot, world):
        case = await approved_case(bot, world)
        t = tr(bot, "th")
        officer = officer_user(bot, world)
        member = fake.user(world.member, "Anna", language_code="en")
        # Hold the build until the member has been answered: if the press blocked the bot's
        # updates, the member would never be answered and this test would time out.
        gate = asyncio.Event()
        build = issuance_service.build_print_pack_async

        async def held(pack: PrintPackInput, *args: Any) -> bytes:
            await gate.wait()
            return await build(pack, *args)

        monkeypatch.setattr(issuance_service, "build_print_pack_async", held)
        view = await open_case(bot, officer, case.id)
        await officer.press(t.t("issuance.button.print_pack"), view.message_id)
        reply = await command(bot, member, "cases")
        assert case.tracking_no in reply
        assert documents(officer) == []
        gate.set()
        # Building the PDF takes seconds of CPU: a busy machine needs more than the usual 5 s.
        pack = await officer.wait_for_message(lambda m: m.kind == "document", timeout=60)
        assert pack.sent_at > (member.last_message() or pack).sent_at
