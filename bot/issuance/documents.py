"""The pack's own pages: cover summary, draft memo to the governor, draft certificate(s).

Layout follows the Thai government's correspondence rules (ระเบียบงานสารบรรณ) closely enough
for a draft the officer retypes or adapts: memo headed บันทึกข้อความ with ส่วนราชการ / ที่ /
วันที่ / เรื่อง / เรียน, paragraphs indented 2.5 cm, signature block in the right half. Every
office-specific word comes from ``office.toml``; dates are Buddhist-era in Thai.
"""

from __future__ import annotations

import datetime as dt
import string
import unicodedata
from collections.abc import Sequence

from fpdf.enums import Align

from bot.i18n import Translator
from bot.issuance.attachments import Kind, Prepared
from bot.issuance.model import HistoryEntry, PrintPackInput
from bot.issuance.pdfdoc import BODY, LEFT, RIGHT, Column, ThaiPdf

INDENT = 25.0  # Thai paragraph indent: 2.5 cm
SIGNATURE_DOTS = "(" + "." * 48 + ")"


def render_cover(
    pdf: ThaiPdf, pack: PrintPackInput, items: Sequence[Prepared], t: Translator
) -> None:
    """The case summary, in the reader's language (the officer who asked for the pack)."""
    pdf.add_page()
    pdf.paragraph(t("printpack.cover.title"), size=16, bold=True, align=Align.C)
    pdf.paragraph(
        t(
            "printpack.cover.subtitle",
            memo_to=pack.office.memo_to,
            office=t.pick(pack.office.name.th, pack.office.name.en),
            prepared_on=pack.prepared_on,
        ),
        size=11,
        align=Align.C,
        space_after=3,
    )
    f, v = pack.foundation, pack.volunteer
    label, value = Column(48, bold=True), Column(pdf.content_width - 48)
    for key, text in (
        (t("printpack.cover.tracking_no"), pack.tracking_no),
        (t("printpack.cover.receipt_no"), pack.receipt_no),
        (t("printpack.cover.foundation"), f"{f.name_th}\n{f.name_en}"),
        (t("printpack.cover.registration_no"), f.registration_no),
        (t("printpack.cover.address"), f.address),
        (t("printpack.cover.volunteer"), v.name),
        (t("printpack.cover.nationality"), v.nationality_for(t)),
        (t("printpack.cover.passport_no"), v.passport_no),
        (t("printpack.cover.date_of_birth"), t.date(v.date_of_birth)),
        (t("printpack.cover.position"), v.position),
        (t("printpack.cover.duties"), v.duties),
        (t("printpack.cover.place_of_work"), v.place_of_work),
        (
            t("printpack.cover.period"),
            t("printpack.cover.period_value", start=v.period_start, end=v.period_end),
        ),
    ):
        pdf.row([key, text], [label, value])
    _heading(pdf, t("printpack.cover.history"))
    widths = (40.0, 46.0, pdf.content_width - 86)
    header = [Column(w, bold=True) for w in widths]
    pdf.row(
        [
            t("printpack.cover.history_when"),
            t("printpack.cover.history_action"),
            t("printpack.cover.history_comment"),
        ],
        header,
    )
    plain = [Column(w) for w in widths]
    for entry in pack.history:
        pdf.row([_when(entry, t), entry.action, entry.comment or "-"], plain)
    if not pack.history:
        pdf.row(["-", "-", "-"], plain)
    _heading(pdf, t("printpack.cover.attachments"))
    number, title = Column(12, bold=True), Column(pdf.content_width - 62, bold=True)
    pages = Column(50, bold=True)
    pdf.row(
        [
            t("printpack.cover.attachment_number"),
            t("printpack.cover.attachment_title"),
            t("printpack.cover.attachment_pages"),
        ],
        [number, title, pages],
    )
    plain = [Column(12), Column(pdf.content_width - 62), Column(50)]
    for item in items:
        pdf.row([str(item.number), item.title, _pages(item, t)], plain)
    if not items:
        pdf.row(["-", t("printpack.cover.no_attachments"), "-"], plain)


def _heading(pdf: ThaiPdf, text: str) -> None:
    pdf.set_y(pdf.get_y() + 4)
    pdf.ensure_room(32)  # keep a heading with the first rows under it
    pdf.paragraph(text, size=13, bold=True, space_after=1)


def _when(entry: HistoryEntry, t: Translator) -> str:
    # Short month names keep date and time on one line of the narrow column.
    if isinstance(entry.when, dt.datetime):
        return f"{t.date_short(entry.when)} {t.time(entry.when)}"
    return t.date_short(entry.when)


def _pages(item: Prepared, t: Translator) -> str:
    if item.kind is Kind.SKIPPED:
        return t("printpack.pages.skipped", reason=item.reason_in(t))
    if item.kind is Kind.FAILED:
        return t("printpack.pages.failed", page=item.first_page, reason=item.reason_in(t))
    if item.pages == 1:
        return t("printpack.pages.one", page=item.first_page)
    return t("printpack.pages.range", first=item.first_page, last=item.first_page + item.pages - 1)


def render_memo(pdf: ThaiPdf, pack: PrintPackInput, t: Translator) -> None:
    """The memo to the governor: a Thai internal document, so ``t`` is the Thai translator."""
    office, wording, fields = pack.office, pack.memo, pack.fields(t)
    pdf.add_page()
    _draft_mark(pdf, t)
    pdf.paragraph(t("printpack.memo.heading"), size=24, bold=True, align=Align.C, space_after=2)
    pdf.labelled(
        t("printpack.memo.from"),
        t("printpack.memo.from_value", unit=office.memo_from, phone=_unbroken(office.phone)),
    )
    top = pdf.get_y()
    pdf.labelled(
        t("printpack.label.number"),
        f"{t.pick(office.document_prefix.th, office.document_prefix.en)}{'.' * 12}",
    )
    pdf.set_y(top)
    half = LEFT + pdf.content_width / 2
    date_label = t("printpack.label.date")
    pdf.use_font(BODY, bold=True)
    pdf.set_xy(half, top)
    pdf.cell(pdf.measure(date_label) + 4, pdf.line_height(), date_label)
    pdf.use_font(BODY)
    pdf.cell(0, pdf.line_height(), t.date(pack.prepared_on))
    pdf.set_y(top + pdf.line_height())
    pdf.labelled(t("printpack.label.subject"), fill(wording.subject, fields))
    _rule(pdf)
    pdf.labelled(t("printpack.label.to"), office.memo_to)
    pdf.set_y(pdf.get_y() + 2)
    for paragraph in wording.paragraphs:
        pdf.paragraph(fill(paragraph, fields), first_indent=INDENT, space_after=2)
    _signature(pdf, office.memo_signer)


def render_certificate(pdf: ThaiPdf, pack: PrintPackInput, t: Translator) -> None:
    """The certificate in ``t``'s language, worded as ``office.toml`` has it for that language."""
    office, fields = pack.office, pack.fields(t)
    wording = pack.certificate[t.lang]
    pdf.add_page()
    _draft_mark(pdf, t)
    top = pdf.get_y()
    prefix = t.pick(office.document_prefix.th, office.document_prefix.en)
    pdf.labelled(t("printpack.label.number"), f"{prefix}{'.' * 12}")
    pdf.set_y(top)
    right_block = pdf.content_width * 0.45
    name = t.pick(office.name.th, office.name.en)
    for text in (name, t.pick(office.address.th, office.address.en)):
        pdf.paragraph(text, size=12, indent=pdf.content_width - right_block)
    pdf.set_y(pdf.get_y() + 3)
    pdf.paragraph(fill(wording.title, fields), size=16, bold=True, align=Align.C)
    date_line = f"{t('printpack.label.date')} {'.' * 40}"
    pdf.paragraph(date_line, indent=pdf.content_width / 2 - 20, space_after=2)
    pdf.labelled(t("printpack.label.subject"), fill(wording.subject, fields))
    to = t.pick(office.certificate_to.th, office.certificate_to.en)
    pdf.labelled(t("printpack.label.to"), to)
    pdf.set_y(pdf.get_y() + 2)
    for paragraph in wording.paragraphs:
        pdf.paragraph(fill(paragraph, fields), first_indent=INDENT, space_after=2)
    pdf.set_y(pdf.get_y() + 4)
    signer = t.pick(office.certificate_signer.th, office.certificate_signer.en)
    _signature(pdf, signer, closing=wording.closing)
    pdf.set_y(pdf.get_y() + 6)
    pdf.paragraph(name, size=12)
    pdf.paragraph(t("printpack.label.phone", phone=office.phone), size=12)


def fill(template: str, fields: dict[str, str]) -> str:
    """``template`` with its fields filled, and a space wherever the template's Thai meets a
    value's Latin (or other non-Thai) text: "สัญชาติ{nationality}" reads "สัญชาติเยอรมนี" with a
    Thai value but "สัญชาติ Irish" with an English one."""
    out = ""
    for literal, name, spec, _conversion in string.Formatter().parse(template):
        out = _joined(out, literal)
        if name is not None:
            out = _joined(out, format(fields[name], spec or ""))
    return out


def _joined(before: str, after: str) -> str:
    if before and after and _script(before[-1]) * _script(after[0]) < 0:
        return f"{before} {after}"
    return before + after


def _script(char: str) -> int:
    """1 for a Thai letter, -1 for a letter, digit or symbol of another script, else 0."""
    if 0x0E01 <= ord(char) <= 0x0E5B:
        return 1
    if char.isspace() or unicodedata.category(char)[0] in "PZC":
        return 0
    return -1


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


def _draft_mark(pdf: ThaiPdf, t: Translator) -> None:
    pdf.use_font(12, bold=True)
    pdf.set_text_color(150)
    pdf.set_xy(pdf.w - RIGHT - 30, 10)
    pdf.cell(30, 6, t("printpack.draft"), border=1, align=Align.C)
    pdf.set_text_color(0)
    pdf.set_y(pdf.t_margin)


def _rule(pdf: ThaiPdf) -> None:
    y = pdf.get_y() + 1
    pdf.line(LEFT, y, pdf.w - RIGHT, y)
    pdf.set_y(y + 2)
