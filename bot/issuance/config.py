"""Issuance settings read from a TOML file (default ``bot/issuance/office.toml``).

Who signs, where the office is, and the standard wording of the memo and the certificate
differ between provinces and change with administrations, so they live in a file an admin can
edit, not in code. The file is validated at load time: a template naming a field the print pack
does not know, or two offices claiming one province, stops start-up with one line saying where.
"""

from __future__ import annotations

import datetime as dt
import string
import tomllib
from pathlib import Path
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

DEFAULT_OFFICE_FILE = Path(__file__).with_name("office.toml")

# The names a memo or certificate template may use, filled per case by the print pack.
PLACEHOLDERS = frozenset(
    {
        "office",
        "province",
        "foundation_th",
        "foundation_en",
        "registration_no",
        "foundation_address",
        "volunteer_name",
        "nationality",
        "passport_no",
        "date_of_birth",
        "position",
        "duties",
        "place_of_work",
        "period_start",
        "period_end",
        "tracking_no",
        "receipt_no",
    }
)


def _check_template(text: str) -> str:
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as error:  # an unbalanced brace
        raise ValueError(f"bad template {text[:40]!r}: {error}") from None
    unknown = names - PLACEHOLDERS
    if unknown:
        raise ValueError(f"unknown placeholder(s) {sorted(unknown)} in {text[:40]!r}")
    return text


Template = Annotated[str, Field(min_length=1), AfterValidator(_check_template)]
Text = Annotated[str, Field(min_length=1)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Bilingual(_Frozen):
    th: Text
    en: Text

    def get(self, lang: str) -> str:
        return self.th if lang == "th" else self.en


class BilingualLines(_Frozen):
    """Several lines per language, e.g. a signer's title under the signature."""

    th: tuple[Text, ...] = Field(min_length=1)
    en: tuple[Text, ...] = Field(min_length=1)

    def get(self, lang: str) -> tuple[str, ...]:
        return self.th if lang == "th" else self.en


class OfficeConfig(_Frozen):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,30}$")
    # Province codes (bot.provinces) this office serves; empty for the fallback office.
    provinces: tuple[str, ...] = ()
    province_name: Bilingual
    name: Bilingual
    address: Bilingual
    phone: Text
    pickup_place: Bilingual | None = None
    # "ที่" of outgoing documents, e.g. "ชม 0018.4/"; the number itself is written by hand.
    document_prefix: Bilingual
    memo_from: Text  # ส่วนราชการ line of the memo
    memo_to: Text  # เรียน ... (the governor, in Thai; the memo is an internal Thai document)
    memo_signer: tuple[Text, ...] = Field(min_length=1)
    certificate_to: Bilingual
    certificate_signer: BilingualLines

    def place(self, lang: str) -> str:
        """Where certificates are collected: the pickup place, else the office address."""
        return (self.pickup_place or self.address).get(lang)


class MemoWording(_Frozen):
    subject: Template
    paragraphs: tuple[Template, ...] = Field(min_length=1)


class CertificateWording(_Frozen):
    title: Template
    subject: Template
    paragraphs: tuple[Template, ...] = Field(min_length=1)
    closing: Text


class PickupConfig(_Frozen):
    horizon_days: int = Field(default=60, ge=1, le=366)
    opens: dt.time = dt.time(9, 0)
    closes: dt.time = dt.time(16, 0)
    slot_minutes: int = Field(default=30, ge=5, le=240)
    lunch_start: dt.time | None = dt.time(12, 0)
    lunch_end: dt.time | None = dt.time(13, 0)
    duration_minutes: int = Field(default=30, ge=5, le=480)

    @model_validator(mode="after")
    def _hours(self) -> PickupConfig:
        if self.opens >= self.closes:
            raise ValueError("opens must be before closes")
        if (self.lunch_start is None) != (self.lunch_end is None):
            raise ValueError("give both lunch_start and lunch_end, or neither")
        if self.lunch_start and self.lunch_end and self.lunch_start >= self.lunch_end:
            raise ValueError("lunch_start must be before lunch_end")
        return self


class IssuanceConfig(_Frozen):
    pickup: PickupConfig = PickupConfig()
    memo: MemoWording
    certificate: dict[str, CertificateWording] = Field(min_length=1)
    offices: tuple[OfficeConfig, ...] = Field(alias="office", min_length=1)

    @model_validator(mode="after")
    def _offices(self) -> IssuanceConfig:
        if set(self.certificate) - {"th", "en"}:
            raise ValueError("certificate wording languages must be 'th' and/or 'en'")
        keys = [o.key for o in self.offices]
        if len(keys) != len(set(keys)):
            raise ValueError("office keys must be unique")
        if sum(1 for o in self.offices if not o.provinces) != 1:
            raise ValueError("exactly one office must have no provinces (the fallback)")
        codes = [code for o in self.offices for code in o.provinces]
        if len(codes) != len(set(codes)):
            raise ValueError("a province may belong to one office only")
        return self

    def office_for(self, province: str) -> OfficeConfig:
        """The office serving ``province`` (a code), else the fallback office."""
        for office in self.offices:
            if province in office.provinces:
                return office
        return next(o for o in self.offices if not o.provinces)


class IssuanceConfigError(Exception):
    pass


def load_issuance_config(path: Path = DEFAULT_OFFICE_FILE) -> IssuanceConfig:
    try:
        return IssuanceConfig.model_validate(tomllib.loads(path.read_text("utf-8")))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise IssuanceConfigError(f"issuance config {path}: {error}") from None
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise IssuanceConfigError(f"issuance config {path}: {where}: {first['msg']}") from None
