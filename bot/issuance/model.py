"""What the print pack is made from: one approved case, plus the office's settings.

Plain data, validated once when built, so rendering code can trust every field. The handler
fills it from the case, its foundation, its history and its stored attachment files.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from babel import Locale, UnknownLocaleError
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from bot.i18n import Translator
from bot.issuance.config import CertificateWording, MemoWording, OfficeConfig

Text = Annotated[str, Field(min_length=1)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FoundationInfo(_Frozen):
    name_th: Text
    name_en: Text
    registration_no: Text
    address: Text


class VolunteerInfo(_Frozen):
    name: Text  # as written in the passport
    # An ISO 3166 alpha-2 code ("DE") is written out in each document's language; any other
    # text is printed as given.
    nationality: Text
    passport_no: Text
    date_of_birth: dt.date
    position: Text
    duties: Text
    place_of_work: Text
    period_start: dt.date
    period_end: dt.date

    @model_validator(mode="after")
    def _period(self) -> VolunteerInfo:
        if self.period_end < self.period_start:
            raise ValueError("period_end is before period_start")
        return self

    def nationality_for(self, t: Translator) -> str:
        """The nationality as ``t``'s readers write it (an ISO code becomes the country)."""
        code = self.nationality.strip()
        if len(code) == 2 and code.isalpha():
            try:
                name = Locale.parse(t.lang).territories.get(code.upper())
            except UnknownLocaleError:
                name = None
            if name:
                return str(name)
        return self.nationality


class HistoryEntry(_Frozen):
    when: AwareDatetime | dt.date
    action: Text  # the action's label in Thai, as officers know it
    comment: str = ""  # the officer's comment the applicant saw; never internal notes


class PackAttachment(_Frozen):
    title: Text
    mime_type: Text
    data: bytes = Field(min_length=1, repr=False)


class PrintPackInput(_Frozen):
    office: OfficeConfig
    memo: MemoWording
    certificate: dict[str, CertificateWording] = Field(min_length=1)
    foundation: FoundationInfo
    volunteer: VolunteerInfo
    tracking_no: Text
    receipt_no: Text
    prepared_on: dt.date  # the memo's date; passed in so the same case prints the same pack
    history: tuple[HistoryEntry, ...] = ()
    attachments: tuple[PackAttachment, ...] = ()

    def fields(self, t: Translator) -> dict[str, str]:
        """The template fields (``config.PLACEHOLDERS``) in ``t``'s language."""
        f, v, office = self.foundation, self.volunteer, self.office
        return {
            "office": t.pick(office.name.th, office.name.en),
            "province": t.pick(office.province_name.th, office.province_name.en),
            "foundation_th": f.name_th,
            "foundation_en": f.name_en,
            "registration_no": f.registration_no,
            "foundation_address": f.address,
            "volunteer_name": v.name,
            "nationality": v.nationality_for(t),
            "passport_no": v.passport_no,
            "date_of_birth": t.date(v.date_of_birth),
            "position": v.position,
            "duties": v.duties,
            "place_of_work": v.place_of_work,
            "period_start": t.date(v.period_start),
            "period_end": t.date(v.period_end),
            "tracking_no": self.tracking_no,
            "receipt_no": self.receipt_no,
        }
