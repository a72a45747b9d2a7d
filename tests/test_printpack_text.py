"""The pack reads right when its text is copied out (issue 16, "Done when").

Every page of a generated pack is extracted twice, by pypdf (which reads glyphs in order
through the ToUnicode maps) and by pdfium (which orders characters by position, as Chrome and
most viewers copy text, and honours the ``/ActualText`` spans), and compared with the strings
the templates and the data make: no character lost, stacked Thai marks and ำ as typed, a space
where a template's Thai meets Latin data, no Thai in the English certificate but the proper
names the foundation typed, emoji printed (from the fallback font) and a visible placeholder
for a character no font has.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import docx
import pypdfium2 as pdfium
import pytest
from docx.shared import Cm, Pt
from pypdf import PdfReader

from bot.issuance.documents import fill
from bot.issuance.model import FoundationInfo, PrintPackInput, VolunteerInfo
from bot.issuance.printpack import build_print_pack
from bot.issuance.sample import sample_catalogs, sample_pack
from bot.issuance.wordfile import FONT, build_word_file

THAI = re.compile(r"[\u0e00-\u0e7f]")

# The longest the forms allow (bot/field_rules.py, bot/services/volunteer_form.py), with emoji
# and English where the issue found them lost or misplaced.
FOUNDATION = FoundationInfo(
    name_th=("มูลนิธิรักษ์โลกและน้ำใจเพื่อผู้ด้อยโอกาส 🌏🙏 " * 5)[:200].strip(),
    name_en=("Earth and Kindness Foundation 🌏 " * 7)[:200].strip(),
    registration_no="ชม. 123/2545",
    address=("99/9 หมู่ 4 ตำบลสุเทพ อำเภอเมืองเชียงใหม่ จังหวัดเชียงใหม่ 50200 " * 5)[:300].strip(),
)
VOLUNTEER = VolunteerInfo(
    name=("SEAN PATRICK O'BRIEN-MURPHY " * 4)[:100].strip(),
    nationality="Irish",
    passport_no="PA1234567",
    date_of_birth=dt.date(1990, 5, 1),
    position=("Water engineer " * 14)[:200].strip(),
    duties=("Designing rainwater tanks 💧 and teaching maintenance to village committees. " * 13)[
        :1000
    ].strip(),
    place_of_work=("Ban Pa Sak community centre, Suthep, Mueang Chiang Mai 50200 " * 5)[
        :300
    ].strip(),
    period_start=dt.date(2027, 1, 1),
    period_end=dt.date(2027, 12, 31),
)


def english_pack(**volunteer: object) -> PrintPackInput:
    base = sample_pack(attachments=())
    return base.model_copy(
        update={
            "foundation": FOUNDATION,
            "volunteer": VOLUNTEER.model_copy(update=volunteer),
        }
    )


def build(pack: PrintPackInput) -> bytes:
    catalogs = sample_catalogs()
    return build_print_pack(pack, catalogs.for_language("th"), catalogs)


def pypdf_pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def pdfium_pages(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    return [document[i].get_textpage().get_text_range() for i in range(len(document))]


def squeeze(text: str) -> str:
    """Without whitespace: line breaks fall between Thai words, where no space was typed."""
    return re.sub(r"\s+", "", text)


def spaced(text: str) -> str:
    return " ".join(text.split())


FOOTER = re.compile(r"เลขติดตาม\s+\S+\s+·\s+เลขที่รับเรื่อง\s+.*?หน้า\s+\d+/\d+")
ENGLISH_FOOTER = re.compile(r"Tracking no\.\s+\S+\s+·\s+receipt no\.\s+.*?Page\s+\d+/\d+")


def pages_by_kind(texts: list[str], footers: bool = False) -> dict[str, str]:
    """The pack's own documents, each over as many pages as it took, footers left out unless
    asked for; each document begins on a page whose first line is its draft stamp."""
    if not footers:
        texts = [FOOTER.sub("", ENGLISH_FOOTER.sub("", text)) for text in texts]
    starts = [i for i, text in enumerate(texts) if text.split(maxsplit=1)[0] in ("ร่าง", "DRAFT")]
    assert len(starts) == 3, starts
    memo, thai, english = starts
    return {
        "cover": "\n".join(texts[:memo]),
        "memo": "\n".join(texts[memo:thai]),
        "certificate_th": "\n".join(texts[thai:english]),
        "certificate_en": "\n".join(texts[english:]),
    }


@pytest.fixture(scope="module")
def english_pdf() -> bytes:
    return build(english_pack())


@pytest.mark.parametrize("extract", [pypdf_pages, pdfium_pages])
def test_no_character_of_the_templates_or_the_data_is_lost(english_pdf: bytes, extract) -> None:  # type: ignore[no-untyped-def]
    catalogs = sample_catalogs()
    pack = english_pack()
    parts = pages_by_kind(extract(english_pdf))
    memo_fields = pack.fields(catalogs.for_language("th"))
    for paragraph in (pack.memo.subject, *pack.memo.paragraphs):
        assert squeeze(fill(paragraph, memo_fields)) in squeeze(parts["memo"]), paragraph[:30]
    for lang in ("th", "en"):
        t = catalogs.for_language(lang)
        wording, page = pack.certificate[lang], parts[f"certificate_{lang}"]
        for paragraph in (wording.title, wording.subject, *wording.paragraphs):
            assert squeeze(fill(paragraph, pack.fields(t))) in squeeze(page), paragraph[:30]
        for line in pack.office.certificate_signer.en if lang == "en" else ():
            assert line in page
    for value in (FOUNDATION.name_th, FOUNDATION.name_en, FOUNDATION.address, VOLUNTEER.name):
        assert squeeze(value) in squeeze(parts["cover"]), value[:30]
    for value in (VOLUNTEER.position, VOLUNTEER.duties, VOLUNTEER.place_of_work):
        assert squeeze(value) in squeeze(parts["cover"]), value[:30]
    assert "🌏" in parts["cover"] and "💧" in parts["memo"]


@pytest.mark.parametrize("extract", [pypdf_pages, pdfium_pages])
def test_a_space_at_every_template_join_of_thai_and_latin(english_pdf: bytes, extract) -> None:  # type: ignore[no-untyped-def]
    memo = spaced(pages_by_kind(extract(english_pdf))["memo"])
    certificate = spaced(pages_by_kind(extract(english_pdf))["certificate_th"])
    for text in (memo, certificate):
        assert "สัญชาติ Irish" in text
        assert "ตำแหน่ง Water engineer" in text
    # A Thai value stays joined, as Thai is written: "สัญชาติเยอรมนี".
    thai = spaced(pages_by_kind(extract(build(sample_pack(attachments=()))))["memo"])
    assert "สัญชาติเยอรมนี" in thai
    assert "ตำแหน่งอาสาสมัครสอนภาษาอังกฤษ" in thai


@pytest.mark.parametrize("extract", [pypdf_pages, pdfium_pages])
def test_the_english_certificate_has_no_thai_but_typed_proper_names(  # type: ignore[no-untyped-def]
    english_pdf: bytes, extract
) -> None:
    # Footers included: the English certificate's pages carry an English footer.
    text = spaced(pages_by_kind(extract(english_pdf), footers=True)["certificate_en"])
    assert "Tracking no. VC-2569-000123 · receipt no. ชม 45/2569" in text
    # What was typed in Thai: the foundation's Thai name, registration number and address,
    # and the receipt number the office gave.
    typed_in_thai = (
        FOUNDATION.name_th,
        FOUNDATION.registration_no,
        FOUNDATION.address,
        "ชม 45/2569",
    )
    for typed in typed_in_thai:
        assert spaced(typed) in text or squeeze(typed) in squeeze(text)
        text = text.replace(spaced(typed), "")
    leftover = THAI.findall(squeeze(text))
    # Line breaks inside a long typed name can leave its pieces: compare squeezed.
    rest = squeeze(text)
    for typed in typed_in_thai:
        rest = rest.replace(squeeze(typed), "")
    assert THAI.findall(rest) == [], (leftover[:20], rest[:300])
    assert "Governor of Chiang Mai" in text and "1 January 2027" in text


@pytest.mark.parametrize("extract", [pypdf_pages, pdfium_pages])
def test_thai_copies_out_as_printed_marks_and_sara_am_included(extract) -> None:  # type: ignore[no-untyped-def]
    pages = pages_by_kind(extract(build(sample_pack(attachments=()))))
    memo = spaced(pages["memo"])
    for word in (
        "สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัดเชียงใหม่",
        "เรื่อง ขอเสนอลงนามในหนังสือรับรองการปฏิบัติงานของอาสาสมัครต่างประเทศ",
        "เรียน ผู้ว่าราชการจังหวัดเชียงใหม่หรือผู้ซึ่งผู้ว่าราชการจังหวัดเชียงใหม่มอบหมาย",
        "บันทึกข้อความ",
        "ร่าง",
        "จึงเรียนมาเพื่อโปรดพิจารณา",
    ):
        assert word in memo, word
    assert "\x07" not in memo and "\ufffd" not in memo


@pytest.mark.parametrize("run", [".", "😀", "ก่"])
def test_a_thousand_neutral_characters_in_a_row_render_and_copy_out(run: str) -> None:
    duties = (run * 1000)[:1000] if len(run) == 1 else run * 500
    pdf = build(english_pack(duties=duties))
    text = squeeze("".join(pages_by_kind(pdfium_pages(pdf)).values()))
    # The duties are on the cover, in the memo and in both certificates.
    assert text.count(squeeze(duties)) == 4


def test_a_character_no_font_has_is_shown_as_a_visible_placeholder() -> None:
    pack = english_pack()
    star = pack.foundation.model_copy(update={"name_en": "Star ★ Foundation"})
    text = spaced("".join(pdfium_pages(build(pack.model_copy(update={"foundation": star})))))
    assert "Star [U+2605] Foundation" in text


def test_library_logs_stay_at_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("DEBUG"):
        build(english_pack())
    chatty = [r for r in caplog.records if r.name.startswith(("fontTools", "fpdf"))]
    assert [r for r in chatty if r.levelname in ("DEBUG", "INFO")] == []


def test_the_word_file_holds_the_same_text_in_the_official_layout(english_pdf: bytes) -> None:
    word = docx.Document(io.BytesIO(build_word_file(english_pack(), sample_catalogs())))
    documents = pages_by_kind(pypdf_pages(english_pdf))
    pdf_text = squeeze(
        documents["memo"] + documents["certificate_th"] + documents["certificate_en"]
    )
    paragraphs = [p.text for p in word.paragraphs if p.text.strip()]
    assert paragraphs[0] == "บันทึกข้อความ"
    for text in paragraphs:
        assert squeeze(text) in pdf_text, text[:40]
    # ... and all of it: the documents' text less the draft stamps is the Word file's.
    stamps = squeeze("".join(paragraphs))
    assert len(pdf_text) - len("ร่างDRAFTร่าง") == len(stamps)
    joined = spaced("\n".join(paragraphs))
    assert "สัญชาติ Irish" in joined and "a national of Irish" in joined
    assert "Certificate" in joined and "หนังสือรับรอง" in joined
    heading = word.paragraphs[0].runs[0]
    assert heading.bold and heading.font.size == Pt(29) and heading.font.name == FONT
    body = next(p for p in word.paragraphs if p.text.startswith("1. เรื่องเดิม"))
    assert body.runs[0].font.size == Pt(16) and body.runs[0].font.name == FONT
    assert abs(body.paragraph_format.first_line_indent - Cm(2.5)) < Cm(0.01)
    fonts = body.runs[0]._element.rPr.rFonts  # Thai is a "complex script" run in Word
    assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}cs") == FONT
    section = word.sections[0]
    assert abs(section.left_margin - Cm(3)) < Cm(0.01)
    assert abs(section.right_margin - Cm(2)) < Cm(0.01)
    assert len(word.sections) == 3  # the memo, the Thai and the English certificate
