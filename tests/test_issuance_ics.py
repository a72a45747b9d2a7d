"""The pickup .ics file parses back (icalendar) to the right instant, in the recipient's words."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest

from bot.dates import NaiveDatetimeError
from bot.issuance.ics import ics_filename, pickup_ics

BANGKOK = ZoneInfo("Asia/Bangkok")
NOW = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)
PLACE_TH = (
    "ห้องบริการประชาชน ชั้น 1 อาคารสำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัดเชียงใหม่ "
    "ศาลากลางจังหวัดเชียงใหม่ ถนนโชตนา"
)


def _ics(**overrides: object) -> bytes:
    args: dict[str, object] = {
        "uid": "pickup-VC-2569-000123@certbot",
        "start": dt.datetime(2026, 12, 8, 10, 0, tzinfo=BANGKOK),
        "duration": dt.timedelta(minutes=30),
        "summary": "รับหนังสือรับรองอาสาสมัคร; เลขติดตาม VC-2569-000123, โปรดนำบัตรมา",
        "location": PLACE_TH,
        "description": "บรรทัดแรก\nบรรทัดที่สอง: นำหนังสือมอบอำนาจ\\สำเนาบัตร",
        "language": "th",
        "now": NOW,
    }
    args.update(overrides)
    return pickup_ics(**args)  # type: ignore[arg-type]


def _event(data: bytes) -> icalendar.Event:
    calendar = icalendar.Calendar.from_ical(data)
    (event,) = calendar.walk("VEVENT")
    return event


def test_local_ten_o_clock_is_three_utc() -> None:
    event = _event(_ics())
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert start.astimezone(dt.UTC) == dt.datetime(2026, 12, 8, 3, 0, tzinfo=dt.UTC)
    assert end - start == dt.timedelta(minutes=30)
    assert event["dtstart"].params["TZID"] == "Asia/Bangkok"


def test_calendar_carries_a_vtimezone_for_bangkok() -> None:
    calendar = icalendar.Calendar.from_ical(_ics())
    (zone,) = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "Asia/Bangkok"
    (standard,) = zone.walk("STANDARD")
    assert standard.decoded("TZOFFSETTO") == dt.timedelta(hours=7)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]


def test_texts_round_trip_with_escaping_and_language() -> None:
    event = _event(_ics())
    assert str(event["summary"]) == ("รับหนังสือรับรองอาสาสมัคร; เลขติดตาม VC-2569-000123, โปรดนำบัตรมา")
    assert str(event["location"]) == PLACE_TH
    assert str(event["description"]) == "บรรทัดแรก\nบรรทัดที่สอง: นำหนังสือมอบอำนาจ\\สำเนาบัตร"
    assert event["summary"].params["LANGUAGE"] == "th"
    assert event.decoded("dtstamp") == NOW
    assert str(event["uid"]) == "pickup-VC-2569-000123@certbot"


def test_raw_file_follows_rfc_5545_line_rules() -> None:
    data = _ics()
    assert data.endswith(b"\r\n")
    lines = data.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in lines)  # folded at 75 octets
    for line in lines:
        line.decode("utf-8")  # a fold never splits a Thai character's three octets
    raw = data.decode("utf-8")
    assert "\\;" in raw and "\\," in raw and "\\n" in raw and "\\\\" in raw
    assert "DTSTART;TZID=Asia/Bangkok:20261208T100000" in raw


def test_english_text_and_reschedule_sequence() -> None:
    event = _event(
        _ics(
            summary="Collect the volunteer certificate",
            location="Chiang Mai Provincial Hall",
            description="Bring the foundation's letter of authorisation.",
            language="en",
            sequence=2,
            alarm_before=dt.timedelta(days=1),
        )
    )
    assert event["summary"].params["LANGUAGE"] == "en"
    assert event.decoded("sequence") == 2
    (alarm,) = event.walk("VALARM")
    assert alarm.decoded("trigger") == -dt.timedelta(days=1)


def test_naive_start_is_refused() -> None:
    with pytest.raises(NaiveDatetimeError):
        _ics(start=dt.datetime(2026, 12, 8, 10, 0))


def test_file_name_is_ascii() -> None:
    assert ics_filename("VC-2569-000123") == "pickup-VC-2569-000123.ics"
    assert ics_filename("ชม 45/2569").isascii()
