"""The pickup appointment as an RFC 5545 calendar file (``.ics``) the foundation can import.

Built with ``icalendar`` (~6 MB with ``tzdata``; ``python-dateutil`` is already here through
``holidays``) rather than by hand: it escapes text (``,`` ``;`` ``\\`` newlines), folds lines
at 75 octets without splitting a UTF-8 sequence (Thai is 3 octets a character), and writes the
VTIMEZONE for Asia/Bangkok from the zone database, which calendar apps need to place
``DTSTART;TZID=Asia/Bangkok`` at the right instant.

The caller passes the texts already in the recipient's language. One appointment keeps one UID
across reschedules and a growing SEQUENCE, so importing the new file moves the event instead
of adding a second one.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, vText

from bot.dates import to_local

BANGKOK = ZoneInfo("Asia/Bangkok")
PRODID = "-//DSDW volunteer certificate bot//Pickup appointment//EN"


def pickup_ics(
    *,
    uid: str,
    start: dt.datetime,
    duration: dt.timedelta,
    summary: str,
    location: str,
    description: str,
    language: str,
    now: dt.datetime,
    sequence: int = 0,
    alarm_before: dt.timedelta | None = None,
    tz: ZoneInfo = BANGKOK,
) -> bytes:
    """The calendar file's bytes (UTF-8, CRLF line ends).

    ``start`` and ``now`` must be aware (``bot.dates.NaiveDatetimeError`` otherwise); the event
    is written in ``tz`` local time with its TZID. ``language`` ("th"/"en") tags the texts.
    """
    if duration <= dt.timedelta(0):
        raise ValueError("duration must be positive")
    local_start = to_local(start, tz)
    stamp = to_local(now, dt.UTC)

    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("sequence", sequence)
    event.add("dtstart", local_start)
    event.add("dtend", local_start + duration)
    for name, text in (("summary", summary), ("location", location), ("description", description)):
        event.add(name, vText(text), parameters={"LANGUAGE": language})
    event.add("transp", "OPAQUE")
    if alarm_before is not None:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", summary)
        alarm.add("trigger", -alarm_before)
        event.add_component(alarm)

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def ics_filename(tracking_no: str) -> str:
    """``pickup-VC-2569-000123.ics``: ASCII, safe in a Telegram document name."""
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "-" for c in tracking_no)
    return f"pickup-{safe}.ics"
