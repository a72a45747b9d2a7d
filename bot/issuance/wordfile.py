"""The memo and the certificates as one editable Word file (``.docx``), sent with the PDF.

Offices retype or adjust the memo in a word processor before it goes into their document
system, so this file follows the government letter layout they use (ระเบียบงานสารบรรณ): TH
Sarabun New 16 pt throughout (Sarabun, bundled with the PDF, is its open successor and what a
machine without TH Sarabun New substitutes), the memo heading บันทึกข้อความ at 29 pt bold,
its ส่วนราชการ / ที่ / วันที่ / เรื่อง labels at 20 pt bold, margins 3 cm left and 2 cm right,
paragraphs indented 2.5 cm, the signature block in the right half. The words are those of the
PDF (``documents``): the same catalog entries, ``office.toml`` wording and ``fill``.

python-docx (pure Python, maintained) writes the file; Thai needs its "complex script" font
and size set beside the Latin ones on every run, or Word falls back to its own Thai font.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.text.font import CT_RPr
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Pt
from docx.text.paragraph import Paragraph

from bot.i18n import Catalogs, Translator
from bot.issuance.documents import SIGNATURE_DOTS, fill
from bot.issuance.model import PrintPackInput

FONT = "TH Sarabun New"
BODY_PT = 16
HEADING_PT = 29
LABEL_PT = 20
INDENT_CM = 2.5
# The tail of CT_RPr's child order (ECMA-376 17.3.2.28), from the size onwards.
_RPR_ORDER = (
    "w:sz",
    "w:szCs",
    "w:highlight",
    "w:u",
    "w:effect",
    "w:bdr",
    "w:shd",
    "w:fitText",
    "w:vertAlign",
    "w:rtl",
    "w:cs",
    "w:em",
    "w:lang",
    "w:eastAsianLayout",
    "w:specVanish",
    "w:oMath",
)


def build_word_file(pack: PrintPackInput, catalogs: Catalogs) -> bytes:
    """The memo (Thai) and each certificate in its language, one section each."""
    document = Document()
    _set_defaults(document)
    render_memo(document, pack, catalogs.for_language("th"))
    for lang in ("th", "en"):
        if lang in pack.certificate:
            document.add_section(WD_SECTION.NEW_PAGE)
            render_certificate(document, pack, catalogs.for_language(lang))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def render_memo(document: WordDocument, pack: PrintPackInput, t: Translator) -> None:
    office, fields = pack.office, pack.fields(t)
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(heading, t("printpack.memo.heading"), size=HEADING_PT, bold=True)
    _labelled(
        document,
        t("printpack.memo.from"),
        t("printpack.memo.from_value", unit=office.memo_from, phone=office.phone),
    )
    number = document.add_paragraph()
    number.paragraph_format.tab_stops.add_tab_stop(Cm(8))
    _run(number, t("printpack.label.number"), size=LABEL_PT, bold=True)
    _run(number, f" {office.document_prefix.th}{'.' * 12}\t")
    _run(number, t("printpack.label.date"), size=LABEL_PT, bold=True)
    _run(number, f" {t.date(pack.prepared_on)}")
    _labelled(document, t("printpack.label.subject"), fill(pack.memo.subject, fields))
    _labelled(document, t("printpack.label.to"), office.memo_to)
    for paragraph in pack.memo.paragraphs:
        _body(document, fill(paragraph, fields))
    _signature(document, office.memo_signer)


def render_certificate(document: WordDocument, pack: PrintPackInput, t: Translator) -> None:
    office, fields = pack.office, pack.fields(t)
    wording = pack.certificate[t.lang]
    prefix = t.pick(office.document_prefix.th, office.document_prefix.en)
    _labelled(document, t("printpack.label.number"), f"{prefix}{'.' * 12}", size=BODY_PT)
    name = t.pick(office.name.th, office.name.en)
    for text in (name, t.pick(office.address.th, office.address.en)):
        block = document.add_paragraph()
        block.paragraph_format.left_indent = Cm(9)
        _run(block, text)
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(title, fill(wording.title, fields), size=LABEL_PT, bold=True)
    date = document.add_paragraph()
    date.paragraph_format.left_indent = Cm(6)
    _run(date, f"{t('printpack.label.date')} {'.' * 40}")
    _labelled(document, t("printpack.label.subject"), fill(wording.subject, fields), size=BODY_PT)
    to = t.pick(office.certificate_to.th, office.certificate_to.en)
    _labelled(document, t("printpack.label.to"), to, size=BODY_PT)
    for paragraph in wording.paragraphs:
        _body(document, fill(paragraph, fields))
    signer = t.pick(office.certificate_signer.th, office.certificate_signer.en)
    _signature(document, signer, closing=wording.closing)
    for text in (name, t("printpack.label.phone", phone=office.phone)):
        _run(document.add_paragraph(), text)


def _set_defaults(document: WordDocument) -> None:
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    _complex_script(normal.element.get_or_add_rPr(), BODY_PT, bold=False)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    section.top_margin, section.bottom_margin = Cm(1.5), Cm(2)


def _complex_script(rpr: CT_RPr, size: float, *, bold: bool) -> None:
    """Font and size for Thai (Word's "complex script" slots) beside the Latin ones, each
    element in the place the schema orders it (Word refuses a file otherwise)."""
    fonts = rpr.get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(slot), FONT)
    if bold:
        rpr.get_or_add_bCs()
    _child(rpr, "w:szCs").set(qn("w:val"), str(round(size * 2)))  # half-points
    _child(rpr, "w:lang").set(qn("w:bidi"), "th-TH")


def _child(rpr: CT_RPr, tag: str) -> BaseOxmlElement:
    found = rpr.find(qn(tag))
    if isinstance(found, BaseOxmlElement):
        return found
    element = OxmlElement(tag)
    rpr.insert_element_before(element, *_RPR_ORDER[_RPR_ORDER.index(tag) + 1 :])
    return element


def _run(paragraph: Paragraph, text: str, *, size: float = BODY_PT, bold: bool = False) -> None:
    run = paragraph.add_run(text)
    run.bold = bold
    run.font.size = Pt(size)
    _complex_script(run._element.get_or_add_rPr(), size, bold=bold)


def _labelled(
    document: WordDocument,
    label: str,
    text: str,
    *,
    size: float = LABEL_PT,
) -> None:
    paragraph = document.add_paragraph()
    _run(paragraph, label, size=size, bold=True)
    _run(paragraph, f" {text}")


def _body(document: WordDocument, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.first_line_indent = Cm(INDENT_CM)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.THAI_JUSTIFY
    _run(paragraph, text)


def _signature(document: WordDocument, titles: Sequence[str], closing: str = "") -> None:
    lines = (
        [closing, "", "", SIGNATURE_DOTS, *titles] if closing else ["", "", SIGNATURE_DOTS, *titles]
    )
    for line in lines:
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.left_indent = Cm(6)  # the right half, dots on one line
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(paragraph, line)
