"""What a passport reading holds: each identity field with how far it can be trusted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Generic, TypeVar

T = TypeVar("T")


class FieldStatus(StrEnum):
    """How far a value read from the MRZ can be trusted."""

    # Its check digit holds (and the composite check digit holds or blames another field).
    VERIFIED = "verified"
    # The MRZ gives it no check digit (names, nationality, sex): read, in the expected format,
    # but only a person can confirm it.
    UNCHECKED = "unchecked"
    # Its check digit fails, or it is not in the expected format: the value is not offered.
    UNVERIFIED = "unverified"


@dataclass(frozen=True)
class FieldReading(Generic[T]):
    """One field as read. `value` is None exactly when the field is UNVERIFIED."""

    value: T | None
    status: FieldStatus
    # True/False when the MRZ has a check digit for the field, None when it has none.
    check_digit_ok: bool | None

    @property
    def offered(self) -> bool:
        """Whether the value may be shown as what the passport says."""
        return self.value is not None


@dataclass(frozen=True)
class PassportReading:
    """The identity page's MRZ (ICAO 9303 TD3), field by field.

    Names keep the MRZ's split into the primary identifier (surname) and the secondary one
    (given names), with fillers turned into spaces. Nationality is ISO 3166 alpha-3 (the MRZ's
    "D" for Germany becomes "DEU"). `lines` are the two repaired MRZ lines: personal data,
    never to be logged.
    """

    issuing_state: FieldReading[str]
    surname: FieldReading[str]
    given_names: FieldReading[str]
    # The name field was full: the passport truncated the names (given names first).
    names_truncated: bool
    number: FieldReading[str]
    nationality: FieldReading[str]
    birth_date: FieldReading[date]
    sex: FieldReading[str]
    expiry_date: FieldReading[date]
    # The personal-number field and the composite check digit over the whole second line.
    optional_data_ok: bool
    composite_ok: bool
    lines: tuple[str, str]

    @property
    def valid(self) -> bool:
        """Every check digit of the MRZ holds."""
        return (
            self.composite_ok
            and self.optional_data_ok
            and all(
                field.check_digit_ok for field in (self.number, self.birth_date, self.expiry_date)
            )
        )

    def check_digits(self) -> dict[str, bool]:
        """Each check digit of the MRZ and whether it holds, for logs and the officer's panel."""
        return {
            "number": bool(self.number.check_digit_ok),
            "birth_date": bool(self.birth_date.check_digit_ok),
            "expiry_date": bool(self.expiry_date.check_digit_ok),
            "optional_data": self.optional_data_ok,
            "composite": self.composite_ok,
        }
