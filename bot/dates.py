"""Dates and times as people read them: Thai with the Buddhist era, English with the Gregorian year.

Times are stored as aware UTC datetimes and shown in the office's zone (Asia/Bangkok unless told
otherwise). A naive datetime is a bug upstream, so it raises instead of being guessed.

Month and weekday names come from Babel's CLDR data, not from a hand-written list:

- ``format_date``: 26 พฤศจิกายน 2569 / 26 November 2026
- ``format_date_short``: 26 พ.ย. 2569 / 26 Nov 2026
- ``format_date_weekday``: วันพฤหัสบดีที่ 26 พฤศจิกายน 2569 / Thursday, 26 November 2026
- ``format_time``: 15:30 น. / 15:30
- ``format_datetime``: 26 พฤศจิกายน 2569 เวลา 15:30 น. / 26 November 2026, 15:30
- ``format_datetime_weekday``: วันพฤหัสบดีที่ 26 พฤศจิกายน 2569 เวลา 15:30 น. /
  Thursday, 26 November 2026, 15:30

A ``date`` argument may also be an aware ``datetime``: it is converted to the zone first, so a
late-evening UTC time shows the next day's date in Bangkok.
"""

from __future__ import annotations

import datetime as _dt
from functools import cache
from zoneinfo import ZoneInfo

from babel import Locale

BANGKOK = ZoneInfo("Asia/Bangkok")
BUDDHIST_ERA_OFFSET = 543
"""Thai year = Gregorian year + 543 (B.E. 2569 = A.D. 2026)."""


class NaiveDatetimeError(ValueError):
    """A datetime without a time zone: we cannot know which moment it means."""


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(lang)


def _month(lang: str, month: int, width: str) -> str:
    return str(_locale(lang).months["format"][width][month])


def _weekday(lang: str, day: _dt.date) -> str:
    # CLDR numbers weekdays Monday=0 like ``date.weekday()``.
    return str(_locale(lang).days["format"]["wide"][day.weekday()])


def _is_thai(lang: str) -> bool:
    return lang.split("-")[0].split("_")[0].lower() == "th"


def to_local(moment: _dt.datetime, tz: _dt.tzinfo = BANGKOK) -> _dt.datetime:
    """The aware ``moment`` in zone ``tz``; raise ``NaiveDatetimeError`` when it has no zone."""
    if moment.tzinfo is None or moment.tzinfo.utcoffset(moment) is None:
        raise NaiveDatetimeError(
            f"naive datetime {moment.isoformat()} has no time zone; store aware UTC datetimes"
        )
    return moment.astimezone(tz)


def _local_date(day: _dt.date, tz: _dt.tzinfo) -> _dt.date:
    if isinstance(day, _dt.datetime):
        return to_local(day, tz).date()
    return day


def _year(lang: str, day: _dt.date) -> int:
    return day.year + BUDDHIST_ERA_OFFSET if _is_thai(lang) else day.year


def format_date(day: _dt.date, lang: str, tz: _dt.tzinfo = BANGKOK) -> str:
    """``26 พฤศจิกายน 2569`` / ``26 November 2026``."""
    d = _local_date(day, tz)
    return f"{d.day} {_month(lang, d.month, 'wide')} {_year(lang, d)}"


def format_date_short(day: _dt.date, lang: str, tz: _dt.tzinfo = BANGKOK) -> str:
    """``26 พ.ย. 2569`` / ``26 Nov 2026``."""
    d = _local_date(day, tz)
    return f"{d.day} {_month(lang, d.month, 'abbreviated')} {_year(lang, d)}"


def format_date_weekday(day: _dt.date, lang: str, tz: _dt.tzinfo = BANGKOK) -> str:
    """``วันพฤหัสบดีที่ 26 พฤศจิกายน 2569`` / ``Thursday, 26 November 2026``."""
    d = _local_date(day, tz)
    if _is_thai(lang):
        # CLDR's Thai weekday names already start with "วัน".
        return f"{_weekday(lang, d)}ที่ {format_date(d, lang)}"
    return f"{_weekday(lang, d)}, {format_date(d, lang)}"


def format_time(moment: _dt.datetime, lang: str, tz: _dt.tzinfo = BANGKOK) -> str:
    """``15:30 น.`` / ``15:30`` (24-hour clock in both languages)."""
    local = to_local(moment, tz)
    clock = f"{local.hour:02d}:{local.minute:02d}"
    return f"{clock} น." if _is_thai(lang) else clock


def _join(date_text: str, moment: _dt.datetime, lang: str, tz: _dt.tzinfo) -> str:
    if _is_thai(lang):
        return f"{date_text} เวลา {format_time(moment, lang, tz)}"
    return f"{date_text}, {format_time(moment, lang, tz)}"


def format_datetime(moment: _dt.datetime, lang: str, tz: _dt.tzinfo = BANGKOK) -> str:
    """``26 พฤศจิกายน 2569 เวลา 15:30 น.`` / ``26 November 2026, 15:30``."""
    return _join(format_date(to_local(moment, tz), lang, tz), moment, lang, tz)


def format_datetime_weekday(moment: _dt.datetime, lang: str, tz: _dt.tzinfo = BANGKOK) -> str:
    """Appointments: ``วันพฤหัสบดีที่ 26 พฤศจิกายน 2569 เวลา 15:30 น.`` /
    ``Thursday, 26 November 2026, 15:30``."""
    return _join(format_date_weekday(to_local(moment, tz), lang, tz), moment, lang, tz)
