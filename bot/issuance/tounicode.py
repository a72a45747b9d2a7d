"""Keep Thai text copyable: give shaping's extra glyphs an empty ToUnicode entry.

HarfBuzz's Thai shaper splits SARA AM (ำ) into two glyphs, NIKHAHIT and SARA AA, so that a tone
mark can sit between them ("น้ำ"). fpdf2 maps the first glyph of the cluster to "ำ" and leaves
the second without a ToUnicode entry, and text extractors then emit its raw code: "คำ" copies
as "คำ\\x07". Mapping such glyphs to the empty string makes extraction (pypdf, and anything
copying text out of the pack into a letter) give the text as typed.

fpdf2 numbers a font's glyphs itself; we read which glyphs it left unmapped from its subset
(``subset.items()``) and patch the font's ``/ToUnicode`` CMap in the written file with pypdf.
"""

from __future__ import annotations

import io

from fpdf import FPDF
from fpdf.fonts import TTFFont
from pypdf import PageObject, PdfReader
from pypdf.generic import DictionaryObject, StreamObject


def patched_pages(pdf: FPDF) -> list[PageObject]:
    """The document's pages, read back with pypdf, with unmapped glyphs mapped to nothing."""
    pages = list(PdfReader(io.BytesIO(bytes(pdf.output()))).pages)
    map_to_nothing(pages, unmapped_codes(pdf))
    return pages


def unmapped_codes(pdf: FPDF) -> dict[str, list[int]]:
    """Per font resource name ("/F1"): the character codes fpdf2 wrote without a ToUnicode."""
    found: dict[str, list[int]] = {}
    for font in pdf.fonts.values():
        if isinstance(font, TTFFont):
            codes = [code for glyph, code in font.subset.items() if glyph and not glyph.unicode]
            if codes:
                found[f"/F{font.i}"] = sorted(codes)
    return found


def map_to_nothing(pages: list[PageObject], codes: dict[str, list[int]]) -> None:
    """Add ``<code> <>`` entries to the ToUnicode CMaps of the fonts named in ``codes``."""
    if not codes:
        return
    done: set[int] = set()
    for page in pages:
        fonts = page.get("/Resources", DictionaryObject()).get_object().get("/Font")
        if fonts is None:
            continue
        for name, ref in fonts.get_object().items():
            font = ref.get_object()
            cmap = font.get("/ToUnicode")
            if name not in codes or cmap is None or id(cmap.get_object()) in done:
                continue
            stream = cmap.get_object()
            assert isinstance(stream, StreamObject)
            done.add(id(stream))
            block = "".join(f"<{code:04X}> <>\n" for code in codes[name])
            text = stream.get_data().decode("latin-1")
            extra = f"{len(codes[name])} beginbfchar\n{block}endbfchar\nendcmap"
            stream.set_data(text.replace("endcmap", extra, 1).encode("latin-1"))
