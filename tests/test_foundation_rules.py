"""Every check on what a foundation types or sends, on its own: what passes (and how it is
cleaned), what is refused, and with which message."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfWriter

from bot import field_rules as rules
from bot import uploads
from bot.field_rules import FieldError
from bot.privacy import PrivacyNoticeError, load_privacy_notice
from bot.sandbox import samples
from bot.services import wizard
from bot.services.foundation_form import FOUNDATION_FIELDS, FoundationForm
from bot.services.volunteer_form import CORRECTABLE_FIELDS, VOLUNTEER_FIELDS, VolunteerForm
from tests.foundation_steps import JPEG, PDF, PNG
from tests.sample_files import sample_jpeg

TODAY = date(2026, 11, 26)


def refused(check: object, value: str, *args: object) -> str:
    assert callable(check)
    with pytest.raises(FieldError) as caught:
        check(value, *args)
    return caught.value.msg_id


# --- names, numbers, contacts ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("john smith", "JOHN SMITH"),
        ("  Mary-Jane   O'Neil ", "MARY-JANE O'NEIL"),
        ("LI", "LI"),
    ],
)
def test_passport_name_is_latin_capitals(typed: str, stored: str) -> None:
    assert rules.passport_name(typed) == stored


@pytest.mark.parametrize("typed", ["สมชาย ใจดี", "Jürgen Müller", "J0HN", "A", "Anna  -", "-Anna"])
def test_passport_name_refuses_anything_else(typed: str) -> None:
    assert refused(rules.passport_name, typed) == "foundation.error.passport_name"


def test_nationality() -> None:
    assert rules.nationality(" German ") == "German"
    assert rules.nationality("ลาว") == "ลาว"
    assert rules.nationality("New Zealander") == "New Zealander"
    for bad in ("D", "German1", "?", "x" * 61):
        assert refused(rules.nationality, bad) == "foundation.error.nationality"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("ab 123 4567", "AB1234567"), ("c01x00t47", "C01X00T47"), ("123456", "123456")],
)
def test_passport_number_is_plausible(typed: str, stored: str) -> None:
    assert rules.passport_number(typed) == stored


@pytest.mark.parametrize("typed", ["12345", "ABCDEFGH", "AB12345678", "AB#12345", "ก1234567"])
def test_passport_number_refuses_implausible(typed: str) -> None:
    assert refused(rules.passport_number, typed) == "foundation.error.passport_number"


def test_thai_and_english_names() -> None:
    assert rules.thai_name("มูลนิธิ  ตัวอย่าง") == "มูลนิธิ ตัวอย่าง"
    assert refused(rules.thai_name, "Example") == "foundation.error.thai_name"
    assert refused(rules.thai_name, "มู") == "foundation.error.text_too_short"
    assert rules.english_name("Example Foundation") == "Example Foundation"
    assert refused(rules.english_name, "มูลนิธิ Example") == "foundation.error.english_name"
    assert refused(rules.english_name, "A-1 2") == "foundation.error.english_name"


def test_registration_number() -> None:
    assert rules.registration_number("กท ๑๒๓/๒๕๔๐") == "กท 123/2540"
    assert rules.registration_number(" ABC-9 ") == "ABC-9"
    for bad in ("ไม่มี", "12;DROP", "x" * 41, ""):
        assert refused(rules.registration_number, bad) == "foundation.error.registration_number"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("081-234-5678", "0812345678"),
        ("+66 81 234 5678", "0812345678"),
        ("(02) 123 4567", "021234567"),
        ("๐๕๓ ๑๒๓ ๔๕๖", "053123456"),
    ],
)
def test_thai_phone_numbers(typed: str, stored: str) -> None:
    assert rules.phone(typed) == stored


@pytest.mark.parametrize("typed", ["12345", "812345678", "08123456789", "call me", "+1 555 1234"])
def test_phone_refuses_others(typed: str) -> None:
    assert refused(rules.phone, typed) == "foundation.error.phone"


def test_email() -> None:
    assert rules.email(" Anna@Example.ORG ") == "Anna@example.org"
    for bad in ("anna", "anna@", "@example.org", "anna@example", "a b@example.org", "a..b@x.org"):
        assert refused(rules.email, bad) == "foundation.error.email"


def test_text_lengths_and_control_characters() -> None:
    assert rules.text("  two   words ", min_len=2, max_len=20) == "two words"
    with pytest.raises(FieldError) as short:
        rules.text("a", min_len=2, max_len=20)
    assert short.value.params == {"minimum": 2}
    with pytest.raises(FieldError) as long:
        rules.text("a" * 21, min_len=2, max_len=20)
    assert long.value.params == {"maximum": 20}
    assert refused(rules.address, "Moo 1\x00 road") == "foundation.error.control_characters"
    assert rules.address("99 Moo 1\nSuthep") == "99 Moo 1 Suthep"
    assert rules.withdrawal_reason(" plans changed ") == "plans changed"
    assert refused(rules.withdrawal_reason, "no") == "foundation.error.text_too_short"


# --- dates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("26/11/2026", date(2026, 11, 26)),
        ("26/11/2569", date(2026, 11, 26)),  # Buddhist era
        ("๒๖/๑๑/๒๕๖๙", date(2026, 11, 26)),  # Thai digits
        ("1.2.2027", date(2027, 2, 1)),
        ("01-02-2027", date(2027, 2, 1)),
        ("2027-02-01", date(2027, 2, 1)),
        ("29/02/2028", date(2028, 2, 29)),
    ],
)
def test_dates_in_the_forms_people_type(typed: str, day: date) -> None:
    assert rules.parse_date(typed) == day


@pytest.mark.parametrize("typed", ["tomorrow", "26/11/26", "2026/11/26", "26 Nov 2026", "1/1/1800"])
def test_unreadable_dates(typed: str) -> None:
    assert refused(rules.parse_date, typed) == "foundation.error.date_format"


@pytest.mark.parametrize("typed", ["31/02/2027", "29/02/2027", "00/01/2027", "12/13/2027"])
def test_dates_that_do_not_exist(typed: str) -> None:
    assert refused(rules.parse_date, typed) == "foundation.error.no_such_date"


def test_passport_must_not_have_expired() -> None:
    assert rules.passport_expiry("27/11/2026", TODAY) == date(2026, 11, 27)
    with pytest.raises(FieldError) as caught:
        rules.passport_expiry("26/11/2026", TODAY)
    assert caught.value.msg_id == "foundation.error.passport_expired"
    assert caught.value.params == {"expiry": TODAY}


def test_birth_date_must_be_plausible() -> None:
    assert rules.birth_date("26/11/2011", TODAY) == date(2011, 11, 26)  # 15 today
    assert rules.birth_date("26/11/1926", TODAY) == date(1926, 11, 26)  # 100 today
    for bad in ("27/11/2011", "25/11/1926", "01/01/2030"):
        assert refused(rules.birth_date, bad, TODAY) == "foundation.error.birth_date"


def test_period_end_not_in_the_past() -> None:
    assert rules.period_end("26/11/2026", TODAY) == TODAY
    assert refused(rules.period_end, "25/11/2026", TODAY) == "foundation.error.end_in_past"


def test_period_rules() -> None:
    start = date(2027, 1, 1)
    rules.check_period(start, date(2028, 1, 1))  # one year, to the day
    with pytest.raises(FieldError) as too_long:
        rules.check_period(start, date(2028, 1, 2))
    assert too_long.value.msg_id == "foundation.error.period_too_long"
    assert too_long.value.params["latest"] == date(2028, 1, 1)
    for end in (start, date(2026, 12, 31)):
        with pytest.raises(FieldError) as backwards:
            rules.check_period(start, end)
        assert backwards.value.msg_id == "foundation.error.end_before_start"
    # From 29 February the year ends on 28 February.
    assert rules.add_years(date(2028, 2, 29), 1) == date(2029, 2, 28)


def test_passport_covers_the_period() -> None:
    rules.check_passport_covers(date(2027, 6, 1), date(2027, 6, 1))
    with pytest.raises(FieldError) as caught:
        rules.check_passport_covers(date(2027, 5, 31), date(2027, 6, 1))
    assert caught.value.msg_id == "foundation.error.passport_ends_early"


# --- forms as they fill --------------------------------------------------------------------------


def test_a_form_is_validated_after_every_answer() -> None:
    spec = {s.key: s for s in VOLUNTEER_FIELDS}
    form = VolunteerForm()
    form = wizard.answer(form, spec["passport_expiry"], "01/06/2027", TODAY)
    form = wizard.answer(form, spec["start_date"], "01/01/2027", TODAY)
    # The end date fits the period but not the passport: refused, the form unchanged.
    with pytest.raises(FieldError) as caught:
        wizard.answer(form, spec["end_date"], "01/07/2027", TODAY)
    assert caught.value.msg_id == "foundation.error.passport_ends_early"
    form = wizard.answer(form, spec["end_date"], "31/05/2027", TODAY)
    # Moving the start later than the end is refused whichever field changes.
    with pytest.raises(FieldError) as moved:
        wizard.answer(form, spec["start_date"], "01/06/2027", TODAY)
    assert moved.value.msg_id == "foundation.error.end_before_start"
    assert form.end_date == date(2027, 5, 31) and form.start_date == date(2027, 1, 1)


def test_buttons_answer_only_their_own_field() -> None:
    form = FoundationForm()
    kind = FOUNDATION_FIELDS[0]
    with pytest.raises(FieldError) as typed:
        wizard.take(FOUNDATION_FIELDS, "kind", None, "foundation", form, TODAY)
    assert typed.value.msg_id == "foundation.error.use_buttons"
    with pytest.raises(wizard.StaleStep):
        wizard.take(FOUNDATION_FIELDS, "name_th", "kind", "foundation", form, TODAY)
    with pytest.raises(wizard.StaleStep):
        wizard.take(FOUNDATION_FIELDS, "name_th", "name_th", "มูลนิธิ", form, TODAY)
    with pytest.raises(FieldError):
        wizard.take(FOUNDATION_FIELDS, "kind", "kind", "company", form, TODAY)
    filled = wizard.take(FOUNDATION_FIELDS, "kind", "kind", "association", form, TODAY)
    assert filled.kind == "association" and kind.choice_label("association")
    with pytest.raises(FieldError):
        wizard.take(FOUNDATION_FIELDS, "province", "province", "99", filled, TODAY)
    assert (
        wizard.take(FOUNDATION_FIELDS, "province", "province", "50", filled, TODAY).province == "50"
    )


def test_stored_forms_are_checked_when_read_back() -> None:
    with pytest.raises(ValueError):
        FoundationForm.model_validate({"phone": "12345"})
    with pytest.raises(ValueError):
        VolunteerForm.model_validate({"start_date": "2027-06-01", "end_date": "2027-01-01"})
    with pytest.raises(ValueError):
        VolunteerForm.model_validate({"unknown": "field"})
    details = VolunteerForm(full_name="ANNA", allowance=False).details()
    assert details["full_name"] == "ANNA" and details["allowance"] is False
    back = VolunteerForm.from_details({**details, "consent_by": 1})
    assert back.full_name == "ANNA"


def test_a_correction_cannot_move_the_case_to_another_office() -> None:
    assert "work_province" in {s.key for s in VOLUNTEER_FIELDS}
    assert "work_province" not in {s.key for s in CORRECTABLE_FIELDS}


# --- files ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mime", "name", "kind"),
    [
        ("application/pdf", "letter.pdf", uploads.PDF),
        ("image/jpeg", "scan.jpeg", uploads.JPEG),
        ("image/png", None, uploads.PNG),
        (None, "scan.PNG", uploads.PNG),
        ("application/octet-stream", "letter.pdf", uploads.PDF),
    ],
)
def test_accepted_types(mime: str | None, name: str | None, kind: str) -> None:
    assert uploads.check_claim(mime, name, 1000).mime_type == kind


@pytest.mark.parametrize(
    ("mime", "name"),
    [
        ("application/msword", "letter.pdf"),
        ("image/gif", "photo.gif"),
        (None, "letter.docx"),
        (None, None),
        ("application/zip", "files.zip"),
    ],
)
def test_refused_types(mime: str | None, name: str | None) -> None:
    with pytest.raises(FieldError) as caught:
        uploads.check_claim(mime, name, 1000)
    assert caught.value.msg_id == "foundation.error.file_type"


def test_sizes_are_checked_before_and_after_fetching() -> None:
    with pytest.raises(FieldError) as big:
        uploads.check_claim("application/pdf", "a.pdf", uploads.MAX_BYTES + 1)
    assert big.value.msg_id == "foundation.error.file_too_big"
    assert big.value.params == {"limit": 20}
    with pytest.raises(FieldError) as empty:
        uploads.check_claim("application/pdf", "a.pdf", 0)
    assert empty.value.msg_id == "foundation.error.file_empty"
    uploads.check_claim("application/pdf", "a.pdf", uploads.MAX_BYTES)
    uploads.check_claim("application/pdf", "a.pdf", None)  # size unknown: checked after fetching
    claim = uploads.check_claim("application/pdf", "a.pdf", None)
    with pytest.raises(FieldError) as empty_bytes:
        uploads.check_content(b"", claim)
    assert empty_bytes.value.msg_id == "foundation.error.file_empty"


def _encrypted_pdf(password: str) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _pageless_pdf() -> bytes:
    out = io.BytesIO()
    PdfWriter().write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "mime", "ok"),
    [
        (PDF, uploads.PDF, True),
        (PDF + b"v2", uploads.PDF, True),  # bytes after the end, as some scanners write
        (JPEG, uploads.JPEG, True),
        (PNG, uploads.PNG, True),
        (samples.png(600, 800), uploads.PNG, True),
        (b"MZ\x90\x00", uploads.PDF, False),
        (PNG, uploads.JPEG, False),
        (JPEG, uploads.PNG, False),
        (b"<html>%PDF-", uploads.PDF, False),
        # Signatures alone: the polyglot that starts like a PDF and is a web page.
        (b"%PDF-1.7\n<html><body><script>alert(1)</script></body></html>\n", uploads.PDF, False),
        (b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n", uploads.PDF, False),
        (PDF[: len(PDF) // 2], uploads.PDF, False),  # truncated
        (_pageless_pdf(), uploads.PDF, False),
        (b"\xff\xd8\xff\xe0 jfif", uploads.JPEG, False),
        (JPEG[:-40], uploads.JPEG, False),  # truncated
        (b"\x89PNG\r\n\x1a\n....", uploads.PNG, False),
        (samples.png(600, 800)[:-200], uploads.PNG, False),  # truncated
    ],
)
def test_content_must_really_be_of_the_claimed_type(data: bytes, mime: str, ok: bool) -> None:
    claim = uploads.Claim(mime, "x", len(data))
    if ok:
        uploads.check_content(data, claim)
    else:
        with pytest.raises(FieldError) as caught:
            uploads.check_content(data, claim)
        assert caught.value.msg_id == "foundation.error.file_content_mismatch"


@pytest.mark.parametrize("password", ["secret", ""])
def test_an_encrypted_pdf_is_refused_with_its_own_message(password: str) -> None:
    data = _encrypted_pdf(password)
    with pytest.raises(FieldError) as caught:
        uploads.check_content(data, uploads.Claim(uploads.PDF, "x", len(data)))
    assert caught.value.msg_id == "foundation.error.pdf_encrypted"


@pytest.mark.parametrize("mime", [uploads.JPEG, uploads.PNG])
def test_an_image_over_the_pixel_limit_is_refused_before_it_is_decoded(mime: str) -> None:
    # 10,000 x 5,001 pixels of one colour: a few kilobytes that would decode to 150 MB.
    out = io.BytesIO()
    Image.new("L", (10_000, 5_001)).save(out, {uploads.JPEG: "JPEG", uploads.PNG: "PNG"}[mime])
    data = out.getvalue()
    assert len(data) < 1_000_000
    with pytest.raises(FieldError) as caught:
        uploads.check_content(data, uploads.Claim(mime, "x", len(data)))
    assert caught.value.msg_id == "foundation.error.image_too_large"
    assert caught.value.params == {"limit": 50}
    assert uploads.check_image(sample_jpeg(100, 50), uploads.JPEG) == (100, 50)


def test_file_names_are_made_safe() -> None:
    assert uploads.safe_file_name("../../etc/passwd", uploads.PDF) == "passwd.pdf"
    assert uploads.safe_file_name("C:\\Users\\x\\scan.PDF", uploads.PDF) == "scan.PDF"
    assert uploads.safe_file_name("photo.jpg", uploads.JPEG) == "photo.jpg"
    assert uploads.safe_file_name(None, uploads.PNG) == "document.png"
    assert uploads.safe_file_name("a\x00b.pdf", uploads.PDF) == "ab.pdf"
    assert uploads.human_size(1536) == "2 KB" and uploads.human_size(3 * 1024 * 1024) == "3.0 MB"


# --- the privacy notice --------------------------------------------------------------------------


def test_the_shipped_privacy_notice_loads_in_both_languages() -> None:
    notice = load_privacy_notice()
    assert notice.version
    assert "Department of Social Development and Welfare" in notice.text("en")
    assert "กรมพัฒนาสังคมและสวัสดิการ" in notice.text("th")
    for text in (notice.text("th"), notice.text("en")):
        assert not set("<>&") & set(text)


def test_a_broken_privacy_notice_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "notice.toml"
    path.write_text('version = "1"\ntext_th = "ไทย"\n', encoding="utf-8")
    with pytest.raises(PrivacyNoticeError, match="text_en"):
        load_privacy_notice(path)
    path.write_text('version = "has space"\ntext_th = "a"\ntext_en = "b"\n', encoding="utf-8")
    with pytest.raises(PrivacyNoticeError, match=re.escape(str(path))):
        load_privacy_notice(path)
    with pytest.raises(PrivacyNoticeError, match=r"missing\.toml"):
        load_privacy_notice(tmp_path / "missing.toml")


# --- buttons -------------------------------------------------------------------------------------


def test_every_foundation_button_fits_telegram_and_starts_with_f() -> None:
    from bot.callbacks import Button
    from bot.checklist import load_checklist
    from handlers.foundation import buttons
    from tests.button_data import encode

    specs = {
        v.prefix: v
        for v in vars(buttons).values()
        if isinstance(v, type) and issubclass(v, Button) and v is not Button
    }
    assert specs and all(prefix.startswith("f") for prefix in specs)
    # The longest values each button carries: ids of a busy decade, the longest keys.
    field = max((s.key for s in (*FOUNDATION_FIELDS, *VOLUNTEER_FIELDS)), key=len)
    item = max((i.key for i in load_checklist().items), key=len)
    big = 10**12
    worst: dict[str, tuple[int | str, ...]] = {
        "fw": ("reg", field, "association"),
        "fwp": ("reg", field, 6),
        "fwe": ("reg", field),
        "fwl": ("fix",),
        "fwb": ("fix",),
        "fpa": ("join",),
        "far": (item, 99),
        "fay": (big, big),
        "fcl": (big,),
        "fco": (big,),
        "fcw": (big, big),
        "fcy": (big, big),
        "fxs": (big,),
        "fxr": (big, big),
        "fuc": (big, big),
        "fuy": (big, big),
        "fur": (big, big),
        "fus": (big, big),
    }
    for prefix, spec in specs.items():
        values = worst.get(prefix, ())
        data = encode(spec, *values)  # raises past 64 bytes
        assert spec.unpack(data) == spec.unpack(encode(spec, *values)) is not None
        assert data.split(":")[1:] == [str(v) for v in values]
