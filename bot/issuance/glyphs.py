"""Which font draws each character, so that every character of the data is printed.

Sarabun covers Thai and Latin. A foundation's name may carry an emoji, a volunteer's name
Cyrillic or Khmer; fpdf2 silently drops a character its fonts lack, so the pack would lose it
without a trace. The ``manimgx-fonts`` package (PyPI, OFL; Noto Emoji in monochrome, which
prints well on an office's black-and-white printer, Noto Sans Symbols, Noto Sans and Noto Sans
for two dozen scripts) supplies fallbacks. A character no font has becomes a visible
placeholder such as ``[U+2605]``, never nothing.

Only the fallback fonts a text needs are embedded: the cmaps are read once per process (about
0.2 s for all of them) and a pack of Thai and Latin text embeds Sarabun alone.
"""

from __future__ import annotations

import importlib.util
import unicodedata
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

FONT_DIR = Path(__file__).with_name("fonts")
PRIMARY = FONT_DIR / "Sarabun-Regular.ttf"
# Tried in this order; later files serve scripts Sarabun and Noto Sans both lack.
_PREFERRED = ("NotoSans[wght].ttf", "NotoSansSymbols[wght].ttf", "NotoEmoji[wght].ttf")
_SKIPPED = ("NotoSans-Italic[wght].ttf", "NotoSansThai[wght].ttf")  # Sarabun does Thai


def _fallback_dir() -> Path | None:
    spec = importlib.util.find_spec("manimgx_fonts")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


@cache
def _cmap(path: Path) -> frozenset[int]:
    font = TTFont(str(path), lazy=True)
    try:
        return frozenset(font.getBestCmap() or {})
    finally:
        font.close()


@cache
def fallback_fonts() -> tuple[Path, ...]:
    """The fallback font files, in the order they are tried; empty without the package."""
    folder = _fallback_dir()
    if folder is None:
        return ()
    others = sorted(
        p for p in folder.glob("*.ttf") if p.name not in _PREFERRED and p.name not in _SKIPPED
    )
    preferred = [folder / name for name in _PREFERRED if (folder / name).exists()]
    return (*preferred, *others)


def family(path: Path) -> str:
    """The name a fallback font is registered under in a document."""
    return "fb" + "".join(ch for ch in path.stem if ch.isalnum())


def _ignorable(char: str) -> bool:
    # Joiners and variation selectors shape emoji sequences; they have no glyph of their own.
    return unicodedata.category(char) in ("Cf", "Cc") or "\ufe00" <= char <= "\ufe0f"


def placeholder(char: str) -> str:
    return f"[U+{ord(char):04X}]"


@cache
def font_for(char: str) -> Path | None:
    """The font that draws ``char``: Sarabun, a fallback, or None (print a placeholder)."""
    code = ord(char)
    if code in _cmap(PRIMARY):
        return PRIMARY
    for path in fallback_fonts():
        if code in _cmap(path):
            return path
    return None


def needs(text: str) -> tuple[str, set[Path]]:
    """``text`` with every character no font draws replaced by its placeholder, and the
    fallback fonts the rest needs."""
    if text.isascii():
        return text, set()
    out: list[str] = []
    fonts: set[Path] = set()
    for char in text:
        if char.isspace() or _ignorable(char):
            out.append(char)
            continue
        path = font_for(char)
        if path is None:
            out.append(placeholder(char))
        else:
            if path != PRIMARY:
                fonts.add(path)
            out.append(char)
    return "".join(out), fonts
