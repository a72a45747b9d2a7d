"""Issuance in the chats, as the manual's step 7 describes it: the officer sends the case for
signing, sets the pickup appointment from the calendar, the foundation asks for another time,
the officer reschedules, the foundation confirms, the officer sends the signed scan and the
case is completed. Thai for the officer and one member, English for the other member."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.dates import BANGKOK
from bot.testing.fake_telegram import FakeTelegram
from bot.workflow import STATUS_LABEL, Bucket, Status
from storage import appointments as appointments_repo
from tests.foundation_steps import say, send_file
from tests.issuance_steps import (
    CONSTITUTION_DAY,
    OPEN_DAY,
    SATURDAY,
    SECOND_DAY,
    SIGNED_SCAN,
    Presses,
    approved_case,
    calendar_button,
    documents,
    ics_event,
    issuance_bot,
    pressed,
)
from tests.officer_support import case_now, events_of, last, officer_user, open_case, tr


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


async def test_issuance_from_signing_to_completion_with_a_reschedule(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    async with issuance_bot(fake, tmp_path) as (bot, world):
        presses = Presses(fake)
        case = await approved_case(bot, world)
        th, en = tr(bot, "th"), tr(bot, "en")
        await bot.services.users.set_language(world.member, "en")
        officer = officer_user(bot, world)
        anna = fake.user(world.member, "Anna", language_code="en")
        somsri = fake.user(world.colleague, "สมศรี", language_code="th")

        # --- Sent for signing: a summary, then the status changes and the foundation hears.
        view = await open_case(bot, officer, case.id)
        assert th.t("issuance.button.print_pack") in view.button_texts
        await pressed(bot, officer, th.t("action.send_for_signing"))
        assert "ยืนยันว่าได้เสนอหนังสือรับรอง" in (view.text or "")
        await pressed(bot, officer, th.t("officer.button.confirm"))
        assert (await case_now(bot, case.id)).status is Status.AWAITING_SIGNATURE
        assert th.t(STATUS_LABEL[Status.AWAITING_SIGNATURE]) in (view.text or "")
        assert "sent for signature" in (last(anna).text or "")

        # --- The calendar: closed days are marked; an open day offers office-hour slots.
        await pressed(bot, officer, th.t("action.schedule_pickup"))
        calendar = last(officer)
        assert calendar is view  # the case screen became the calendar
        assert "พฤศจิกายน 2569" in (calendar.text or "")  # this month first
        assert calendar_button(calendar, dt.date(2026, 11, 25)) == "✖25"  # past
        assert calendar_button(calendar, dt.date(2026, 11, 27)) == "27"
        await pressed(bot, officer, th.t("issuance.button.next_month"))
        assert "ธันวาคม 2569" in (calendar.text or "")
        assert "วันรัฐธรรมนูญ" in (calendar.text or "")  # this month's holidays, by name
        assert calendar_button(calendar, SATURDAY) == "✖5"
        assert calendar_button(calendar, CONSTITUTION_DAY) == "✖10"
        assert calendar_button(calendar, OPEN_DAY) == "3"
        await pressed(bot, officer, "3")
        assert "วันพฤหัสบดีที่ 3 ธันวาคม 2569" in (calendar.text or "")
        assert "09:00" in calendar.button_texts and "12:00" not in calendar.button_texts
        await pressed(bot, officer, "10:00")
        office_th = bot.services.issuance.office(case.province).place("th")
        assert office_th in (calendar.text or "")
        await pressed(bot, officer, th.t("issuance.button.use_office_place"))
        await officer.send_text("กรุณานำบัตรประชาชนของผู้รับมาด้วย")
        await bot.settle()
        summary = last(officer)
        assert "วันพฤหัสบดีที่ 3 ธันวาคม 2569 เวลา 10:00 น." in (summary.text or "")
        assert office_th in (summary.text or "")
        await pressed(bot, officer, th.t("officer.button.confirm"), summary.message_id)
        assert th.t("officer.saved", action=th.t("action.schedule_pickup")) in (summary.text or "")
        assert th.t("issuance.state.proposed") in (summary.text or "")

        # --- Each member gets the appointment in their language, with a calendar file.
        first = documents(anna)[-1]
        assert "Thursday, 3 December 2026, 10:00" in (first.text or "")
        office_en = bot.services.issuance.office(case.province).place("en")
        assert office_en in (first.text or "")
        event = ics_event(first)
        start = event.decoded("dtstart")
        assert start.astimezone(BANGKOK).replace(tzinfo=None) == dt.datetime(2026, 12, 3, 10, 0)
        assert start.astimezone(dt.UTC) == dt.datetime(2026, 12, 3, 3, 0, tzinfo=dt.UTC)
        assert str(event["location"]) == office_en
        assert case.tracking_no in str(event["summary"]) and int(event["sequence"]) == 0
        assert first.button_texts == [
            en.t("issuance.member.button.confirm"),
            en.t("issuance.member.button.reschedule"),
            en.t("foundation.button.open_case"),
        ]
        thai_file = documents(somsri)[-1]
        assert "วันพฤหัสบดีที่ 3 ธันวาคม 2569 เวลา 10:00 น." in (thai_file.text or "")
        assert str(ics_event(thai_file)["location"]) == office_th

        # --- The foundation asks for another time, with a reason.
        await pressed(bot, anna, en.t("issuance.member.button.reschedule"), first.message_id)
        assert "why you need another time" in (last(anna).text or "")
        text = await say(bot, anna, "Our director is away that week; any day after 7 December")
        assert "any day after 7 December" in text
        await pressed(bot, anna, en.t("issuance.member.button.send_request"))
        assert last(anna).text == en.t("issuance.member.requested")
        current = await appointments_repo.latest_for_case(bot.services.db.conn, case.id)
        assert current is not None and current.state == "reschedule_requested"
        told = last(officer).text or ""
        assert "any day after 7 December" in told and case.tracking_no in told
        assert th.t("officer.button.open_case") in last(officer).button_texts

        # --- The officer sees why, and sets a new time at a place they type.
        view = await open_case(bot, officer, case.id)
        assert th.t("issuance.state.reschedule_requested") in (view.text or "")
        assert "any day after 7 December" in (view.text or "")
        await pressed(bot, officer, th.t("issuance.button.reschedule"))
        await pressed(bot, officer, th.t("issuance.button.next_month"))
        await pressed(bot, officer, calendar_button(view, SECOND_DAY))
        await pressed(bot, officer, "13:30")
        await officer.send_text("ห้องประชุม 2 ชั้น 3 ศาลากลางจังหวัดเชียงใหม่")
        await bot.settle()
        await pressed(bot, officer, th.t("issuance.button.no_note"))
        summary = last(officer)
        assert "ห้องประชุม 2 ชั้น 3" in (summary.text or "")
        await pressed(bot, officer, th.t("officer.button.confirm"), summary.message_id)

        second = documents(anna)[-1]
        assert second is not first
        assert "Tuesday, 8 December 2026, 13:30" in (second.text or "")
        assert "replacing the earlier one" in (second.text or "")
        moved = ics_event(second)
        assert moved.decoded("dtstart").astimezone(dt.UTC) == dt.datetime(
            2026, 12, 8, 6, 30, tzinfo=dt.UTC
        )
        # Same UID, next SEQUENCE: calendar apps move the event instead of adding one.
        assert str(moved["uid"]) == str(event["uid"]) and int(moved["sequence"]) == 1

        # --- The old appointment's button shows the current one; the new one is confirmed.
        await pressed(bot, anna, en.t("issuance.member.button.confirm"), first.message_id)
        assert anna.answered_callbacks[-1].text == en.t("issuance.error.appointment_superseded")
        assert "Tuesday, 8 December 2026, 13:30" in (last(anna).text or "")
        assert en.t("issuance.member.state.proposed") in (last(anna).text or "")
        assert en.t("issuance.member.button.confirm") in last(anna).button_texts
        await pressed(bot, anna, en.t("issuance.member.button.confirm"), second.message_id)
        confirm = last(anna)
        assert "Tuesday, 8 December 2026, 13:30" in (confirm.text or "")
        yes = confirm.find_button(en.t("issuance.member.button.confirm_yes"))
        assert yes is not None
        await anna.press_data(yes["callback_data"], confirm.message_id)
        await anna.press_data(yes["callback_data"], confirm.message_id)  # a double tap
        await bot.settle()
        assert anna.answered_callbacks[-1].text == en.t("issuance.error.already_confirmed")
        confirmations = [e for e in await events_of(bot, case.id) if e.action == "confirm_pickup"]
        assert len(confirmations) == 1
        assert "มูลนิธิยืนยันนัดรับหนังสือรับรองวันอังคารที่ 8 ธันวาคม 2569" in (last(officer).text or "")

        # --- The signed scan: the same checks as any document, a summary, then completion.
        view = await open_case(bot, officer, case.id)
        assert th.t("action.complete") not in view.button_texts  # no scan yet
        await pressed(bot, officer, th.t("action.upload_certificate"))
        text = await send_file(bot, officer, b"PK\x03\x04 word", "certificate.docx")
        assert text.startswith(th.t("foundation.error.file_type"))
        text = await send_file(bot, officer, b"GIF89a not a pdf", "certificate.pdf")
        assert text.startswith(th.t("foundation.error.file_content_mismatch"))
        text = await send_file(bot, officer, SIGNED_SCAN, "signed-certificate.pdf")
        assert "signed-certificate.pdf" in text and "ห้องประชุม 2 ชั้น 3" in text
        assert th.t("issuance.state.confirmed") in text and "2 คน" in text
        await pressed(bot, officer, th.t("issuance.button.attach_and_send"))
        done = await case_now(bot, case.id)
        assert done.status is Status.COMPLETED
        final_view = last(officer)
        assert th.t(STATUS_LABEL[Status.COMPLETED]) in (final_view.text or "")
        assert th.t("issuance.button.print_pack") not in final_view.button_texts

        # --- Every member receives the scan with the latest appointment.
        for person, lang, when in (
            (anna, en, "Tuesday, 8 December 2026, 13:30"),
            (somsri, th, "วันอังคารที่ 8 ธันวาคม 2569 เวลา 13:30 น."),
        ):
            scan = documents(person)[-1]
            assert scan.document == SIGNED_SCAN
            assert when in (scan.text or "") and "ห้องประชุม 2 ชั้น 3" in (scan.text or "")
            assert lang.t("foundation.button.open_case") in scan.button_texts

        # --- It left the officer's queue and shows under completed.
        officers = bot.services.officers
        waiting = await officers.queue(world.officer, Bucket.WAITING_FOR_OFFICER, 0)
        assert case.id not in [item.row.id for item in waiting.items]
        closed = await officers.queue(world.officer, Bucket.COMPLETED, 0)
        assert case.id in [item.row.id for item in closed.items]

        # --- Closed: the foundation's answer buttons change nothing any more.
        await pressed(bot, anna, en.t("issuance.member.button.reschedule"), second.message_id)
        assert anna.answered_callbacks[-1].text == en.t(
            "error.case_closed", status=en.t(STATUS_LABEL[Status.COMPLETED])
        )

        # The timeline keeps every step, in order.
        actions = [e.action for e in await events_of(bot, case.id)]
        issuance = actions[actions.index("send_for_signing") :]
        assert issuance == [
            "send_for_signing",
            "schedule_pickup",
            "request_reschedule",
            "schedule_pickup",
            "confirm_pickup",
            "upload_certificate",
            "complete",
        ]
        # Every press anyone made was answered, once.
        assert presses.all_answered_once()


async def test_a_half_made_appointment_survives_a_restart_and_can_be_dropped(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    async with issuance_bot(fake, tmp_path) as (bot, world):
        case = await approved_case(bot, world)
        t = tr(bot, "th")
        officer = officer_user(bot, world)
        await open_case(bot, officer, case.id)
        await pressed(bot, officer, t.t("action.schedule_pickup"))
        await pressed(bot, officer, t.t("issuance.button.next_month"))
        await pressed(bot, officer, calendar_button(last(officer), OPEN_DAY))
        await pressed(bot, officer, "14:00")

    # The bot restarts while the officer is typing the place.
    async with issuance_bot(fake, tmp_path, seed=False) as (bot, world):
        await officer.send_text("ห้องรับรอง ชั้น 2")
        await bot.settle()
        await pressed(bot, officer, t.t("issuance.button.no_note"))
        summary = last(officer)
        assert "ห้องรับรอง ชั้น 2" in (summary.text or "")
        assert "วันพฤหัสบดีที่ 3 ธันวาคม 2569 เวลา 14:00 น." in (summary.text or "")
        confirm = summary.find_button(t.t("officer.button.confirm"))
        assert confirm is not None
        # Cancel drops it: nothing booked, the case screen again.
        await pressed(bot, officer, t.t("officer.button.cancel"), summary.message_id)
        assert (summary.text or "").startswith(t.t("officer.cancelled"))
        # The dropped summary's confirm (say, from another device) saves nothing either.
        await officer.press_data(confirm["callback_data"], summary.message_id)
        await bot.settle()
        assert officer.answered_callbacks[-1].text == t.t("common.stale_button")
        assert await appointments_repo.latest_for_case(bot.services.db.conn, case.id) is None
        assert "schedule_pickup" not in [e.action for e in await events_of(bot, case.id)]
