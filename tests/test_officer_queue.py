"""The officer's dashboard, the bucket lists (oldest first, paged) and /find, through the bot."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.testing.fake_telegram import FakeTelegram
from bot.testing.harness import BotUnderTest
from bot.workflow import Status
from tests.conftest import seed_world
from tests.officer_support import (
    command,
    delivered,
    document,
    last,
    officer_user,
    press,
    submitted_case,
    to_consideration,
    tr,
)


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


async def test_dashboard_counts_each_bucket_and_each_waiting_status(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    async with BotUnderTest.start(fake, tmp_path) as bot:
        world = await seed_world(bot.services.db, bot.services.clock())
        cases, officer_id = bot.services, world.officer
        await submitted_case(bot, world.member, volunteer="A CHECK")
        flagged = await submitted_case(bot, world.member, volunteer="B CORRECTION")
        await cases.review.request_correction(officer_id, flagged.id, flagged.version, "แก้ไขสำเนา")
        recheck = await submitted_case(bot, world.member, volunteer="C RECHECK")
        recheck = (
            await cases.review.request_correction(officer_id, recheck.id, recheck.version, "ส่งใหม่")
        ).case
        recheck = (
            await cases.application.upload_attachment(
                world.member,
                recheck.id,
                recheck.version,
                "cv",
                document(bot, "cv-2"),
            )
        )[0].case
        await cases.correction.resubmit(world.member, recheck.id, recheck.version)
        await to_consideration(
            bot, officer_id, await submitted_case(bot, world.member, volunteer="D"), "1/2569"
        )
        returned = await submitted_case(bot, world.member, volunteer="E RETURNED")
        await cases.review.return_not_eligible(
            officer_id, returned.id, returned.version, "ไม่เข้าเกณฑ์"
        )
        elsewhere = await submitted_case(bot, world.other_member, volunteer="F ELSEWHERE")
        await delivered(bot)
        t = tr(bot)

        officer = officer_user(bot, world)
        await command(bot, officer, "dashboard")
        board = last(officer).text or ""
        expected = [
            t.t("officer.dashboard.title", scope="เชียงใหม่"),
            t.t("officer.dashboard.bucket", bucket=t.t("bucket.waiting_for_officer"), count=3),
            t.t("officer.dashboard.status", status=t.t("status.awaiting_check"), count=1),
            t.t("officer.dashboard.status", status=t.t("status.awaiting_recheck"), count=1),
            t.t("officer.dashboard.status", status=t.t("status.awaiting_consideration"), count=1),
            t.t("officer.dashboard.status", status=t.t("status.awaiting_issuance"), count=0),
            t.t("officer.dashboard.bucket", bucket=t.t("bucket.waiting_for_applicant"), count=1),
            t.t("officer.dashboard.bucket", bucket=t.t("bucket.completed"), count=1),
        ]
        assert [line for line in expected if line not in board.splitlines()] == []

        # Each bucket opens its list.
        applicant = t.t(
            "officer.button.bucket", bucket=t.t("bucket.waiting_for_applicant"), count=1
        )
        await press(bot, officer, applicant)
        listing = last(officer).text or ""
        assert "B CORRECTION" in listing and t.t("status.awaiting_correction") in listing
        assert "A CHECK" not in listing

        # The central office sees every province; the other province's case counts there.
        central = officer_user(bot, world, world.central_officer)
        await command(bot, central, "dashboard")
        assert (
            t.t("officer.dashboard.bucket", bucket=t.t("bucket.waiting_for_officer"), count=4)
            in (last(central).text or "").splitlines()
        )
        assert elsewhere.status is Status.AWAITING_CHECK


async def test_the_queue_is_oldest_first_across_two_pages(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    async with BotUnderTest.start(fake, tmp_path) as bot:
        world = await seed_world(bot.services.db, bot.services.clock())
        made = [
            await submitted_case(bot, world.member, volunteer=f"VOLUNTEER {n:02d}")
            for n in range(10)
        ]
        await submitted_case(bot, world.other_member, volunteer="OTHER PROVINCE")
        claimed = made[1]
        await bot.services.review.claim(world.officer, claimed.id, claimed.version)
        await delivered(bot)
        t = tr(bot, "en")
        await bot.services.users.set_language(world.officer, "en")
        officer = officer_user(bot, world)

        await command(bot, officer, "dashboard")
        waiting = t.t("officer.button.bucket", bucket=t.t("bucket.waiting_for_officer"), count=10)
        await press(bot, officer, waiting)
        page = last(officer)
        text = page.text or ""
        assert text.startswith(
            t.t(
                "officer.queue.title",
                bucket=t.t("bucket.waiting_for_officer"),
                page=1,
                pages=2,
                total=10,
            )
        )
        first = [f"{n}. {c.tracking_no}" for n, c in enumerate(made[:8], 1)]
        assert page.button_texts[:8] == first
        positions = [text.index(f"VOLUNTEER {n:02d}") for n in range(8)]
        assert positions == sorted(positions)
        assert "VOLUNTEER 08" not in text and "OTHER PROVINCE" not in text
        assert "Test Foundation" in text and t.t("status.awaiting_check") in text
        assert t.t("officer.queue.days", days=0) in text
        assert t.t("officer.queue.claimed_by", name="Somchai") in text  # their Telegram name
        assert t.t("officer.queue.unclaimed") in text
        assert t.t("officer.button.previous") not in page.button_texts

        await press(bot, officer, t.t("officer.button.next"))
        assert page.button_texts[:2] == [
            f"9. {made[8].tracking_no}",
            f"10. {made[9].tracking_no}",
        ]
        assert "VOLUNTEER 09" in (page.text or "") and "VOLUNTEER 00" not in (page.text or "")
        assert t.t("officer.button.next") not in page.button_texts
        await press(bot, officer, t.t("officer.button.previous"))
        assert page.button_texts[:8] == first

        # A row opens the case as a new message under the list.
        await press(bot, officer, first[0])
        assert made[0].tracking_no in (last(officer).text or "") and last(officer) is not page


async def test_find_by_number_passport_and_names_in_thai_and_latin(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    async with BotUnderTest.start(fake, tmp_path) as bot:
        world = await seed_world(bot.services.db, bot.services.clock())
        jurgen = await submitted_case(
            bot, world.member, volunteer="Jürgen Müller", passport="C01X00T47"
        )
        somsri = await submitted_case(bot, world.member, volunteer="SOMSRI DEE", passport="AA7654")
        await to_consideration(bot, world.officer, somsri, "55/2569")
        away = await submitted_case(bot, world.other_member, volunteer="JOHN AWAY")
        await delivered(bot)
        t = tr(bot)
        officer = officer_user(bot, world)

        async def found(*words: str) -> str:
            await command(bot, officer, "find", *words)
            return last(officer).text or ""

        hits = {
            ("jürgen",): [jurgen],  # lower case, non-ASCII letter
            ("MÜLLER",): [jurgen],  # upper case, non-ASCII letter
            ("c01x",): [jurgen],  # passport number, any case
            ("55/2569",): [somsri],  # receipt number
            (somsri.tracking_no.lower(),): [somsri],  # tracking number
            ("ทดสอบ",): [jurgen, somsri],  # part of the foundation's Thai name
            ("test", "found"): [jurgen, somsri],  # part of its English name
        }
        for words, expected in hits.items():
            text = await found(*words)
            assert text.startswith(
                t.t("officer.find.title", term=" ".join(words), count=len(expected))
            ), words
            assert [c.tracking_no for c in expected if c.tracking_no in text] == [
                c.tracking_no for c in expected
            ]
            assert away.tracking_no not in text

        # Another province's case is not found by this officer, but by the central office.
        assert await found("JOHN", "AWAY") == t.t("officer.find.none", term="JOHN AWAY")
        assert await found("nobody-like-this") == t.t("officer.find.none", term="nobody-like-this")
        assert await found("x") == t.t("officer.find.too_short", minimum=2)
        assert await found() == t.t("officer.find.usage")
        central = officer_user(bot, world, world.central_officer)
        await command(bot, central, "find", "away")
        assert away.tracking_no in (last(central).text or "")

        # A result opens the case.
        await command(bot, officer, "find", "somsri")
        await press(bot, officer, f"1. {somsri.tracking_no}")
        assert "55/2569" in (last(officer).text or "")
