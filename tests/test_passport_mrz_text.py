"""The MRZ text rules, without OCR: repair by field type, check digits, comparison.

These run everywhere (no Tesseract needed): they pin what the reader does with what the OCR
engine hands it, including the ICAO 9303 specimen that anchors our check digits to the
standard's own example.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date

import pytest

from bot.passport import (
    FieldStatus,
    Outcome,
    PassportReading,
    TypedIdentity,
    compare,
    mrz_name,
)
from bot.passport.mrz_text import parse
from bot.testing.passport_pages import Identity

TODAY = date(2026, 12, 2)
# ICAO Doc 9303 part 4, the TD3 specimen (Utopia's Anna Maria Eriksson).
SPECIMEN = (
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
)


def read(line1: str, line2: str, *noise: str) -> PassportReading:
    reading = parse([*noise, line1, line2], TODAY)
    assert reading is not None
    return reading


def test_the_generator_writes_the_icao_specimen_check_digits() -> None:
    specimen = Identity(
        "ERIKSSON", "ANNA MARIA", "L898902C3", "UTO", date(1974, 8, 12), "F",
        date(2012, 4, 15), "ZE184226B",
    )  # fmt: skip
    assert specimen.mrz() == SPECIMEN


def test_the_specimen_reads_with_every_check_digit() -> None:
    reading = read(*SPECIMEN)
    assert reading.valid
    assert reading.surname.value == "ERIKSSON"
    assert reading.given_names.value == "ANNA MARIA"
    assert reading.number.value == "L898902C3"
    assert reading.number.status is FieldStatus.VERIFIED
    assert reading.nationality.value == "UTO"
    assert reading.birth_date.value == date(1974, 8, 12)
    assert reading.sex.value == "F"
    assert reading.expiry_date.value == date(2012, 4, 15)
    assert reading.surname.status is FieldStatus.UNCHECKED
    assert reading.check_digits() == dict.fromkeys(
        ("number", "birth_date", "expiry_date", "optional_data", "composite"), True
    )


def test_letters_in_digit_fields_and_digits_in_letter_fields_are_repaired() -> None:
    # O for 0 and I for 1 in the dates and check digits, 0 for O and 1 for I in the names and
    # the nationality code; lower-case and spaces as OCR sometimes gives them.
    reading = read(
        "P<UT0ER1KSS0N<<ANNA<MAR1A<<<<<<<<<<<<<<<<<<<",
        "L898902C36UT07408I22F12O4I59ZE184226B<<<<<IO",
    )
    assert reading.valid
    assert reading.surname.value == "ERIKSSON"
    assert reading.given_names.value == "ANNA MARIA"
    assert reading.nationality.value == "UTO"
    assert reading.birth_date.value == date(1974, 8, 12)
    assert reading.expiry_date.value == date(2012, 4, 15)


def test_the_document_number_is_repaired_only_where_its_check_digit_decides() -> None:
    # O for 0 and B for 8, each a letter among digits: swapping it back restores the check
    # digit, and no other swap does.
    for misread in ("L8989O2C3", "L89B902C3"):
        reading = read(SPECIMEN[0], misread + SPECIMEN[1][9:])
        assert reading.number.value == "L898902C3"
        assert reading.number.status is FieldStatus.VERIFIED
        assert reading.valid


def test_a_misread_digit_in_the_number_is_not_repaired_by_a_lucky_swap() -> None:
    # The 2 read as 3: no odd one out to swap, so the number is reported unverified (swapping
    # the C's neighbours or the 8s would satisfy the check digit by chance with a wrong value).
    reading = read(SPECIMEN[0], "L898903C3" + SPECIMEN[1][9:])
    assert reading.number.value is None
    assert reading.number.check_digit_ok is False
    assert reading.birth_date.value == date(1974, 8, 12)


def test_a_failing_check_digit_leaves_the_field_unverified_and_not_offered() -> None:
    # The birth date's 2 read as 3: its check digit and the composite both fail.
    reading = read(SPECIMEN[0], "L898902C36UTO7408132F1204159ZE184226B<<<<<10")
    assert not reading.valid
    assert reading.birth_date.value is None
    assert reading.birth_date.status is FieldStatus.UNVERIFIED
    assert reading.birth_date.check_digit_ok is False
    # The others keep their own check digits, and the composite failure is explained.
    assert reading.number.value == "L898902C3"
    assert reading.expiry_date.value == date(2012, 4, 15)


def test_an_unexplained_composite_failure_trusts_no_checked_field() -> None:
    reading = read(SPECIMEN[0], "L898902C36UTO7408122F1204159ZE184226B<<<<<19")
    assert not reading.valid
    assert not reading.composite_ok
    for field in (reading.number, reading.birth_date, reading.expiry_date):
        assert field.value is None
        assert field.status is FieldStatus.UNVERIFIED
        assert field.check_digit_ok is True


def test_a_dropped_filler_is_put_back() -> None:
    reading = read(SPECIMEN[0], "L898902C36UTO7408122F1204159ZE184226B<<<<10")
    assert reading.valid
    assert reading.lines[1] == SPECIMEN[1]
    assert reading.nationality.value == "UTO"


def test_a_dropped_character_before_the_nationality_leaves_it_unverified() -> None:
    # A letter of the nationality went missing: the line is realigned by the check digits,
    # which vouch for the number and the dates, but the nationality (no check digit) may have
    # shifted, so it is not offered.
    reading = read(SPECIMEN[0], "L898902C36TO7408122F1204159ZE184226B<<<<<10")
    assert reading.number.value == "L898902C3"
    assert reading.birth_date.value == date(1974, 8, 12)
    assert reading.expiry_date.value == date(2012, 4, 15)
    assert reading.nationality.value is None


def test_a_dropped_check_digit_offers_no_wrong_value() -> None:
    # Without the number's check digit, one realignment ("L898902C<" + "3") satisfies the
    # number's check digit by chance, but not the composite: nothing checked is offered.
    reading = parse([SPECIMEN[0], "L898902C3UTO7408122F1204159ZE184226B<<<<<10"], TODAY)
    assert reading is None or all(
        field.value is None for field in (reading.number, reading.birth_date, reading.expiry_date)
    )


def test_lines_around_the_zone_and_unreadable_text_are_ignored() -> None:
    reading = read(*SPECIMEN, "PASSPORT", "REPUBLIC OF UTOPIA 12 AUG 1974")
    assert reading.valid
    assert parse(["PASSPORT", "ERIKSSON ANNA MARIA"], TODAY) is None
    assert parse([], TODAY) is None
    assert parse(["X" * 44, "Y" * 44], TODAY) is None


def test_germany_and_the_special_british_codes_read_as_iso_alpha_3() -> None:
    person = Identity("MUELLER", "KLAUS", "C01X00T47", "D", date(1980, 1, 2), "M", date(2030, 3, 4))
    reading = read(*person.mrz())
    assert reading.nationality.value == "DEU"
    assert reading.issuing_state.value == "DEU"


def test_truncated_names_are_flagged() -> None:
    person = Identity(
        "WOLFESCHLEGELSTEINHAUSENBERGERDORFF", "HUBERT BLAINE", "123456789", "USA",
        date(1970, 5, 6), "M", date(2031, 7, 8),
    )  # fmt: skip
    line1, line2 = person.mrz()
    assert line1 == "P<USAWOLFESCHLEGELSTEINHAUSENBERGERDORFF<<HU"
    reading = read(line1, line2)
    assert reading.names_truncated
    assert reading.given_names.value == "HU"
    typed = TypedIdentity(
        surname="Wolfeschlegelsteinhausenbergerdorff", given_names="Hubert Blaine"
    )
    checks = {check.field: check for check in compare(typed, reading)}
    assert checks["surname"].outcome is Outcome.MATCH
    assert checks["given_names"].outcome is Outcome.MATCH


def test_birth_dates_fall_in_the_past_century_when_they_must() -> None:
    born_2003 = Identity("LI", "NA", "E12345678", "CHN", date(2003, 1, 1), "F", date(2030, 1, 1))
    born_1955 = Identity("LI", "NA", "E12345678", "CHN", date(1955, 1, 1), "F", date(2030, 1, 1))
    assert read(*born_2003.mrz()).birth_date.value == date(2003, 1, 1)
    assert read(*born_1955.mrz()).birth_date.value == date(1955, 1, 1)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Müller-Lüdenscheidt", "MUELLER LUEDENSCHEIDT"),
        ("O'Connor", "OCONNOR"),
        ("  jean-pierre   françois ", "JEAN PIERRE FRANCOIS"),
        ("Nguyễn Thị", "NGUYEN THI"),
        ("Sørensen", "SOERENSEN"),
    ],
)
def test_typed_names_are_brought_to_the_mrz_form(typed: str, expected: str) -> None:
    assert mrz_name(typed) == expected


def test_compare_marks_each_field_and_the_period() -> None:
    reading = read(*SPECIMEN)
    typed = TypedIdentity(
        surname="Eriksson",
        given_names="Anna-Maria",
        number="L898902C4",  # one character off
        nationality="UTO",
        birth_date=date(1974, 8, 12),
        sex=None,
        expiry_date=date(2012, 4, 15),
        period_end=date(2013, 1, 31),
    )
    checks = {check.field: check for check in compare(typed, reading)}
    assert [c.field for c in compare(typed, reading)] == [
        "surname", "given_names", "number", "nationality", "birth_date", "sex", "expiry_date",
        "valid_through_period",
    ]  # fmt: skip
    assert checks["surname"].outcome is Outcome.MATCH
    assert checks["surname"].mark == "✓"
    assert not checks["surname"].verified
    assert checks["given_names"].outcome is Outcome.MATCH
    assert checks["number"].outcome is Outcome.MISMATCH
    assert checks["number"].mark == "✗"
    assert checks["number"].verified
    assert (checks["number"].typed, checks["number"].read) == ("L898902C4", "L898902C3")
    assert checks["birth_date"].outcome is Outcome.MATCH
    assert checks["sex"].outcome is Outcome.NOT_TYPED
    # The passport expired in April 2012, before the period's end.
    assert checks["valid_through_period"].outcome is Outcome.MISMATCH
    assert checks["valid_through_period"].read == "2012-04-15"


def test_compare_never_matches_against_an_unverified_value() -> None:
    reading = read(SPECIMEN[0], "L898902C36UTO7408132F1204159ZE184226B<<<<<10")
    typed = TypedIdentity(birth_date=date(1974, 8, 13), period_end=date(2012, 1, 1))
    checks = {check.field: check for check in compare(typed, reading)}
    assert checks["birth_date"].outcome is Outcome.UNREADABLE
    assert checks["birth_date"].mark == "?"
    assert checks["valid_through_period"].outcome is Outcome.MATCH


def test_without_tesseract_reading_is_off_with_one_log_line() -> None:
    # A bot process whose PATH has no Tesseract: reading gives None, start-up says so once.
    script = """
import logging, datetime
logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s %(message)s")
from bot.passport import engine_available, log_engine_status, read_passport_sync
print("available", engine_available())
print("status", log_engine_status())
print("read", read_passport_sync(b"any bytes", "image/png", today=datetime.date(2026, 12, 2)))
"""
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PATH": "/nonexistent"},
        check=True,
    )
    assert done.stdout.splitlines() == ["available False", "status False", "read None"]
    assert done.stderr.splitlines() == [
        "WARNING bot.passport.reader passport reading is off (Tesseract is not installed: "
        "apt-get install tesseract-ocr); uploads are accepted as before"
    ]
