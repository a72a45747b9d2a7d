"""An A4 fpdf2 document that sets Thai correctly: Sarabun, HarfBuzz shaping, word-aware lines.

fpdf2's own ``multi_cell`` wraps only at spaces and would cut Thai words anywhere, so every
paragraph and table cell goes through ``thaibreak.fill_lines`` and is then written line by line
with ``cell``; shaping (``set_text_shaping``) places vowels and tone marks through HarfBuzz and
Sarabun's GPOS tables instead of fpdf2's plain glyph-by-glyph output.

Margins follow the Thai government letter layout (left 3 cm, right 2 cm).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos
from pypdf import PdfWriter

from bot.issuance.thaibreak import fill_lines
from bot.issuance.tounicode import patched_pages

FONT_DIR = Path(__file__).with_name("fonts")
FAMILY = "Sarabun"
LEFT, RIGHT, TOP, BOTTOM = 30.0, 20.0, 20.0, 18.0
PT = 25.4 / 72  # millimetres per point
LEADING = 1.5  # line height / font size: room for Thai marks stacked above and below
BODY = 13.0  # Sarabun 13 pt matches the old TH Sarabun 16 pt of government letters


@dataclass(frozen=True, slots=True)
class Column:
    width: float  # millimetres
    bold: bool = False


class ThaiPdf(FPDF):
    """Portrait A4 in millimetres with Sarabun regular and bold registered."""

    def __init__(self, footer_text: str = "") -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.add_font(FAMILY, "", str(FONT_DIR / "Sarabun-Regular.ttf"))
        self.add_font(FAMILY, "B", str(FONT_DIR / "Sarabun-Bold.ttf"))
        self.set_text_shaping(True)
        self.set_margins(LEFT, TOP, RIGHT)
        self.set_auto_page_break(False)  # we break pages ourselves, per line and per row
        self.footer_text = footer_text
        # Page numbers of the whole pack (attachment pages included), set by the pack builder.
        self.page_labels: dict[int, str] = {}
        self._measure_cache: dict[tuple[str, float, bool, str], float] = {}

    def to_bytes(self) -> bytes:
        """The PDF with text that copies out as typed (see ``tounicode``)."""
        writer = PdfWriter()
        for page in patched_pages(self):
            writer.add_page(page)
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    def footer(self) -> None:
        label = self.page_labels.get(self.page, "")
        if not (self.footer_text or label):
            return
        self.use_font(9)
        self.set_text_color(90)
        self.set_xy(LEFT, self.h - 12)
        self.cell(self.content_width / 2, 5, self.footer_text)
        self.cell(self.content_width / 2, 5, label, align=Align.R)
        self.set_text_color(0)

    @property
    def content_width(self) -> float:
        return self.w - LEFT - RIGHT

    @property
    def bottom_limit(self) -> float:
        return self.h - BOTTOM

    def use_font(self, size: float, bold: bool = False) -> None:
        self.set_font(FAMILY, "B" if bold else "", size)

    def line_height(self) -> float:
        return self.font_size_pt * PT * LEADING

    def measure(self, text: str) -> float:
        key = (text, self.font_size_pt, "B" in self.font_style, self.font_family)
        width = self._measure_cache.get(key)
        if width is None:
            width = self._measure_cache[key] = self.get_string_width(text)
        return width

    def wrap(self, text: str, width: float) -> list[str]:
        # cell() pads text by c_margin on each side.
        return fill_lines(text, width - 2 * self.c_margin, self.measure)

    def ensure_room(self, height: float) -> None:
        if self.get_y() + height > self.bottom_limit:
            self.add_page()

    def paragraph(
        self,
        text: str,
        *,
        size: float = BODY,
        bold: bool = False,
        indent: float = 0,
        first_indent: float = 0,
        align: Align = Align.L,
        space_after: float = 0,
    ) -> None:
        """Wrapped text from the current y; ``first_indent`` is the Thai paragraph indent."""
        self.use_font(size, bold)
        height = self.line_height()
        width = self.content_width - indent
        pad = 2 * self.c_margin
        lines = fill_lines(text, width - pad, self.measure, first_width=width - first_indent - pad)
        for number, line in enumerate(lines):
            self.ensure_room(height)
            offset = first_indent if number == 0 else 0
            self.set_x(LEFT + indent + offset)
            self.cell(
                width - offset, height, line, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT
            )
        self.set_y(self.get_y() + space_after)

    def labelled(self, label: str, text: str, *, size: float = BODY, gap: float = 2.0) -> None:
        """``label`` in bold, then ``text`` wrapped with its later lines under its first."""
        self.use_font(size, bold=True)
        label_width = self.measure(label) + 2 * self.c_margin + gap
        top = self.get_y()
        self.ensure_room(self.line_height())
        if self.get_y() != top:
            top = self.get_y()
        self.set_xy(LEFT, top)
        self.cell(label_width, self.line_height(), label)
        self.set_y(top)
        self.paragraph(text, size=size, indent=label_width)

    def centered_lines(
        self, lines: Sequence[str], *, center_x: float, size: float = BODY, bold: bool = False
    ) -> None:
        """Lines centred on ``center_x`` (signature blocks sit centred in the right half)."""
        self.use_font(size, bold)
        height = self.line_height()
        width = 2 * min(center_x - LEFT, self.w - RIGHT - center_x)
        for text in lines:
            for line in self.wrap(text, width):
                self.ensure_room(height)
                self.set_x(center_x - width / 2)
                self.cell(width, height, line, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def row(self, cells: Sequence[str], columns: Sequence[Column], size: float = 11) -> None:
        """One table row: every cell wrapped in its column, borders drawn, page break before."""
        self.use_font(size)
        height = self.line_height()
        wrapped: list[list[str]] = []
        for text, column in zip(cells, columns, strict=True):
            self.use_font(size, column.bold)
            wrapped.append(self.wrap(text, column.width))
        row_height = max(len(lines) for lines in wrapped) * height + 1.5
        self.ensure_room(row_height)
        top, x = self.get_y(), LEFT
        for lines, column in zip(wrapped, columns, strict=True):
            self.use_font(size, column.bold)
            self.rect(x, top, column.width, row_height)
            for number, line in enumerate(lines):
                self.set_xy(x, top + 0.75 + number * height)
                self.cell(column.width, height, line)
            x += column.width
        self.set_xy(LEFT, top + row_height)
