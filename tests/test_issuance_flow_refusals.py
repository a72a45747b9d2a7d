"""What issuance refuses, and how: closed days in the calendar (weekends, Thai public holidays,
past days) shown unselectable and refused when pressed or forged, with the holiday's name in
the reader's language; completion before the scan; presses from people who may not act;
stale and repeated presses; a closed case."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.issuance.sample import sample_image
from bot.testing.fake_telegram import FakeTelegram
from bot.workdays import WorkCalendar
from bot.workflow import STATUS_LABEL, Status
from handlers.foundation import buttons as pb
from handlers.officer import buttons as ic
from storage import appointments as appointments_repo
from tests.button_data import encode
from tests.foundation_steps import command
from tests.issuance_steps import (
    CONSTITUTION_DAY,
    OPEN_DAY,
    SATURDAY,
    SIGNED_SCAN,
    Presses,
    approved_case,
    calendar_button,
    day_data,
    documents,
    forged,
    issuance_bot,
    pressed,
    time_data,
)
from tests.officer_support import case_now, events_of, last, officer_user, open_case, tr


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


async def test_closed_days_are_marked_and_refused_even_when_forged(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    async with issuance_bot(fake, tmp_path) as (bot, world):
        presses = Presses(fake)
        case = await approved_case(bot, world)
        en, th = tr(bot, "en"), tr(bot, "th")
        await bot.services.users.set_language(world.officer, "en")
        officer = officer_user(bot, world)
        await open_case(bot, officer, case.id)
        await pressed(bot, officer, en.t("action.schedule_pickup"))
        await pressed(bot, officer, en.t("issuance.button.next_month"))
        calendar = last(officer)
        shown = calendar.text
        assert "December 2026" in (shown or "") and "Constitution Day" in (shown or "")

        # Pressing a marked day says why, in English, and leaves the calendar as it was.
        await pressed(bot, officer, calendar_button(calendar, CONSTITUTION_DAY))
        answer = officer.answered_callbacks[-1]
        assert answer.show_alert
        assert answer.text == en.t("issuance.refusal.holiday", holiday="Constitution Day")
        await pressed(bot, officer, calendar_button(calendar, SATURDAY))
        assert officer.answered_callbacks[-1].text == en.t("issuance.refusal.weekend")
        assert calendar.text == shown

        # Forged presses: the same rules, whatever the button said.
        substitute = dt.date(2026, 12, 7)  # Monday: the substitute for Saturday's holiday
        name = WorkCalendar().holiday_name(substitute, "en")
        assert name is not None
        assert await forged(bot, officer, day_data(case, substitute), calendar) == en.t(
            "issuance.refusal.holiday", holiday=name
        )
        past = dt.date(2026, 11, 20)
        assert await forged(bot, officer, day_data(case, past), calendar) == en.t(
            "issuance.refusal.past"
        )
        too_far = dt.date(2027, 2, 2)
        assert await forged(bot, officer, day_data(case, too_far), calendar) == en.t(
            "issuance.refusal.too_far", days=60
        )
        assert await forged(bot, officer, time_data(case, SATURDAY, 1000), calendar) == en.t(
            "issuance.refusal.weekend"
        )
        for lunch_or_off_grid in (1200, 1215, 1630):
            assert await forged(
                bot, officer, time_data(case, OPEN_DAY, lunch_or_off_grid), calendar
            ) == en.t("issuance.refusal.not_a_slot")
        assert await forged(bot, officer, time_data(case, OPEN_DAY, 2500), calendar) == en.t(
            "common.stale_button"
        )

        # A Thai reader is told the holiday's Thai name.
        await bot.services.users.set_language(world.officer, "th")
        assert await forged(bot, officer, day_data(case, CONSTITUTION_DAY), calendar) == th.t(
            "issuance.refusal.holiday", holiday="วันรัฐธรรมนูญ"
        )
        # Nothing was booked by any of it.
        assert await appointments_repo.latest_for_case(bot.services.db.conn, case.id) is None
        assert "schedule_pickup" not in [e.action for e in await events_of(bot, case.id)]
        assert presses.all_answered_once()


async def test_completion_waits_for_the_scan_and_a_closed_case_stays_closed(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    async with issuance_bot(fake, tmp_path) as (bot, world):
        presses = Presses(fake)
        case = await approved_case(bot, world)
        t = tr(bot, "th")
        officer = officer_user(bot, world)
        issuance = bot.services.issuance
        case = (
            await bot.services.issuing.send_for_signing(world.officer, case.id, case.version)
        ).case
        when = issuance.local_moment(OPEN_DAY, dt.time(10, 0))
        case = (
            await issuance.schedule(world.officer, case.id, case.version, when, None, None, "th")
        ).case
        view = await open_case(bot, officer, case.id)
        assert t.t("action.complete") not in view.button_texts

        # Completing before the scan, by a forged press: refused, nothing changes.
        done = encode(ic.DoIssuance, ic.DONE, case.id, case.version)
        assert await forged(bot, officer, done, view) == t.t("error.certificate_scan_required")
        assert (await case_now(bot, case.id)).status is Status.AWAITING_SIGNATURE

        # Others may not act: an officer of another province, a foundation member.
        elsewhere = officer_user(bot, world, world.officer_elsewhere)
        calendar = encode(ic.PickupCalendar, case.id, case.version, 0)
        assert await forged(bot, elsewhere, calendar, view) == t.t("error.case_not_found")
        member = fake.user(world.member, "สมชาย", language_code="th")
        assert await forged(bot, member, calendar, view) == t.t("error.not_allowed")
        outsider = fake.user(world.other_member, "Other", language_code="th")
        appointment = await appointments_repo.latest_for_case(bot.services.db.conn, case.id)
        assert appointment is not None
        answer = encode(pb.PickupSummary, case.id, appointment.id)
        assert await forged(bot, outsider, answer, view) == t.t("error.case_not_found")
        assert await forged(bot, officer, answer, view) == t.t("error.not_allowed")

        # A photo is a scan too; attach it only, and send it later from the case screen.
        await pressed(bot, officer, t.t("action.upload_certificate"), view.message_id)
        await officer.send_photo(sample_image(600, 800, "JPEG", "SIGNED"))
        await bot.settle()
        assert t.t("issuance.button.attach_and_send") in last(officer).button_texts
        await pressed(bot, officer, t.t("issuance.button.attach_only"))
        assert (await case_now(bot, case.id)).status is Status.AWAITING_SIGNATURE
        # Attached only: the foundation has its calendar files, not the scan.
        assert all((m.file_name or "").endswith(".ics") for m in documents(member))

        # An old screen (the version before the scan) shows the case as it is now.
        stale = encode(ic.AskScan, case.id, case.version)
        assert await forged(bot, officer, stale, view) == t.t("officer.already_saved")
        assert "📜" in (last(officer).text or "")

        # Replace the photo by a PDF, then complete from the summary with a double tap.
        view = await open_case(bot, officer, case.id)
        await pressed(bot, officer, t.t("issuance.button.replace_scan"), view.message_id)
        await officer.send_document(SIGNED_SCAN, "signed.pdf")
        await bot.settle()
        await pressed(bot, officer, t.t("issuance.button.attach_only"))
        view = await open_case(bot, officer, case.id)
        await pressed(bot, officer, t.t("action.complete"), view.message_id)
        summary = last(officer)
        assert "signed.pdf" in (summary.text or "") and "2 คน" in (summary.text or "")
        send = summary.find_button(t.t("issuance.button.send"))
        assert send is not None
        await officer.press_data(send["callback_data"], summary.message_id)
        await officer.press_data(send["callback_data"], summary.message_id)
        await bot.settle()
        assert officer.answered_callbacks[-1].text == t.t("officer.already_saved")
        closed = await case_now(bot, case.id)
        assert closed.status is Status.COMPLETED
        assert [e.action for e in await events_of(bot, case.id)].count("complete") == 1
        scans = [m for m in documents(member) if m.document == SIGNED_SCAN]
        assert len(scans) == 1  # the latest scan, once

        # Closed: the issuance buttons are gone, old ones refuse, notes still go in.
        assert t.t("issuance.button.print_pack") not in last(officer).button_texts
        printing = encode(ic.PrintPack, case.id)
        assert await forged(bot, officer, printing, view) == t.t(
            "error.wrong_status", status=t.t(STATUS_LABEL[Status.COMPLETED])
        )
        again = encode(ic.PickupCalendar, closed.id, closed.version, 0)
        assert await forged(bot, officer, again, view) == t.t(
            "error.case_closed", status=t.t(STATUS_LABEL[Status.COMPLETED])
        )
        await bot.services.review.add_internal_note(world.officer, case.id, "ส่งสำเนาให้ ตม. แล้ว")
        assert (await case_now(bot, case.id)).version == closed.version
        assert presses.all_answered_once()


async def test_a_member_may_change_their_mind_before_anything_is_saved(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    async with issuance_bot(fake, tmp_path) as (bot, world):
        case = await approved_case(bot, world)
        issuance = bot.services.issuance
        when = issuance.local_moment(OPEN_DAY, dt.time(9, 30))
        await issuance.schedule(world.officer, case.id, case.version, when, None, "-", "th")
        t = tr(bot, "th")
        member = fake.user(world.member, "สมชาย", language_code="th")
        await command(bot, member, "cases")
        view = await pressed(bot, member, f"{case.tracking_no} · ANNA MARIA SCHMIDT")
        assert "วันพฤหัสบดีที่ 3 ธันวาคม 2569 เวลา 09:30 น." in view
        assert t.t("issuance.member.state.proposed") in view
        # Ask for another time, send a sticker instead of a reason, then keep the appointment.
        await pressed(bot, member, t.t("issuance.member.button.reschedule"))
        await member.send_sticker()
        await bot.settle()
        assert last(member).text == t.t("issuance.member.type_reason")
        await pressed(bot, member, t.t("issuance.member.button.keep"))
        assert last(member).text == t.t("issuance.member.kept")
        # Typing now is not a reason any more.
        await member.send_text("ขอเลื่อนเป็นสัปดาห์หน้า")
        await bot.settle()
        # Confirm, then keep: nothing saved either.
        await command(bot, member, "cases")
        await pressed(bot, member, f"{case.tracking_no} · ANNA MARIA SCHMIDT")
        await pressed(bot, member, t.t("issuance.member.button.confirm"))
        await pressed(bot, member, t.t("issuance.member.button.keep"))
        current = await appointments_repo.latest_for_case(bot.services.db.conn, case.id)
        assert current is not None and current.state == "proposed"
        answers = {"confirm_pickup", "request_reschedule"}
        assert not answers & {e.action for e in await events_of(bot, case.id)}
