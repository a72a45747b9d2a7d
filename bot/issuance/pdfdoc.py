"""An A4 fpdf2 document that sets Thai correctly: Sarabun, HarfBuzz shaping, word-aware lines.

fpdf2's own ``multi_cell`` wraps only at spaces and would cut Thai words anywhere, so every
paragraph and table cell goes through ``thaibreak.fill_lines`` and is then written line by line
with ``cell``; shaping (``set_text_shaping``) places vowels and tone marks through HarfBuzz and
Sarabun's GPOS tables instead of fpdf2's plain glyph-by-glyph output.

Margins follow the Thai government letter layout (left 3 cm, right 2 cm).

What a reader copies out of the PDF must be what is printed. Shaping moves Thai marks left
of the pen position, and text extractors that order characters by position (pdfium, poppler)
then emit "เร่องื" for "เรื่อง"; every line is therefore wrapped in a marked-content span whose
``/ActualText`` is the line as typed, which those extractors use instead (pypdf reads the
glyphs in order and gets the same text through the ToUnicode map, see ``tounicode``).

Characters Sarabun lacks (emoji, symbols, other scripts) are drawn from fallback fonts or shown
as a visible placeholder (``glyphs``).
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos
from pypdf import PdfWriter

from bot.issuance import glyphs
from bot.issuance.thaibreak import clusters, fill_lines
from bot.issuance.tounicode import patched_pages

# fontTools logs some 60 INFO lines per pack while subsetting; only problems are worth a line.
for _name in ("fontTools", "fpdf"):
    logging.getLogger(_name).setLevel(logging.WARNING)

FONT_DIR = glyphs.FONT_DIR
FAMILY = "Sarabun"
LEFT, RIGHT, TOP, BOTTOM = 30.0, 20.0, 20.0, 18.0
PT = 25.4 / 72  # millimetres per point
LEADING = 1.5  # line height / font size: room for Thai marks stacked above and below
BODY = 13.0  # Sarabun 13 pt matches the old TH Sarabun 16 pt of government letters
# fpdf2's bidi pass recurses once per neutral character (dots, emoji) in a row; measure longer
# strings in pieces (lines themselves are never this long).
MEASURE_CHUNK = 200
# Thai marks and SARA AM: what shaping moves or splits, so what needs an /ActualText span.
_SHAPED_THAI = re.compile("[\u0e31\u0e33-\u0e3a\u0e47-\u0e4e]")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
# Emoji with their joiners, variation selectors and skin tones.
_ASTRAL_RUNS = re.compile(
    "([\U00010000-\U0010ffff](?:[\u200d\ufe0e\ufe0f]*[\U00010000-\U0010ffff])*[\ufe0e\ufe0f]?)"
)


@dataclass(frozen=True, slots=True)
class Column:
    width: float  # millimetres
    bold: bool = False


class ThaiPdf(FPDF):
    """Portrait A4 in millimetres with Sarabun regular and bold registered."""

    def __init__(self, footer: Callable[[int], tuple[str, str]] | None = None) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.add_font(FAMILY, "", str(FONT_DIR / "Sarabun-Regular.ttf"))
        self.add_font(FAMILY, "B", str(FONT_DIR / "Sarabun-Bold.ttf"))
        self.set_text_shaping(True)
        self.set_margins(LEFT, TOP, RIGHT)
        self.set_auto_page_break(False)  # we break pages ourselves, per line and per row
        # Left and right footer text of a page, by its number in this document (the pack
        # builder's: tracking number, and the page's number in the whole pack).
        self.footer_for = footer
        self._measure_cache: dict[tuple[str, float, bool, str], float] = {}
        self._fallbacks: list[str] = []

    def printable(self, text: str) -> str:
        """``text`` as it will be printed: placeholders for what no font draws; fallback fonts
        registered for what Sarabun lacks."""
        shown, fonts = glyphs.needs(text)
        added = False
        for path in sorted(fonts):
            name = glyphs.family(path)
            if name not in self._fallbacks:
                self.add_font(name, "", str(path))
                self._fallbacks.append(name)
                added = True
        if added:
            self.set_fallback_fonts(self._fallbacks, exact_match=False)
        return shown

    def cell(
        self,
        w: float | None = None,
        h: float | None = None,
        text: str = "",
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        if not text:
            return bool(super().cell(w, h, text, *args, **kwargs))
        text = self.printable(text)
        if not _ASTRAL.search(text):
            with self._actual_text(text):
                return bool(super().cell(w, h, text, *args, **kwargs))
        # pdfium drops characters beyond U+FFFF (emoji) from an /ActualText span, so those
        # runs are drawn outside any span (their ToUnicode entries are right: no marks to
        # reorder) and the rest inside, piece by piece where the whole line would have been.
        x, y = self.get_x(), self.get_y()
        width = w if w else self.w - self.r_margin - x
        height = self.line_height() if h is None else h
        align = kwargs.get("align", Align.L)
        room = width - self.get_string_width(text) - 2 * self.c_margin
        start = x + {Align.C: room / 2, Align.R: room}.get(Align.coerce(align), 0.0)
        for piece in _ASTRAL_RUNS.split(text):
            if not piece:
                continue
            piece_width = self.get_string_width(piece) + 2 * self.c_margin
            self.set_xy(start, y)
            if _ASTRAL.search(piece):
                super().cell(piece_width, height, piece)
            else:
                with self._actual_text(piece):
                    super().cell(piece_width, height, piece)
            start += piece_width - 2 * self.c_margin
        self.set_xy(x, y)  # borders and where the cursor goes next, as asked
        return bool(super().cell(w, h, "", *args, **kwargs))

    @contextmanager
    def _actual_text(self, text: str) -> Iterator[None]:
        if not _SHAPED_THAI.search(text):
            # Nothing an extractor could reorder; and pdfium reads a lone "-" in a span as a
            # line-end hyphen (U+FFFE).
            yield
            return
        actual = "FEFF" + text.encode("utf-16-be").hex().upper()
        self._out(f"/Span <</ActualText <{actual}>>> BDC")
        yield
        self._out("EMC")

    def to_bytes(self) -> bytes:
        """The PDF with text that copies out as typed (see ``tounicode``)."""
        writer = PdfWriter()
        for page in patched_pages(self):
            writer.add_page(page)
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    def footer(self) -> None:
        if self.footer_for is None:
            return
        left, right = self.footer_for(self.page)
        self.use_font(9)
        self.set_text_color(90)
        self.set_xy(LEFT, self.h - 12)
        self.cell(self.content_width / 2, 5, left)
        self.cell(self.content_width / 2, 5, right, align=Align.R)
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
            if len(text) > MEASURE_CHUNK:
                width = sum(self.measure(piece) for piece in _pieces(text))
            else:
                width = self.get_string_width(self.printable(text))
            self._measure_cache[key] = width
        return width

    def wrap(self, text: str, width: float) -> list[str]:
        # cell() pads text by c_margin on each side.
        return fill_lines(self.printable(text), width - 2 * self.c_margin, self.measure)

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
        text = self.printable(text)
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
        """One table row: every cell wrapped in its column, borders drawn, page break before;
        a row taller than a page (a thousand emoji in one field) goes on over the next."""
        self.use_font(size)
        height = self.line_height()
        wrapped: list[list[str]] = []
        for text, column in zip(cells, columns, strict=True):
            self.use_font(size, column.bold)
            wrapped.append(self.wrap(text, column.width))
        count = max(len(lines) for lines in wrapped)
        self.ensure_room(count * height + 1.5)
        done = 0
        while True:
            fit = max(1, int((self.bottom_limit - self.get_y() - 1.5) // height))
            shown = min(fit, count - done)
            self._row_part([lines[done : done + shown] for lines in wrapped], columns, size)
            done += shown
            if done >= count:
                return
            self.add_page()

    def _row_part(self, parts: list[list[str]], columns: Sequence[Column], size: float) -> None:
        height = self.line_height()
        row_height = max(1, max(len(lines) for lines in parts)) * height + 1.5
        top, x = self.get_y(), LEFT
        for lines, column in zip(parts, columns, strict=True):
            self.use_font(size, column.bold)
            self.rect(x, top, column.width, row_height)
            for number, line in enumerate(lines):
                self.set_xy(x, top + 0.75 + number * height)
                self.cell(column.width, height, line)
            x += column.width
        self.set_xy(LEFT, top + row_height)


def _pieces(text: str) -> list[str]:
    """``text`` in pieces of at most about ``MEASURE_CHUNK`` characters, marks kept with
    their letters."""
    pieces, current = [], ""
    for cluster in clusters(text):
        if len(current) + len(cluster) > MEASURE_CHUNK and current:
            pieces.append(current)
            current = ""
        current += cluster
    pieces.append(current)
    return pieces
