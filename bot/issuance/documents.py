"""The pack's own pages: cover summary, draft memo to the governor, draft certificate(s).

Layout follows the Thai government's correspondence rules (ระเบียบงานสารบรรณ) closely enough
for a draft the officer retypes or adapts: memo headed บันทึกข้อความ with ส่วนราชการ / ที่ /
วันที่ / เรื่อง / เรียน, paragraphs indented 2.5 cm, signature block in the right half. Every
office-specific word comes from ``office.toml``; dates are Buddhist-era in Thai.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from fpdf.enums import Align

from bot.dates import format_date, format_date_short, format_time
from bot.issuance.attachments import Kind, Prepared
from bot.issuance.model import HistoryEntry, PrintPackInput
from bot.issuance.pdfdoc import BODY, LEFT, RIGHT, Column, ThaiPdf

INDENT = 25.0  # Thai paragraph indent: 2.5 cm
SIGNATURE_DOTS = "(" + "." * 48 + ")"
_DRAFT = {"th": "ร่าง", "en": "DRAFT"}


def render_cover(pdf: ThaiPdf, pack: PrintPackInput, items: Sequence[Prepared]) -> None:
    pdf.add_page()
    pdf.paragraph(
        "สรุปคำขอหนังสือรับรองการปฏิบัติงานของอาสาสมัครต่างประเทศ",
        size=16,
        bold=True,
        align=Align.C,
    )
    pdf.paragraph(
        f"เอกสารประกอบการเสนอ{pack.office.memo_to} · {pack.office.name.th} · "
        f"จัดทำเมื่อ {format_date(pack.prepared_on, 'th')}",
        size=11,
        align=Align.C,
        space_after=3,
    )
    f, v = pack.foundation, pack.volunteer
    label, value = Column(48, bold=True), Column(pdf.content_width - 48)
    for key, text in (
        ("เลขติดตามคำขอ", pack.tracking_no),
        ("เลขที่รับเรื่อง", pack.receipt_no),
        ("มูลนิธิ / สมาคม", f"{f.name_th}\n{f.name_en}"),
        ("ทะเบียนเลขที่", f.registration_no),
        ("ที่ตั้ง", f.address),
        ("อาสาสมัคร (ตามหนังสือเดินทาง)", v.name),
        ("สัญชาติ", v.nationality_in("th")),
        ("หนังสือเดินทางเลขที่", v.passport_no),
        ("วันเกิด", format_date(v.date_of_birth, "th")),
        ("ตำแหน่ง", v.position),
        ("หน้าที่", v.duties),
        ("สถานที่ปฏิบัติงาน", v.place_of_work),
        (
            "ระยะเวลาปฏิบัติงาน",
            f"{format_date(v.period_start, 'th')} ถึง {format_date(v.period_end, 'th')}",
        ),
    ):
        pdf.row([key, text], [label, value])
    _heading(pdf, "ประวัติการตรวจสอบและการพิจารณา")
    widths = (40.0, 46.0, pdf.content_width - 86)
    header = [Column(w, bold=True) for w in widths]
    pdf.row(["วันที่", "การดำเนินการ", "ความเห็นเจ้าหน้าที่"], header)
    plain = [Column(w) for w in widths]
    for entry in pack.history:
        pdf.row([_when(entry), entry.action, entry.comment or "-"], plain)
    if not pack.history:
        pdf.row(["-", "-", "-"], plain)
    _heading(pdf, "เอกสารแนบในชุดนี้")
    number, title = Column(12, bold=True), Column(pdf.content_width - 62, bold=True)
    pages = Column(50, bold=True)
    pdf.row(["ที่", "เอกสาร", "หน้าในชุดพิมพ์"], [number, title, pages])
    plain = [Column(12), Column(pdf.content_width - 62), Column(50)]
    for item in items:
        pdf.row([str(item.number), item.title, _pages(item)], plain)
    if not items:
        pdf.row(["-", "ไม่มีเอกสารแนบ", "-"], plain)


def _heading(pdf: ThaiPdf, text: str) -> None:
    pdf.set_y(pdf.get_y() + 4)
    pdf.ensure_room(32)  # keep a heading with the first rows under it
    pdf.paragraph(text, size=13, bold=True, space_after=1)


def _when(entry: HistoryEntry) -> str:
    # Short month names keep date and time on one line of the narrow column.
    if isinstance(entry.when, dt.datetime):
        return f"{format_date_short(entry.when, 'th')} {format_time(entry.when, 'th')}"
    return format_date_short(entry.when, "th")


def _pages(item: Prepared) -> str:
    if item.kind is Kind.SKIPPED:
        return f"ไม่รวมในชุดนี้: {item.reason}"
    if item.kind is Kind.FAILED:
        return f"หน้า {item.first_page}: แทนด้วยหมายเหตุ ({item.reason})"
    if item.pages == 1:
        return f"หน้า {item.first_page}"
    return f"หน้า {item.first_page}\u2013{item.first_page + item.pages - 1}"  # en dash


def render_memo(pdf: ThaiPdf, pack: PrintPackInput) -> None:
    office, wording, fields = pack.office, pack.memo, pack.fields("th")
    pdf.add_page()
    _draft_mark(pdf, "th")
    pdf.paragraph("บันทึกข้อความ", size=24, bold=True, align=Align.C, space_after=2)
    pdf.labelled("ส่วนราชการ", f"{office.memo_from} โทร.\u00a0{_unbroken(office.phone)}")
    top = pdf.get_y()
    pdf.labelled("ที่", f"{office.document_prefix.th}{'.' * 12}")
    pdf.set_y(top)
    half = LEFT + pdf.content_width / 2
    pdf.use_font(BODY, bold=True)
    pdf.set_xy(half, top)
    pdf.cell(pdf.measure("วันที่") + 4, pdf.line_height(), "วันที่")
    pdf.use_font(BODY)
    pdf.cell(0, pdf.line_height(), format_date(pack.prepared_on, "th"))
    pdf.set_y(top + pdf.line_height())
    pdf.labelled("เรื่อง", wording.subject.format_map(fields))
    _rule(pdf)
    pdf.labelled("เรียน", office.memo_to)
    pdf.set_y(pdf.get_y() + 2)
    for paragraph in wording.paragraphs:
        pdf.paragraph(paragraph.format_map(fields), first_indent=INDENT, space_after=2)
    _signature(pdf, office.memo_signer)


def render_certificate(pdf: ThaiPdf, pack: PrintPackInput, lang: str) -> None:
    office, wording, fields = pack.office, pack.certificate[lang], pack.fields(lang)
    pdf.add_page()
    _draft_mark(pdf, lang)
    top = pdf.get_y()
    number_label = "ที่" if lang == "th" else "No."
    pdf.labelled(number_label, f"{office.document_prefix.get(lang)}{'.' * 12}")
    pdf.set_y(top)
    right_block = pdf.content_width * 0.45
    for text in (office.name.get(lang), office.address.get(lang)):
        pdf.paragraph(text, size=12, indent=pdf.content_width - right_block)
    pdf.set_y(pdf.get_y() + 3)
    pdf.paragraph(wording.title.format_map(fields), size=16, bold=True, align=Align.C)
    date_line = "วันที่ " + "." * 40 if lang == "th" else "Date " + "." * 40
    pdf.paragraph(date_line, indent=pdf.content_width / 2 - 20, space_after=2)
    pdf.labelled("เรื่อง" if lang == "th" else "Subject:", wording.subject.format_map(fields))
    pdf.labelled("เรียน" if lang == "th" else "To:", office.certificate_to.get(lang))
    pdf.set_y(pdf.get_y() + 2)
    for paragraph in wording.paragraphs:
        pdf.paragraph(paragraph.format_map(fields), first_indent=INDENT, space_after=2)
    pdf.set_y(pdf.get_y() + 4)
    _signature(pdf, office.certificate_signer.get(lang), closing=wording.closing)
    pdf.set_y(pdf.get_y() + 6)
    pdf.paragraph(office.name.get(lang), size=12)
    pdf.paragraph(("โทร. " if lang == "th" else "Tel. ") + office.phone, size=12)


def _unbroken(text: str) -> str:
    """No line break inside: a phone number "0 5300 0000" must not be split."""
    return text.replace(" ", "\u00a0")


def _signature(pdf: ThaiPdf, titles: Sequence[str], closing: str = "") -> None:
    """Closing, room to sign, the dotted name line and the signer's title lines."""
    center = LEFT + pdf.content_width * 0.7
    pdf.ensure_room(pdf.line_height() * (len(titles) + 5))
    if closing:
        pdf.centered_lines([closing], center_x=center)
    pdf.set_y(pdf.get_y() + pdf.line_height() * 2.5)
    pdf.centered_lines([SIGNATURE_DOTS, *titles], center_x=center)


def _draft_mark(pdf: ThaiPdf, lang: str) -> None:
    pdf.use_font(12, bold=True)
    pdf.set_text_color(150)
    pdf.set_xy(pdf.w - RIGHT - 30, 10)
    pdf.cell(30, 6, _DRAFT.get(lang, "DRAFT"), border=1, align=Align.C)
    pdf.set_text_color(0)
    pdf.set_y(pdf.t_margin)


def _rule(pdf: ThaiPdf) -> None:
    y = pdf.get_y() + 1
    pdf.line(LEFT, y, pdf.w - RIGHT, y)
    pdf.set_y(y + 2)
