"""From the OCR engine's lines to a passport reading: find the two MRZ lines, repair, validate.

OCR confuses letters and digits that look alike in OCR-B (O/0, I/1, B/8, S/5, Z/2, G/6...) and
sometimes drops or doubles a filler. The TD3 layout says which positions hold digits and which
letters, so each field is repaired by its type: digits where only digits may stand, letters
where only letters may. The document number may hold both; there every combination of the
ambiguous characters is tried, and a repair is kept only when a single combination with the
fewest changes satisfies its check digit. A line of the wrong length is realigned by dropping
or adding characters where the check digits come out best. Then the `mrz` library parses the
line and checks every check digit; a field whose check digit fails is reported unverified and
its value is not offered. Names, nationality and sex have no check digit: they are offered as
read, marked unchecked, when they have the expected form.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from mrz.base.countries_ops import is_code  # type: ignore[import-untyped]
from mrz.base.functions import hash_string  # type: ignore[import-untyped]
from mrz.checker.td3 import TD3CodeChecker  # type: ignore[import-untyped]

from .fields import FieldReading, FieldStatus, PassportReading

T = TypeVar("T")
LINE = 44
_LETTER_FOR_DIGIT = str.maketrans("0125864", "OIZSBGA")
_DIGIT_FOR_LETTER = str.maketrans("OQDIZSBGT", "000125867")
# Pairs a check digit can tell apart (G and 6 weigh the same modulo 10, so it cannot).
_ALIKE = {"O": "0", "0": "O", "I": "1", "1": "I", "B": "8", "8": "B", "S": "5", "5": "S"}
_ALIKE |= {"Z": "2", "2": "Z", "D": "0", "Q": "0"}
# ICAO codes of nationality that are not ISO 3166 alpha-3, and the ISO code they belong to.
_ISO_FOR_ICAO = {"D": "DEU", "GBD": "GBR", "GBN": "GBR", "GBO": "GBR", "GBP": "GBR", "GBS": "GBR"}
# At most this many characters are dropped or added to bring a line to 44.
_MAX_REALIGN = 2


def parse(lines: list[str], today: date) -> PassportReading | None:
    """The best reading of any pair of consecutive MRZ-like lines, or None when there is none."""
    cleaned = [re.sub(r"[^A-Z0-9<]", "", line.upper()) for line in lines]
    long_lines = [line for line in cleaned if len(line) >= 30]
    best: tuple[int, PassportReading] | None = None
    for first, second in itertools.pairwise(long_lines):
        line1 = _repair_line1(first)
        aligned = _align_line2(second)
        if line1 is None or aligned is None:
            continue
        reading = _reading(line1, aligned, today)
        if reading is None:
            continue
        score = sum(reading.check_digits().values())
        if best is None or score > best[0]:
            best = (score, reading)
    if best is None or best[0] == 0:
        return None
    return best[1]


@dataclass(frozen=True)
class _Line1:
    text: str
    # False when characters had to be dropped or added elsewhere than in the trailing fillers:
    # the names (which have no check digit) may then be shifted.
    names_intact: bool


@dataclass(frozen=True)
class _Line2:
    text: str
    # The first position that realignment changed (44 when none): fields before it are as read.
    first_edit: int


def _repair_line1(raw: str) -> _Line1 | None:
    """Type, issuing state and names, 44 long; None when it does not look like a passport's."""
    start = raw.find("P", 0, 3)
    if start < 0:
        return None
    line = raw[start:]
    intact = len(line) == LINE or line.endswith("<<")
    line = line[:LINE] if len(line) >= LINE else line.ljust(LINE, "<")
    kind = line[1] if line[1].isalpha() or line[1] == "<" else "<"
    state = line[2:5].translate(_LETTER_FOR_DIGIT)
    names = line[5:].translate(_LETTER_FOR_DIGIT)
    return _Line1("P" + kind + state + names, intact)


def _align_line2(raw: str) -> _Line2 | None:
    """The second line brought to 44 characters where its check digits come out best."""
    excess = len(raw) - LINE
    if abs(excess) > _MAX_REALIGN:
        return None
    if excess == 0:
        return _Line2(raw, LINE)
    best: tuple[tuple[int, int], _Line2] | None = None
    for candidate, in_fillers in _realigned(raw, excess):
        # Check digits first; among equals, the one that only touched runs of fillers.
        score = (_line2_score(candidate), int(in_fillers))
        if best is None or score > best[0]:
            first_edit = next(
                (i for i, (a, b) in enumerate(zip(candidate, raw, strict=False)) if a != b),
                LINE,
            )
            best = (score, _Line2(candidate, first_edit))
    return best[1] if best else None


def _realigned(raw: str, excess: int) -> Iterator[tuple[str, bool]]:
    """Every way to drop (or add fillers) to reach 44, and whether only filler runs changed."""
    if excess > 0:
        for positions in itertools.combinations(range(len(raw)), excess):
            dropped = {raw[i] for i in positions}
            yield "".join(c for i, c in enumerate(raw) if i not in positions), dropped == {"<"}
    else:
        for positions in itertools.combinations_with_replacement(range(len(raw) + 1), -excess):
            chars = list(raw)
            for offset, position in enumerate(positions):
                chars.insert(position + offset, "<")
            beside = {raw[p - 1 : p + 1] for p in positions}
            yield "".join(chars), all("<" in pair for pair in beside)


def _line2_score(line: str) -> int:
    fixed = _typed_line2(line)
    number = _repair_number(fixed[0:9], fixed[9], most_changes=1)
    checks = [
        number is not None,
        _holds(fixed[13:19], fixed[19]),
        _holds(fixed[21:27], fixed[27]),
        _holds(fixed[28:42], fixed[42]) or (set(fixed[28:43]) == {"<"}),
        _holds((number or fixed[0:9]) + fixed[9] + fixed[13:20] + fixed[21:43], fixed[43]),
    ]
    return sum(checks)


def _typed_line2(line: str) -> str:
    """Digits where the layout allows only digits, letters where only letters."""

    def digits(part: str) -> str:
        return part.translate(_DIGIT_FOR_LETTER)

    optional_check = line[42] if line[42] == "<" else digits(line[42])
    return (
        line[0:9]
        + digits(line[9])
        + line[10:13].translate(_LETTER_FOR_DIGIT)
        + digits(line[13:20])
        + line[20]
        + digits(line[21:28])
        + line[28:42]
        + optional_check
        + digits(line[43])
    )


def _holds(field: str, check: str) -> bool:
    return check.isdigit() and hash_string(field) == check


def _repair_number(number: str, check: str, most_changes: int = 3) -> str | None:
    """The document number its check digit confirms, with the fewest letter/digit swaps."""
    # Letters and digits, then (for a short number) fillers: nothing else is a number.
    if not check.isdigit() or not re.fullmatch(r"[A-Z0-9]+<*", number):
        return None
    if hash_string(number) == check:
        return number
    # Only an odd one out is swapped: a letter among digits or a digit among letters. The
    # composite check digit weighs the number exactly as its own does, so it cannot catch a
    # wrong repair; swapping anywhere would too often "repair" some other misread character.
    ambiguous = [i for i, c in enumerate(number) if c in _ALIKE and _odd_one_out(number, i)]
    for changes in range(1, min(len(ambiguous), most_changes) + 1):
        found = set()
        for positions in itertools.combinations(ambiguous, changes):
            chars = list(number)
            for position in positions:
                chars[position] = _ALIKE[chars[position]]
            candidate = "".join(chars)
            if hash_string(candidate) == check:
                found.add(candidate)
        if len(found) == 1:
            return found.pop()
        if found:
            return None  # two repairs as likely as each other: neither is offered
    return None


def _odd_one_out(number: str, position: int) -> bool:
    """Whether the character's neighbours are all of the class its look-alike belongs to."""
    swapped_is_digit = _ALIKE[number[position]].isdigit()
    neighbours = [
        number[i] for i in (position - 1, position + 1) if 0 <= i < len(number) and number[i] != "<"
    ]
    return bool(neighbours) and all(n.isdigit() == swapped_is_digit for n in neighbours)


def _reading(first: _Line1, second: _Line2, today: date) -> PassportReading | None:
    line1 = first.text
    fixed = _typed_line2(second.text)
    number = _repair_number(fixed[0:9], fixed[9])
    line2 = (number or fixed[0:9]) + fixed[9:]
    try:
        checker = TD3CodeChecker(f"{line1}\n{line2}")
    except Exception:  # the library raises its own errors for what it cannot parse
        return None
    number_ok = bool(checker.document_number_hash) and number is not None
    birth_ok = bool(checker.birth_date_hash)
    expiry_ok = bool(checker.expiry_date_hash)
    optional_ok = bool(checker.optional_data_hash)
    composite_ok = bool(checker.final_hash)
    own_failures = not (number_ok and birth_ok and expiry_ok and optional_ok)
    # A composite failure that no field's own check digit explains means an error somewhere
    # that a field's own check digit missed: then no checked field can be trusted.
    trusted = composite_ok or own_failures

    def checked(ok: bool, value: str | date | None) -> tuple[bool, FieldStatus]:
        if ok and trusted and value is not None:
            return True, FieldStatus.VERIFIED
        return ok, FieldStatus.UNVERIFIED

    number_value = line2[0:9].rstrip("<")
    number_field = _field(
        number_value if "<" not in number_value else None, *checked(number_ok, number_value)
    )
    birth = _date(line2[13:19], past=True, today=today)
    expiry = _date(line2[21:27], past=False, today=today)
    surname, given, truncated = _names(line1[5:]) if first.names_intact else (None, None, False)
    # Realigning the line may have shifted the fields without check digits that follow it.
    nationality = line2[10:13] if second.first_edit > 12 else ""
    sex = line2[20] if second.first_edit > 20 else ""
    return PassportReading(
        issuing_state=_code_field(line1[2:5]),
        surname=_unchecked(surname),
        given_names=_unchecked(given),
        names_truncated=truncated,
        number=number_field,
        nationality=_code_field(nationality),
        birth_date=_field(birth, *checked(birth_ok, birth)),
        sex=_unchecked({"M": "M", "F": "F", "X": "X", "<": "X"}.get(sex)),
        expiry_date=_field(expiry, *checked(expiry_ok, expiry)),
        optional_data_ok=optional_ok,
        composite_ok=composite_ok,
        lines=(line1, line2),
    )


def _field(value: T | None, ok: bool, status: FieldStatus) -> FieldReading[T]:
    if status is not FieldStatus.VERIFIED or value is None:
        return FieldReading(None, FieldStatus.UNVERIFIED, ok)
    return FieldReading(value, status, ok)


def _unchecked(value: str | None) -> FieldReading[str]:
    if value is None:
        return FieldReading(None, FieldStatus.UNVERIFIED, None)
    return FieldReading(value, FieldStatus.UNCHECKED, None)


def _code_field(raw: str) -> FieldReading[str]:
    code = raw.rstrip("<")
    if not re.fullmatch(r"[A-Z]{1,3}", code) or not is_code(code):
        return FieldReading(None, FieldStatus.UNVERIFIED, None)
    return FieldReading(_ISO_FOR_ICAO.get(code, code), FieldStatus.UNCHECKED, None)


def _names(field: str) -> tuple[str | None, str | None, bool]:
    """Surname and given names with spaces, and whether the passport truncated them."""
    truncated = not field.endswith("<")
    primary, _, secondary = field.partition("<<")
    # Given names end at the first double filler: anything after it is padding (or noise).
    secondary = secondary.split("<<")[0]
    surname = primary.replace("<", " ").strip()
    given = secondary.replace("<", " ").strip()
    valid = re.compile(r"[A-Z]+( [A-Z]+)*")
    return (
        surname if valid.fullmatch(surname) else None,
        given if given == "" or valid.fullmatch(given) else None,
        truncated,
    )


def _date(raw: str, *, past: bool, today: date) -> date | None:
    """YYMMDD as a date: a birth date is never in the future, an expiry is in this century."""
    if not raw.isdigit():
        return None
    year, month, day = int(raw[0:2]), int(raw[2:4]), int(raw[4:6])
    century = 1900 if past and year > today.year % 100 else 2000
    try:
        return date(century + year, month, day)
    except ValueError:
        return None
