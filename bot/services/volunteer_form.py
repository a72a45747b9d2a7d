"""The volunteer's details a foundation gives with an application: the fields in the order
they are asked, and the pydantic model that keeps the answers valid as they come in.

The model's keys are also the keys of ``cases.details`` (plus ``consent_at``/``consent_by``),
so officers read the same names the foundation filled in.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, model_validator

from bot import field_rules as rules
from bot.i18n_marker import N_
from bot.services.foundation_form import Address, Email, ProvinceCode, province_code
from bot.services.wizard import Choice, FieldSpec, choice_field, text_parser

Sex = Literal["m", "f", "x"]


def _position(value: str) -> str:
    return rules.text(value, min_len=2, max_len=200)


def _duties(value: str) -> str:
    return rules.text(value, min_len=10, max_len=1000)


PassportName = Annotated[str, AfterValidator(rules.passport_name)]
Nationality = Annotated[str, AfterValidator(rules.nationality)]
PassportNo = Annotated[str, AfterValidator(rules.passport_number)]
Position = Annotated[str, AfterValidator(_position)]
Duties = Annotated[str, AfterValidator(_duties)]


class VolunteerForm(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    full_name: PassportName | None = None
    nationality: Nationality | None = None
    passport_no: PassportNo | None = None
    passport_expiry: date | None = None
    date_of_birth: date | None = None
    sex: Sex | None = None
    email: Email | None = None
    position: Position | None = None
    duties: Duties | None = None
    work_address: Address | None = None
    work_province: ProvinceCode | None = None
    start_date: date | None = None
    end_date: date | None = None
    allowance: bool | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        # Checked whichever of the two fields changed last, so an edit from the summary
        # cannot leave the period or the passport inconsistent.
        if self.start_date and self.end_date:
            rules.check_period(self.start_date, self.end_date)
        if self.passport_expiry and self.end_date:
            rules.check_passport_covers(self.passport_expiry, self.end_date)
        return self

    @property
    def complete(self) -> bool:
        return all(getattr(self, spec.key) is not None for spec in VOLUNTEER_FIELDS)

    def details(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    @classmethod
    def from_details(cls, details: dict[str, Any]) -> VolunteerForm:
        return cls.model_validate({k: details.get(k) for k in cls.model_fields})


VOLUNTEER_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(
        "full_name",
        N_("foundation.field.full_name"),
        N_("foundation.ask.full_name"),
        text_parser(rules.passport_name),
    ),
    FieldSpec(
        "nationality",
        N_("foundation.field.nationality"),
        N_("foundation.ask.nationality"),
        text_parser(rules.nationality),
    ),
    FieldSpec(
        "passport_no",
        N_("foundation.field.passport_no"),
        N_("foundation.ask.passport_no"),
        text_parser(rules.passport_number),
    ),
    FieldSpec(
        "passport_expiry",
        N_("foundation.field.passport_expiry"),
        N_("foundation.ask.passport_expiry"),
        rules.passport_expiry,
        kind="date",
    ),
    FieldSpec(
        "date_of_birth",
        N_("foundation.field.date_of_birth"),
        N_("foundation.ask.date_of_birth"),
        rules.birth_date,
        kind="date",
    ),
    choice_field(
        "sex",
        N_("foundation.field.sex"),
        N_("foundation.ask.sex"),
        Choice("m", N_("foundation.sex.m"), "m"),
        Choice("f", N_("foundation.sex.f"), "f"),
        Choice("x", N_("foundation.sex.x"), "x"),
    ),
    FieldSpec(
        "email",
        N_("foundation.field.volunteer_email"),
        N_("foundation.ask.volunteer_email"),
        text_parser(rules.email),
    ),
    FieldSpec(
        "position",
        N_("foundation.field.position"),
        N_("foundation.ask.position"),
        text_parser(_position),
    ),
    FieldSpec(
        "duties",
        N_("foundation.field.duties"),
        N_("foundation.ask.duties"),
        text_parser(_duties),
    ),
    FieldSpec(
        "work_address",
        N_("foundation.field.work_address"),
        N_("foundation.ask.work_address"),
        text_parser(rules.address),
    ),
    FieldSpec(
        "work_province",
        N_("foundation.field.work_province"),
        N_("foundation.ask.work_province"),
        province_code,
        kind="province",
    ),
    FieldSpec(
        "start_date",
        N_("foundation.field.start_date"),
        N_("foundation.ask.start_date"),
        lambda raw, _today: rules.parse_date(raw),
        kind="date",
    ),
    FieldSpec(
        "end_date",
        N_("foundation.field.end_date"),
        N_("foundation.ask.end_date"),
        rules.period_end,
        kind="date",
    ),
    choice_field(
        "allowance",
        N_("foundation.field.allowance"),
        N_("foundation.ask.allowance"),
        Choice("yes", N_("foundation.answer.yes"), True),
        Choice("no", N_("foundation.answer.no"), False),
    ),
)

# The office that handles a case is the province where the volunteer works; once submitted,
# the case stays with that office, so a correction cannot move it.
CORRECTABLE_FIELDS: tuple[FieldSpec, ...] = tuple(
    s for s in VOLUNTEER_FIELDS if s.key != "work_province"
)
