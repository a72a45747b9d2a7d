"""What people may type into the foundation's forms: each check turns text into a clean value
or raises ``FieldError`` carrying the catalog message that says what is expected.

Pure functions, no Telegram and no database. ``today`` is the office's local date (Bangkok),
passed in so that the rules are testable and a draft finished after midnight is judged fairly.
Dates may be typed day/month/year with a Gregorian or a Buddhist-era year (2569 = 2026), with
Thai or Arabic digits, or as ISO ``2026-11-26``.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from bot.i18n_marker import N_, MsgId

BUDDHIST_ERA_OFFSET = 543
MIN_VOLUNTEER_AGE = 15
MAX_VOLUNTEER_AGE = 100

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_THAI_LETTER = re.compile(r"[\u0E01-\u0E2E]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")
_PASSPORT_NAME = re.compile(r"^[A-Z]+(?:[ '\-][A-Z]+)*$")
_NATIONALITY = re.compile(r"^[A-Za-z\u0E00-\u0E7F]+(?:[ '\-][A-Za-z\u0E00-\u0E7F]+)*$")
_PASSPORT_NO = re.compile(r"^[A-Z0-9]{6,9}$")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+$")
_REGISTRATION_NO = re.compile(r"^[A-Za-z0-9\u0E00-\u0E7F .()/\-]+$")
_DMY = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


class FieldError(ValueError):
    """Input that does not fit; ``msg_id`` and ``params`` say what is expected.

    A ``ValueError`` so that pydantic validators may raise it and keep it as the cause.
    """

    def __init__(self, msg_id: MsgId, **params: object) -> None:
        super().__init__(msg_id)
        self.msg_id = msg_id
        self.params = params


def clean(value: str) -> str:
    """Whitespace collapsed; control characters (a pasted tab or NUL) refused outright."""
    if any(unicodedata.category(c) == "Cc" and c not in "\t\n\r" for c in value):
        raise FieldError(N_("foundation.error.control_characters"))
    return " ".join(value.split())


def text(value: str, *, min_len: int, max_len: int) -> str:
    cleaned = clean(value)
    if len(cleaned) < min_len:
        raise FieldError(N_("foundation.error.text_too_short"), minimum=min_len)
    if len(cleaned) > max_len:
        raise FieldError(N_("foundation.error.text_too_long"), maximum=max_len)
    return cleaned


# --- names and numbers -----------------------------------------------------------------------


def passport_name(value: str) -> str:
    """As printed in the passport, in capital Latin letters: ``JOHN MICHAEL SMITH``."""
    name = clean(value).upper()
    if not 2 <= len(name) <= 100 or not _PASSPORT_NAME.match(name):
        raise FieldError(N_("foundation.error.passport_name"))
    return name


def nationality(value: str) -> str:
    name = clean(value)
    if not 2 <= len(name) <= 60 or not _NATIONALITY.match(name):
        raise FieldError(N_("foundation.error.nationality"))
    return name


def passport_number(value: str) -> str:
    """6 to 9 capital letters and digits with at least one digit (ICAO 9303 allows 9)."""
    number = re.sub(r"[\s\-]", "", value).upper()
    if not _PASSPORT_NO.match(number) or not any(c.isdigit() for c in number):
        raise FieldError(N_("foundation.error.passport_number"))
    return number


def thai_name(value: str) -> str:
    name = text(value, min_len=3, max_len=200)
    if not _THAI_LETTER.search(name):
        raise FieldError(N_("foundation.error.thai_name"))
    return name


def english_name(value: str) -> str:
    name = text(value, min_len=3, max_len=200)
    if _THAI_LETTER.search(name) or len(_LATIN_LETTER.findall(name)) < 3:
        raise FieldError(N_("foundation.error.english_name"))
    return name


def registration_number(value: str) -> str:
    number = clean(value.translate(_THAI_DIGITS))
    if (
        not 1 <= len(number) <= 40
        or not _REGISTRATION_NO.match(number)
        or not any(c.isdigit() for c in number)
    ):
        raise FieldError(N_("foundation.error.registration_number"))
    return number


def email(value: str) -> str:
    address = value.strip()
    if len(address) > 254 or not _EMAIL.match(address) or ".." in address:
        raise FieldError(N_("foundation.error.email"))
    local, domain = address.rsplit("@", 1)
    return f"{local}@{domain.lower()}"


def phone(value: str) -> str:
    """A Thai number, stored as dialled at home: ``0812345678`` (mobile) or ``021234567``."""
    digits = re.sub(r"[\s\-().]", "", value.translate(_THAI_DIGITS))
    if digits.startswith("+66"):
        digits = "0" + digits[3:]
    if not re.fullmatch(r"0\d{8,9}", digits):
        raise FieldError(N_("foundation.error.phone"))
    return digits


def address(value: str) -> str:
    return text(value, min_len=10, max_len=300)


# --- dates -----------------------------------------------------------------------------------


def parse_date(value: str) -> date:
    """A real calendar date; a year from 2400 on is read as Buddhist era."""
    typed = clean(value).translate(_THAI_DIGITS)
    if match := _DMY.match(typed):
        day, month, year = (int(g) for g in match.groups())
    elif match := _ISO.match(typed):
        year, month, day = (int(g) for g in match.groups())
    else:
        raise FieldError(N_("foundation.error.date_format"))
    if year >= 2400:
        year -= BUDDHIST_ERA_OFFSET
    if not 1900 <= year <= 2200:
        raise FieldError(N_("foundation.error.date_format"))
    try:
        return date(year, month, day)
    except ValueError:
        raise FieldError(N_("foundation.error.no_such_date")) from None


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def passport_expiry(value: str, today: date) -> date:
    expiry = parse_date(value)
    if expiry <= today:
        raise FieldError(N_("foundation.error.passport_expired"), expiry=expiry)
    return expiry


def birth_date(value: str, today: date) -> date:
    born = parse_date(value)
    if not add_years(today, -MAX_VOLUNTEER_AGE) <= born <= add_years(today, -MIN_VOLUNTEER_AGE):
        raise FieldError(
            N_("foundation.error.birth_date"),
            minimum=MIN_VOLUNTEER_AGE,
            maximum=MAX_VOLUNTEER_AGE,
        )
    return born


def period_end(value: str, today: date) -> date:
    end = parse_date(value)
    if end < today:
        raise FieldError(N_("foundation.error.end_in_past"), end=end)
    return end


def check_period(start: date, end: date) -> None:
    """End after start, and at most one year in all (1 Jan 2027 to 1 Jan 2028 still fits)."""
    if end <= start:
        raise FieldError(N_("foundation.error.end_before_start"), start=start, end=end)
    latest = add_years(start, 1)
    if end > latest:
        raise FieldError(N_("foundation.error.period_too_long"), start=start, latest=latest)


def check_passport_covers(expiry: date, end: date) -> None:
    if expiry < end:
        raise FieldError(N_("foundation.error.passport_ends_early"), expiry=expiry, end=end)


def withdrawal_reason(value: str) -> str:
    """Officers read it: a few words at least, and short enough for a notification."""
    return text(value, min_len=3, max_len=500)
