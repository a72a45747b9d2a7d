"""The registration form of a foundation or association: its fields, how each is asked, and
the pydantic model that holds the answers while the person fills it in."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict

from bot import field_rules as rules
from bot import provinces
from bot.field_rules import FieldError
from bot.i18n_marker import N_
from bot.services.wizard import Choice, FieldSpec, choice_field, text_parser

FoundationKind = Literal["foundation", "association"]


def province_code(value: str, _today: date | None = None) -> str:
    if provinces.get(value) is None:
        raise FieldError(N_("foundation.error.use_buttons"))
    return value


# Stored values pass the same rules as typed ones (the rules are idempotent), so a draft
# changed in the database by hand cannot hold what the bot would have refused.
ThaiName = Annotated[str, AfterValidator(rules.thai_name)]
EnglishName = Annotated[str, AfterValidator(rules.english_name)]
RegistrationNo = Annotated[str, AfterValidator(rules.registration_number)]
ProvinceCode = Annotated[str, AfterValidator(province_code)]
Address = Annotated[str, AfterValidator(rules.address)]
Phone = Annotated[str, AfterValidator(rules.phone)]
Email = Annotated[str, AfterValidator(rules.email)]


class FoundationForm(BaseModel):
    """All optional while it fills; ``complete`` says whether it can be registered."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: FoundationKind | None = None
    name_th: ThaiName | None = None
    name_en: EnglishName | None = None
    registration_no: RegistrationNo | None = None
    province: ProvinceCode | None = None
    address: Address | None = None
    phone: Phone | None = None
    email: Email | None = None

    @property
    def complete(self) -> bool:
        return all(getattr(self, spec.key) is not None for spec in FOUNDATION_FIELDS)


FOUNDATION_FIELDS: tuple[FieldSpec, ...] = (
    choice_field(
        "kind",
        N_("foundation.field.kind"),
        N_("foundation.ask.kind"),
        Choice("foundation", N_("foundation.kind.foundation"), "foundation"),
        Choice("association", N_("foundation.kind.association"), "association"),
    ),
    FieldSpec(
        "name_th",
        N_("foundation.field.name_th"),
        N_("foundation.ask.name_th"),
        text_parser(rules.thai_name),
    ),
    FieldSpec(
        "name_en",
        N_("foundation.field.name_en"),
        N_("foundation.ask.name_en"),
        text_parser(rules.english_name),
    ),
    FieldSpec(
        "registration_no",
        N_("foundation.field.registration_no"),
        N_("foundation.ask.registration_no"),
        text_parser(rules.registration_number),
    ),
    FieldSpec(
        "province",
        N_("foundation.field.province"),
        N_("foundation.ask.province"),
        province_code,
        kind="province",
    ),
    FieldSpec(
        "address",
        N_("foundation.field.address"),
        N_("foundation.ask.address"),
        text_parser(rules.address),
    ),
    FieldSpec(
        "phone",
        N_("foundation.field.phone"),
        N_("foundation.ask.phone"),
        text_parser(rules.phone),
    ),
    FieldSpec(
        "email",
        N_("foundation.field.email"),
        N_("foundation.ask.email"),
        text_parser(rules.email),
    ),
)
