"""What a member typed against what the passport's MRZ says: one check per field.

Pure (no I/O, no Telegram): the pre-fill summary, the member's cross-check before submitting
and the officer's passport panel all build on `compare`. Typed names are brought to the MRZ's
form before comparing (capitals, Latin letters without accents, hyphens and spaces as one
separator, apostrophes dropped), so "Jean-Pierre" matches JEAN<PIERRE and "Müller" MUELLER.
A value read without a check digit that holds is never compared as if it were known: that
field's outcome is UNREADABLE.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from mrz.base.functions import transliterate  # type: ignore[import-untyped]
from mrz.generator.dictionaries.latin_based import (  # type: ignore[import-untyped]
    transliteration as latin_based,
)

from .fields import FieldReading, FieldStatus, PassportReading


class Outcome(StrEnum):
    MATCH = "match"
    MISMATCH = "mismatch"
    # The passport's value could not be read with confidence (check digit fails, no MRZ field).
    UNREADABLE = "unreadable"
    # The member has not typed this field (yet).
    NOT_TYPED = "not_typed"


@dataclass(frozen=True)
class TypedIdentity:
    """The volunteer's identity as typed in the application (None: not typed yet)."""

    surname: str | None = None
    given_names: str | None = None
    number: str | None = None
    nationality: str | None = None  # ISO 3166 alpha-3, as the country list stores it
    birth_date: date | None = None
    sex: str | None = None  # "M", "F" or "X"
    expiry_date: date | None = None
    # The last day of the volunteer period: the passport must be valid through it.
    period_end: date | None = None


@dataclass(frozen=True)
class FieldCheck:
    """One line of the comparison. `field` is one of FIELDS or "valid_through_period"."""

    field: str
    typed: str | None
    read: str | None
    outcome: Outcome
    # The passport's value is confirmed by its check digit (False for fields that have none).
    verified: bool

    @property
    def mark(self) -> str:
        """The symbol a screen shows for it."""
        return {
            Outcome.MATCH: "✓",
            Outcome.MISMATCH: "✗",
            Outcome.UNREADABLE: "?",
            Outcome.NOT_TYPED: "\u2013",  # en dash
        }[self.outcome]


FIELDS = ("surname", "given_names", "number", "nationality", "birth_date", "sex", "expiry_date")


def compare(typed: TypedIdentity, read: PassportReading) -> list[FieldCheck]:
    """Each identity field typed vs read, then whether the passport outlasts the period."""
    checks = [
        _check(name, getattr(typed, name), getattr(read, name), read.names_truncated)
        for name in FIELDS
    ]
    checks.append(_valid_through_period(typed, read))
    return checks


def mrz_name(name: str) -> str:
    """A typed name in the MRZ's form, with spaces between its parts: "Müller-Lüdenscheidt"
    becomes "MUELLER LUEDENSCHEIDT"."""
    without_apostrophes = name.strip().replace("'", "").replace("\u2019", "")
    folded = transliterate(without_apostrophes, latin_based, " ")
    # Letters the transliteration table does not know lose their accents; the rest goes.
    plain = "".join(
        c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c)
    )
    kept = "".join(c if c.isascii() and (c.isalpha() or c == " ") else " " for c in plain)
    return " ".join(kept.upper().split())


def _check(
    name: str,
    typed: str | date | None,
    read: FieldReading[str] | FieldReading[date],
    truncated: bool,
) -> FieldCheck:
    typed_text = _text(typed)
    read_text = _text(read.value)
    verified = read.status is FieldStatus.VERIFIED
    if typed_text is None:
        outcome = Outcome.NOT_TYPED
    elif read_text is None:
        outcome = Outcome.UNREADABLE
    else:
        outcome = (
            Outcome.MATCH if _same(name, typed_text, read_text, truncated) else Outcome.MISMATCH
        )
    return FieldCheck(name, typed_text, read_text, outcome, verified)


def _same(name: str, typed: str, read: str, truncated: bool) -> bool:
    if name in ("surname", "given_names"):
        typed_mrz = mrz_name(typed)
        if truncated and name == "given_names":
            # The passport cut the names to fit 39 characters: compare what it kept.
            return typed_mrz.startswith(read) or typed_mrz.replace(" ", "").startswith(
                read.replace(" ", "")
            )
        return typed_mrz == read
    if name == "number":
        return "".join(typed.upper().split()).replace("-", "") == read
    return typed.strip().upper() == read


def _valid_through_period(typed: TypedIdentity, read: PassportReading) -> FieldCheck:
    """Whether the passport (as read when verified, else as typed) outlasts the period."""
    expiry = read.expiry_date.value or typed.expiry_date
    end = typed.period_end
    verified = read.expiry_date.status is FieldStatus.VERIFIED
    if end is None:
        outcome = Outcome.NOT_TYPED
    elif expiry is None:
        outcome = Outcome.UNREADABLE
    else:
        outcome = Outcome.MATCH if expiry >= end else Outcome.MISMATCH
    return FieldCheck("valid_through_period", _text(end), _text(expiry), outcome, verified)


def _text(value: str | date | None) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else value
