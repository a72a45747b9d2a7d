"""An officer reviews cases from the phone, as the manual's steps describe, through the real bot
and the fake Telegram: what they read, what they press, and what the foundation is told."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.dates import BANGKOK
from bot.testing.fake_telegram import FakeTelegram
from bot.testing.harness import BotUnderTest
from bot.workflow import Status
from tests.conftest import seed_world
from tests.officer_support import (
    button_starting,
    case_now,
    delivered,
    document,
    events_of,
    last,
    last_answer,
    officer_user,
    open_case,
    outbox_of,
    press,
    send,
    submitted_case,
    to_consideration,
    tr,
)


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


async def test_preliminary_check_flags_a_document_and_asks_for_correction(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    async with BotUnderTest.start(fake, tmp_path) as bot:
        world = await seed_world(bot.services.db, bot.services.clock())
        case = await submitted_case(bot, world.member)
        await delivered(bot)
        t = tr(bot)
        officer = officer_user(bot, world)

        # The new-case notification carries an "Open case" button.
        notification = last(officer)
        assert case.tracking_no in (notification.text or "")
        assert notification.button_texts == [t.t("officer.button.open_case")]
        await press(bot, officer, t.t("officer.button.open_case"))
        view = last(officer)
        assert view is not notification
        text = view.text or ""
        assert case.tracking_no in text and "JOHN SMITH" in text and "AB1234567" in text
        assert t.t("status.awaiting_check") in text and "มูลนิธิทดสอบ" in text
        buddhist_year = bot.services.clock().astimezone(BANGKOK).year + 543
        assert f"วันที่ยื่น: {t.date(case.submitted_at or case.created_at)}" in text
        assert str(buddhist_year) in text

        # Claim: a summary first, then the case shows who handles it, and the timeline says so.
        await press(bot, officer, t.t("action.claim"))
        assert view.text == t.t("officer.confirm.claim", tracking_no=case.tracking_no)
        await press(bot, officer, t.t("officer.button.confirm"))
        assert "เจ้าหน้าที่: Somchai" in (view.text or "")
        assert (await case_now(bot, case.id)).claimed_by == world.officer

        # Open the passport copy: the file itself arrives, then a panel to mark it.
        passport_name = bot.services.checklist.get("passport_copy")
        assert passport_name is not None
        # Attachments are listed in checklist order; the passport copy is the fifth.
        await press(bot, officer, button_starting(view, "5. "))
        sent = [m for m in fake.messages(world.officer) if m.kind == "document"]
        assert sent and sent[-1].document == b"%PDF-1.4 passport_copy"
        panel = last(officer)
        assert passport_name.name_th in (panel.text or "")
        await press(bot, officer, t.t("officer.verdict.needs_correction"))
        assert "ต้องแก้ไขอย่างไร" in (panel.text or "")
        await send(bot, officer, "สแกนไม่ชัด หน้าข้อมูลถูกตัด")
        summary = last(officer)
        assert "สแกนไม่ชัด หน้าข้อมูลถูกตัด" in (summary.text or "")
        await press(bot, officer, t.t("officer.button.confirm"))
        assert "✏️" in (summary.text or "") and t.t("officer.verdict.needs_correction") in (
            summary.text or ""
        )

        # The rest are complete, in one confirmed step.
        await press(bot, officer, t.t("officer.button.all_complete"))
        assert "8" in (summary.text or "")
        await press(bot, officer, t.t("officer.button.confirm"))
        view = summary

        # An internal note: asked, summarised, saved, marked as for officers only.
        await press(bot, officer, t.t("action.add_internal_note"))
        await send(bot, officer, "โทรแจ้งมูลนิธิแล้ว เลขาฯ รับทราบ")
        await press(bot, officer, t.t("officer.button.confirm"))
        view = last(officer)
        assert "🔒" in (view.text or "") and "โทรแจ้งมูลนิธิแล้ว" in (view.text or "")

        # Preliminary result: ask the applicant to correct, with the officer's comment.
        await press(bot, officer, t.t("action.request_correction"))
        prompt = last(officer)
        assert "สแกนไม่ชัด" in (prompt.text or "")  # the flagged list is shown before typing
        assert t.t("officer.button.skip") in prompt.button_texts
        await send(bot, officer, "กรุณาสแกนหน้าหนังสือเดินทางใหม่ทั้งหน้า")
        await press(bot, officer, t.t("officer.button.confirm"))
        assert (await case_now(bot, case.id)).status is Status.AWAITING_CORRECTION
        assert t.t("status.awaiting_correction") in (last(officer).text or "")

        # The foundation hears the flagged list and the comment, never the internal note.
        await delivered(bot)
        told = fake.messages(world.colleague)[-1].text or ""
        assert "สแกนไม่ชัด หน้าข้อมูลถูกตัด" in told
        assert "กรุณาสแกนหน้าหนังสือเดินทางใหม่ทั้งหน้า" in told
        for person in (world.member, world.colleague):
            assert all("โทรแจ้งมูลนิธิ" not in (m.text or "") for m in fake.messages(person))
        assert all("โทรแจ้งมูลนิธิ" not in row.params for row in await outbox_of(bot, case.id))
        notes = [e for e in await events_of(bot, case.id) if e.action == "add_internal_note"]
        assert [n.internal_note for n in notes] == ["โทรแจ้งมูลนิธิแล้ว เลขาฯ รับทราบ"]
        assert notes[0].public_comment is None
        # Every press was answered.
        assert len(officer.answered_callbacks) == len(
            [u for u in fake.all_requests if u.method == "answerCallbackQuery"]
        )


async def test_documents_complete_asks_again_for_a_receipt_number_already_used(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    async with BotUnderTest.start(fake, tmp_path) as bot:
        world = await seed_world(bot.services.db, bot.services.clock())
        earlier = await submitted_case(bot, world.member, volunteer="ANNA EARLIER")
        await to_consideration(bot, world.officer, earlier, "10/2569")
        case = await submitted_case(bot, world.member)
        await delivered(bot)
        t = tr(bot, "en")
        await bot.services.users.set_language(world.officer, "en")
        officer = officer_user(bot, world)

        await open_case(bot, officer, case.id)
        # Not every document is checked yet: refused before any typing.
        await press(bot, officer, t.t("action.documents_complete"))
        assert last_answer(officer) == t.t("error.documents_not_all_complete")
        await press(bot, officer, t.t("officer.button.all_complete"))
        await press(bot, officer, t.t("officer.button.confirm"))
        await press(bot, officer, t.t("action.documents_complete"))
        assert "receipt number" in (last(officer).text or "")
        await send(bot, officer, "10/2569")
        assert t.t("error.receipt_number_taken", receipt_no="10/2569") in (last(officer).text or "")
        await send(bot, officer, "11/2569")
        assert t.t("officer.button.skip") in last(officer).button_texts
        await press(bot, officer, t.t("officer.button.skip"))
        summary = last(officer)
        assert "11/2569" in (summary.text or "")
        await press(bot, officer, t.t("officer.button.confirm"))
        now = await case_now(bot, case.id)
        assert (now.status, now.receipt_no) == (Status.AWAITING_CONSIDERATION, "11/2569")
        assert t.t("officer.saved", action=t.t("action.documents_complete")) in (summary.text or "")

        # Consideration: approve only once every document is marked correct.
        await press(bot, officer, t.t("action.approve"))
        assert last_answer(officer) == t.t("officer.error.not_all_correct")
        await press(bot, officer, t.t("officer.button.all_correct"))
        await press(bot, officer, t.t("officer.button.confirm"))
        await press(bot, officer, t.t("action.approve"))
        await send(bot, officer, "Documents verified with the original passport.")
        await press(bot, officer, t.t("officer.button.confirm"))
        assert (await case_now(bot, case.id)).status is Status.AWAITING_ISSUANCE

        await delivered(bot)
        member_th = tr(bot, "th")
        told = [m.text or "" for m in fake.messages(world.colleague)]
        assert (
            member_th.t(
                "notify.member.documents_complete",
                tracking_no=case.tracking_no,
                volunteer="JOHN SMITH",
                receipt_no="11/2569",
                comment=member_th.t("common.nothing_said"),
            )
            in told
        )
        assert (
            member_th.t(
                "notify.member.approved",
                tracking_no=case.tracking_no,
                volunteer="JOHN SMITH",
                comment="Documents verified with the original passport.",
            )
            in told
        )


async def test_not_approving_needs_a_reason_and_tells_the_foundation(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    async with BotUnderTest.start(fake, tmp_path) as bot:
        world = await seed_world(bot.services.db, bot.services.clock())
        case = await to_consideration(
            bot, world.officer, await submitted_case(bot, world.member), "12/2569"
        )
        await delivered(bot)
        t = tr(bot)
        officer = officer_user(bot, world)
        await open_case(bot, officer, case.id)

        await press(bot, officer, t.t("action.not_approve"))
        prompt = last(officer)
        assert t.t("officer.button.skip") not in prompt.button_texts  # a reason is required
        await officer.send_sticker()  # not text: asked again, nothing saved
        await bot.settle()
        assert last(officer).text == t.t("officer.error.expected_text")
        await send(bot, officer, "ลักษณะงานไม่เกี่ยวข้องกับภารกิจของกระทรวง")
        await press(bot, officer, t.t("officer.button.confirm"))
        assert (await case_now(bot, case.id)).status is Status.NOT_APPROVED

        await delivered(bot)
        assert fake.messages(world.colleague)[-1].text == t.t(
            "notify.member.not_approved",
            tracking_no=case.tracking_no,
            volunteer="JOHN SMITH",
            reason="ลักษณะงานไม่เกี่ยวข้องกับภารกิจของกระทรวง",
        )


async def test_returning_a_case_is_confirmed_twice_and_a_double_tap_saves_once(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    async with BotUnderTest.start(fake, tmp_path) as bot:
        world = await seed_world(bot.services.db, bot.services.clock())
        case = await submitted_case(bot, world.member)
        await delivered(bot)
        t = tr(bot)
        officer = officer_user(bot, world)
        await open_case(bot, officer, case.id)

        await press(bot, officer, t.t("action.return_not_eligible"))
        await send(bot, officer, "มูลนิธิไม่ได้จดทะเบียนตามประกาศกรม")
        summary = last(officer)
        assert "ไม่สามารถยกเลิก" in (summary.text or "")  # says it cannot be undone
        first = summary.find_button(t.t("officer.button.confirm"))
        assert first is not None
        await officer.press_data(first["callback_data"], summary.message_id)
        await officer.press_data(first["callback_data"], summary.message_id)  # a double tap
        await bot.settle()
        assert (await case_now(bot, case.id)).status is Status.AWAITING_CHECK  # not yet
        assert summary.text == t.t("officer.confirm.return_final", tracking_no=case.tracking_no)
        final = summary.find_button(t.t("officer.button.return_final"))
        assert final is not None
        await officer.press_data(final["callback_data"], summary.message_id)
        await officer.press_data(final["callback_data"], summary.message_id)
        await bot.settle()

        assert (await case_now(bot, case.id)).status is Status.RETURNED
        returns = [e for e in await events_of(bot, case.id) if e.action == "return_not_eligible"]
        assert len(returns) == 1
        assert last_answer(officer) == t.t("officer.already_saved")
        await delivered(bot)
        assert fake.messages(world.colleague)[-1].text == t.t(
            "notify.member.returned",
            tracking_no=case.tracking_no,
            volunteer="JOHN SMITH",
            reason="มูลนิธิไม่ได้จดทะเบียนตามประกาศกรม",
        )


async def test_after_correction_the_new_file_is_unmarked_and_the_old_verdict_kept(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    async with BotUnderTest.start(fake, tmp_path) as bot:
        world = await seed_world(bot.services.db, bot.services.clock())
        cases = bot.services
        case = await submitted_case(bot, world.member)
        cv = next(a for a in await cases.kernel.current_attachments(case.id) if a.item == "cv")
        case = (
            await cases.review.mark_attachment(
                world.officer, case.id, case.version, cv.id, "needs_correction", "ไม่ได้ลงนาม"
            )
        ).case
        case = (
            await cases.review.request_correction(world.officer, case.id, case.version, None)
        ).case
        case = (
            await cases.application.upload_attachment(
                world.member, case.id, case.version, "cv", document(bot, "cv-signed")
            )
        )[0].case
        await cases.correction.resubmit(world.member, case.id, case.version)
        await delivered(bot)
        t = tr(bot)
        officer = officer_user(bot, world)

        # Told that corrections arrived, with the button to open the case.
        told = last(officer)
        assert t.t("status.awaiting_recheck") in (told.text or "")
        await press(bot, officer, t.t("officer.button.open_case"))
        view = last(officer)
        assert t.t("status.awaiting_recheck") in (view.text or "")
        cv_button = button_starting(view, "6. ")  # the CV, sixth on the checklist
        assert "⏳" in cv_button
        await press(bot, officer, cv_button)
        panel = last(officer)
        assert (panel.text or "").endswith(
            t.t(
                "officer.file.earlier",
                revision=1,
                verdict=t.t("officer.verdict.needs_correction"),
                reason="ไม่ได้ลงนาม",
            )
        )
        files = [m for m in fake.messages(world.officer) if m.kind == "document"]
        assert files[-1].document == b"%PDF-1.4 cv-signed"


async def test_what_the_officer_was_typing_survives_a_restart(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    async with BotUnderTest.start(fake, tmp_path) as bot:
        world = await seed_world(bot.services.db, bot.services.clock())
        case = await submitted_case(bot, world.member)
        await delivered(bot)
        t = tr(bot)
        officer = officer_user(bot, world)
        await press(bot, officer, t.t("officer.button.open_case"))
        await press(bot, officer, t.t("action.add_internal_note"))

    async with BotUnderTest.start(fake, tmp_path) as bot:
        await send(bot, officer, "ตรวจสอบกับสำนักงานจังหวัดแล้ว")
        assert "ตรวจสอบกับสำนักงานจังหวัดแล้ว" in (last(officer).text or "")
        await press(bot, officer, t.t("officer.button.confirm"))
        notes = [e.internal_note for e in await events_of(bot, case.id) if e.internal_note]
        assert notes == ["ตรวจสอบกับสำนักงานจังหวัดแล้ว"]
