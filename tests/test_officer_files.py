"""Opening an attachment sends the file itself: by its Telegram file id when Telegram still
knows it, otherwise the stored copy, so the officer reads it on the phone either way."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.testing.fake_telegram import FakeTelegram
from bot.testing.harness import BotUnderTest
from tests.conftest import seed_world
from tests.officer_support import (
    button_starting,
    delivered,
    last,
    officer_user,
    press,
    submitted_case,
    tr,
)


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


async def test_files_go_by_telegram_id_or_from_the_stored_copy(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    # A file Telegram knows (as if the foundation had sent it), and an id it no longer knows.
    known = fake._store_file(b"%PDF-1.4 by id", "document", file_name="letter.pdf")
    ids = {"request_letter": known.file_id, "registration_certificate": "gone-file-id"}
    async with BotUnderTest.start(fake, tmp_path) as bot:
        world = await seed_world(bot.services.db, bot.services.clock())
        case = await submitted_case(bot, world.member, file_ids=ids)
        await delivered(bot)
        t = tr(bot)
        officer = officer_user(bot, world)
        await press(bot, officer, t.t("officer.button.open_case"))
        view = last(officer)

        sent: list[bytes | None] = []
        items = ("request_letter", "registration_certificate", "regulations")
        for number, item in enumerate(items, 1):
            await press(bot, officer, button_starting(view, f"{number}. "), view.message_id)
            files = [m for m in fake.messages(world.officer) if m.kind == "document"]
            sent.append(files[-1].document)
            panel = last(officer)
            assert case.tracking_no in (panel.text or "") and f"{item}.pdf" in (panel.text or "")
            assert panel.button_texts[:2] == [
                t.t("officer.verdict.complete"),
                t.t("officer.verdict.needs_correction"),
            ]
        assert sent == [
            b"%PDF-1.4 by id",
            b"%PDF-1.4 registration_certificate",
            b"%PDF-1.4 regulations",
        ]
        by_id = [c.params.get("document") for c in fake.calls("sendDocument")]
        assert by_id[0] == known.file_id
        # The refused id was tried, then the stored copy went as an upload.
        failed = fake.calls("sendDocument", include_failed=True)
        assert [c.params.get("document") for c in failed if c.failed] == ["gone-file-id"]
