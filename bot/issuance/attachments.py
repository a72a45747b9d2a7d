"""Attachments in the print pack: PDFs appended page for page, images one per page.

Files come from applicants, so each is opened defensively before any page is laid out: a PDF
that pypdf cannot read or that needs a password, or an image Pillow refuses (including its
decompression-bomb guard), becomes a one-page notice asking the officer to print that file
separately, instead of failing the whole pack. Types other than PDF, JPEG and PNG are listed on
the cover as not included.

Images are only looked at (format, size, pixel limit) here; each is decoded when its page is
drawn, turned upright as viewers show it and scaled to print resolution (``images``). A JPEG
that is already small enough goes in as it is (fpdf2 copies the DCT stream).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from enum import StrEnum

from fpdf.enums import Align
from PIL import Image
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from bot.i18n import Translator
from bot.i18n_marker import N_, MsgId
from bot.issuance.images import Header, TooManyPixels, for_print, read_header
from bot.issuance.model import PackAttachment
from bot.issuance.pdfdoc import ThaiPdf

IMAGE_MARGIN = 12.0  # millimetres around an image page
CAPTION_HEIGHT = 7.0
_IMAGE_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG"}


class Kind(StrEnum):
    PDF = "pdf"
    IMAGE = "image"
    FAILED = "failed"  # should have been included; a notice page stands in for it
    SKIPPED = "skipped"  # a type the pack does not print


@dataclass(slots=True)
class Prepared:
    number: int  # 1-based, as listed on the cover
    title: str
    kind: Kind
    pages: int  # pages it takes in the pack
    reason: MsgId | None = None  # why, for FAILED and SKIPPED, in the reader's language
    reason_params: dict[str, object] = field(default_factory=dict)
    reader: PdfReader | None = None
    data: bytes = b""  # an image's file, decoded only while its page is drawn
    header: Header | None = None
    size: tuple[int, int] = (0, 0)
    first_page: int = 0  # 1-based page in the pack, once planned

    def reason_in(self, t: Translator) -> str:
        return t(self.reason, **self.reason_params) if self.reason else ""


def prepare(number: int, attachment: PackAttachment) -> Prepared:
    data, mime = attachment.data, attachment.mime_type.lower()
    title = attachment.title
    if mime == "application/pdf" or data[:1024].lstrip().startswith(b"%PDF"):
        return _prepare_pdf(number, title, data)
    if mime in _IMAGE_TYPES:
        return _prepare_image(number, title, data, _IMAGE_TYPES[mime])
    return Prepared(
        number, title, Kind.SKIPPED, 0, N_("printpack.reason.other_type"), {"mime": mime}
    )


def _failed(number: int, title: str, reason: MsgId, **params: object) -> Prepared:
    return Prepared(number, title, Kind.FAILED, 1, reason, params)


def _prepare_pdf(number: int, title: str, data: bytes) -> Prepared:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            return _failed(number, title, N_("printpack.reason.password"))
        count = len(reader.pages)
        for page in reader.pages:  # touch every page now, not halfway through the merge
            _ = page.mediabox
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError) as error:
        return _failed(
            number, title, N_("printpack.reason.pdf_unreadable"), error=type(error).__name__
        )
    if count == 0:
        return _failed(number, title, N_("printpack.reason.pdf_empty"))
    return Prepared(number, title, Kind.PDF, count, reader=reader)


def _prepare_image(number: int, title: str, data: bytes, expected: str) -> Prepared:
    # Only the header is read here; the image is decoded when its page is drawn, one at a time.
    try:
        header = read_header(data)
        if header.format != expected:
            return _failed(number, title, N_("printpack.reason.wrong_format"), format=expected)
    except TooManyPixels as error:
        return _failed(number, title, N_("printpack.reason.too_many_pixels"), **error.params())
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
        return _failed(
            number, title, N_("printpack.reason.image_unreadable"), error=type(error).__name__
        )
    return Prepared(number, title, Kind.IMAGE, 1, data=data, header=header, size=header.size)


def caption(item: Prepared, t: Translator) -> str:
    return t("printpack.attachment.caption", number=item.number, title=item.title)


def render_image_page(pdf: ThaiPdf, item: Prepared, t: Translator) -> None:
    """One page, landscape for a wide image, the image as large as fits inside the margins.

    The image is decoded, scaled to print resolution and encoded again here, so that only one
    decoded image exists at a time, however many the case has (see ``images``)."""
    assert item.header is not None
    width_px, height_px = item.size
    pdf.add_page(orientation="landscape" if width_px > height_px else "portrait")
    pdf.use_font(10, bold=True)
    pdf.set_xy(IMAGE_MARGIN, IMAGE_MARGIN - 4)
    pdf.cell(pdf.w - 2 * IMAGE_MARGIN, CAPTION_HEIGHT, _fit(pdf, caption(item, t)))
    box_w = pdf.w - 2 * IMAGE_MARGIN
    box_h = pdf.h - 2 * IMAGE_MARGIN - CAPTION_HEIGHT - 4  # room for the footer line
    scale = min(box_w / width_px, box_h / height_px)
    w, h = width_px * scale, height_px * scale
    x = (pdf.w - w) / 2
    y = IMAGE_MARGIN + CAPTION_HEIGHT + (box_h - h) / 2
    try:
        source = for_print(item.data, item.header, (w, h))
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
        # A file whose header reads but whose pixels do not: say so on its page.
        pdf.set_xy(IMAGE_MARGIN, pdf.h / 2)
        reason = t("printpack.reason.image_unreadable", error=type(error).__name__)
        pdf.paragraph(t("printpack.attachment.notice", reason=reason), align=Align.C)
        return
    pdf.image(source, x=x, y=y, w=w, h=h)


def render_notice_page(pdf: ThaiPdf, item: Prepared, t: Translator) -> None:
    pdf.add_page()
    pdf.set_y(60)
    pdf.paragraph(caption(item, t), size=16, bold=True, align=Align.C, space_after=6)
    pdf.paragraph(
        t("printpack.attachment.notice", reason=item.reason_in(t)),
        size=14,
        align=Align.C,
    )


def _fit(pdf: ThaiPdf, text: str) -> str:
    """A caption on one line: the first line of its wrapped form, marked when cut."""
    lines = pdf.wrap(text, pdf.w - 2 * IMAGE_MARGIN - 10)
    return lines[0] + (" …" if len(lines) > 1 else "")
