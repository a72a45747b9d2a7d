"""Following applications: the list and the timeline in Thai (Buddhist era) and English, a
correction round that replaces only the flagged document, and a withdrawal."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.testing.fake_telegram import FakeTelegram
from bot.testing.harness import BotUnderTest
from bot.workflow import STATUS_LABEL, Status
from storage import attachments as attachments_repo
from storage import cases as cases_repo
from storage import events as events_repo
from tests.conftest import seed_world
from tests.foundation_steps import (
    PDF,
    command,
    last,
    last_text,
    press,
    say,
    send_file,
    submitted_case,
    tr,
)


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


async def test_the_list_and_timeline_in_thai_and_in_english(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    async with BotUnderTest.start(fake, tmp_path) as bot:
        world = await seed_world(bot.services.db, bot.services.clock())
        cases = bot.services
        older = await submitted_case(bot, world.member, "OLDER VOLUNTEER")
        case = await submitted_case(bot, world.colleague, "ANNA MARIA SCHMIDT")
        # The office works on the newer case: a note for officers only, then documents complete.
        await cases.review.add_internal_note(
            world.officer, case.id, "SECRET NOTE: call the governor"
        )
        for a in await cases.kernel.current_attachments(case.id):
            case = (
                await cases.review.mark_attachment(
                    world.officer, case.id, case.version, a.id, "complete"
                )
            ).case
        case = (
            await cases.review.documents_complete(
                world.officer, case.id, case.version, "ชม 0001", comment="ครบถ้วนดี"
            )
        ).case
        events = await events_repo.for_case(bot.services.db.conn, case.id)
        submitted_at = next(e.created_at for e in events if e.action == "submit")

        thai = fake.user(world.member, "สมชาย", language_code="th")
        t = tr(bot, "th")
        text = await command(bot, thai, "cases")
        # Newest first, each with its status and whose move it is, in Thai.
        assert text.index(case.tracking_no) < text.index(older.tracking_no)
        assert t.t(STATUS_LABEL[Status.AWAITING_CONSIDERATION]) in text
        assert "รอเจ้าหน้าที่ดำเนินการ" in text
        assert last(thai).button_texts[:2] == [
            f"{case.tracking_no} · ANNA MARIA SCHMIDT",
            f"{older.tracking_no} · OLDER VOLUNTEER",
        ]
        view = await press(bot, thai, f"{case.tracking_no} · ANNA MARIA SCHMIDT")
        assert "ชม 0001" in view and "ครบถ้วนดี" in view
        buddhist_year = str(submitted_at.astimezone(bot.services.settings.tz).year + 543)
        assert t.datetime(submitted_at) in view and buddhist_year in view
        assert t.t("foundation.timeline.submit") in view
        assert "SECRET NOTE" not in view
        assert "request_letter.pdf" in view and "เชียงใหม่" in view
        assert t.t("foundation.button.withdraw") in last(thai).button_texts

        english = fake.user(world.colleague, "Ben", language_code="en")
        en = tr(bot, "en")
        text = await command(bot, english, "cases")
        assert "Awaiting consideration" in text and "Waiting for officer" in text
        view = await press(bot, english, f"{case.tracking_no} · ANNA MARIA SCHMIDT")
        assert en.datetime(submitted_at) in view
        assert str(submitted_at.astimezone(bot.services.settings.tz).year) in view
        assert buddhist_year not in view
        assert en.t("foundation.timeline.documents_complete", receipt_no="ชม 0001") in view
        assert "SECRET NOTE" not in view


async def test_the_list_pages_through_many_cases(fake: FakeTelegram, tmp_path: Path) -> None:
    async with BotUnderTest.start(fake, tmp_path) as bot:
        world = await seed_world(bot.services.db, bot.services.clock())
        made = [await submitted_case(bot, world.member, f"VOLUNTEER {n}") for n in range(7)]
        user = fake.user(world.member, "Anna", language_code="en")
        t = tr(bot, "en")
        text = await command(bot, user, "cases")
        assert t.t("foundation.cases.title", foundation="Test Foundation", page=1, pages=2) in text
        assert made[-1].tracking_no in text and made[0].tracking_no not in text
        page = last(user)
        await press(bot, user, t.t("foundation.button.next"))
        # The same message turns the page.
        assert made[0].tracking_no in (page.text or "") and made[-1].tracking_no not in (
            page.text or ""
        )


async def test_a_correction_round_replaces_only_the_flagged_document(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    async with BotUnderTest.start(fake, tmp_path) as bot:
        world = await seed_world(bot.services.db, bot.services.clock())
        cases = bot.services
        await bot.services.users.set_language(world.member, "en")
        case = await submitted_case(bot, world.member)
        current = await cases.kernel.current_attachments(case.id)
        passport = next(a for a in current if a.item == "passport_copy")
        for a in current:
            verdict = "needs_correction" if a.id == passport.id else "complete"
            reason = "The scan is cut off at the bottom" if a.id == passport.id else None
            case = (
                await cases.review.mark_attachment(
                    world.officer, case.id, case.version, a.id, verdict, reason
                )
            ).case
        case = (
            await cases.review.request_correction(
                world.officer,
                case.id,
                case.version,
                "Please also check the passport number",
                internal_note="applicant called twice",
            )
        ).case

        user = fake.user(world.member, "Anna", language_code="en")
        t = tr(bot, "en")
        # Every member is told, with the flagged document, the reason, the comment and a button.
        message = await fake.wait_for_message(
            world.member, lambda m: t.t("foundation.button.start_correcting") in m.button_texts
        )
        assert "Copy of the volunteer's passport: The scan is cut off at the bottom" in (
            message.text or ""
        )
        assert "Please also check the passport number" in (message.text or "")
        assert "applicant called twice" not in (message.text or "")
        colleague_note = await fake.wait_for_message(world.colleague, lambda m: bool(m.buttons))
        assert case.tracking_no in (colleague_note.text or "")

        await user.press(t.t("foundation.button.start_correcting"), message.message_id)
        await bot.settle()
        text = last_text(user)
        assert "The scan is cut off at the bottom" in text
        assert (
            t.t(
                "foundation.correct.document",
                name="Copy of the volunteer's passport",
                reason="The scan is cut off at the bottom",
                remaining=1,
                limit=20,
            )
            in text
        )
        # Only the flagged document is asked for; a wrong file changes nothing.
        assert text.endswith(f"{20} MB.")
        await send_file(bot, user, b"GIF89a", "passport.gif", "image/gif")
        assert last_text(user).startswith(t.t("foundation.error.file_type"))
        text = await send_file(bot, user, PDF + b"passport v2", "passport-v2.pdf")
        assert "passport-v2.pdf" in text
        assert t.t("foundation.button.resubmit") in last(user).button_texts

        # The officer also asked about the passport number: fix it before resubmitting.
        await press(bot, user, t.t("foundation.button.change_detail"))
        await press(bot, user, t.t("foundation.field.passport_no"))
        text = await say(bot, user, "C01X00T48")
        assert "C01X00T48" in text
        await press(bot, user, t.t("foundation.button.resubmit"))
        assert last_text(user) == t.t("foundation.correct.done", tracking_no=case.tracking_no)

        db = bot.services.db
        fresh = await cases_repo.get(db.conn, case.id)
        assert fresh is not None and fresh.status is Status.AWAITING_RECHECK
        assert fresh.passport_no == "C01X00T48" and fresh.details["passport_no"] == "C01X00T48"
        history = await attachments_repo.history(db.conn, case.id)
        # The reviewed revision is kept; no other document got a new one.
        assert [a.revision for a in history if a.item == "passport_copy"] == [1, 2]
        assert all(a.revision == 1 for a in history if a.item != "passport_copy")
        resubmit = await events_repo.latest(db.conn, case.id, "resubmit")
        assert resubmit is not None and resubmit.data["changed_fields"] == ["passport_no"]
        # The button on the old notification is no longer usable: the case left that status.
        await user.press(t.t("foundation.button.start_correcting"), message.message_id)
        await bot.settle()
        assert user.answered_callbacks[-1].text == t.t(
            "foundation.correct.not_waiting", status=t.t(STATUS_LABEL[Status.AWAITING_RECHECK])
        )


async def test_a_withdrawal_after_confirming(fake: FakeTelegram, tmp_path: Path) -> None:
    async with BotUnderTest.start(fake, tmp_path) as bot:
        world = await seed_world(bot.services.db, bot.services.clock())
        case = await submitted_case(bot, world.member)
        user = fake.user(world.member, "สมชาย", language_code="th")
        t = tr(bot, "th")
        await command(bot, user, "cases")
        await press(bot, user, f"{case.tracking_no} · ANNA MARIA SCHMIDT")
        text = await press(bot, user, t.t("foundation.button.withdraw"))
        assert text == t.t("foundation.withdraw.ask_reason", tracking_no=case.tracking_no)
        assert t.t("foundation.error.text_too_short", minimum=3) in await say(bot, user, "no")
        text = await say(bot, user, "อาสาสมัครเปลี่ยนแผน ไม่มาประเทศไทยแล้ว")
        assert "อาสาสมัครเปลี่ยนแผน" in text
        # "No" keeps it; nothing changed.
        await press(bot, user, t.t("foundation.button.keep_case"))
        assert last_text(user) == t.t("foundation.withdraw.kept")
        unchanged = await cases_repo.get(bot.services.db.conn, case.id)
        assert unchanged is not None and unchanged.status is Status.AWAITING_CHECK

        await command(bot, user, "cases")
        await press(bot, user, f"{case.tracking_no} · ANNA MARIA SCHMIDT")
        await press(bot, user, t.t("foundation.button.withdraw"))
        await say(bot, user, "อาสาสมัครเปลี่ยนแผน ไม่มาประเทศไทยแล้ว")
        await press(bot, user, t.t("foundation.button.withdraw_confirm"))
        assert last_text(user) == t.t("foundation.withdraw.done", tracking_no=case.tracking_no)
        closed = await cases_repo.get(bot.services.db.conn, case.id)
        assert closed is not None and closed.status is Status.WITHDRAWN
        # Officers of the province are told; the timeline shows the reason.
        told = t.t(
            "notify.officer.withdrawn",
            tracking_no=case.tracking_no,
            volunteer=case.volunteer_name,
            foundation="มูลนิธิทดสอบ",
        )
        await fake.wait_for_message(world.officer, lambda m: m.text == told)
        await command(bot, user, "cases")
        view = await press(bot, user, f"{case.tracking_no} · ANNA MARIA SCHMIDT")
        assert t.t("foundation.timeline.withdraw") in view and "อาสาสมัครเปลี่ยนแผน" in view
        assert t.t("foundation.button.withdraw") not in last(user).button_texts


async def test_a_stale_withdraw_button_shows_the_case_as_it_is_now(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    async with BotUnderTest.start(fake, tmp_path) as bot:
        world = await seed_world(bot.services.db, bot.services.clock())
        case = await submitted_case(bot, world.member)
        user = fake.user(world.member, "Anna", language_code="en")
        t = tr(bot, "en")
        await command(bot, user, "cases")
        await press(bot, user, f"{case.tracking_no} · ANNA MARIA SCHMIDT")
        shown = last(user)
        # Meanwhile the office returns the case.
        await bot.services.review.return_not_eligible(
            world.officer, case.id, case.version, "Not a social development activity"
        )
        await bot.settle()  # the foundation is told first; then it presses the old button
        await user.press(t.t("foundation.button.withdraw"), shown.message_id)
        await bot.settle()
        text = last_text(user)
        assert text.startswith(t.t("common.conflict"))
        assert t.t(STATUS_LABEL[Status.RETURNED]) in text
        assert "Not a social development activity" in text
        returned = await cases_repo.get(bot.services.db.conn, case.id)
        assert returned is not None and returned.status is Status.RETURNED
