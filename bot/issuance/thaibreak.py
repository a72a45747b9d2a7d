"""Where a line of mixed Thai and Latin text may break, and greedy filling of lines.

Thai is written without spaces between words, so a line may only break where a word ends, and a
dictionary segmenter has to say where that is. We use PyThaiNLP's ``newmm`` (maximal matching
over its bundled Thai word list, the reference Thai segmenter) on Thai runs only:

- a Latin or digit run (a passport number, "C01X00T47", a date "2569") never breaks inside,
  only at spaces; newmm would cut it into "C|01|X|00|T|47";
- a Thai run touching a Latin run without a space ("พ.ศ.2569", "(Anna") stays glued;
- "ๆ" and "ฯ" (repetition and abbreviation marks) never start a line, and an opening bracket
  never ends one.

The layout itself (``fill_lines``) takes a width function so it knows nothing of PDFs and can
be tested with any measure.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from functools import cache

# PyThaiNLP creates ~/pythainlp-data on import unless told not to; the bot only reads its
# bundled word list, and in the container the home directory is not ours to write.
os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")

from pythainlp.tokenize import word_tokenize

_THAI = re.compile(r"[\u0e00-\u0e7f]+")
# A no-break space (U+00A0) is not a break: it joins "15:45\u00a0น." into one unit.
_RUNS = re.compile(r"[^\S\u00a0]+|[\u0e00-\u0e7f]+|[^\s\u0e00-\u0e7f]+|\u00a0")
_NO_LINE_START = set("ๆฯ)]}.,;:!?%\u201d\u2019")  # closing curly quotes too
_NO_LINE_END = set("([{\u201c\u2018")
# Combining marks (above/below vowels, tone marks) belong to the preceding character.
_COMBINING = re.compile(r"[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")
# Zero-width joiner, variation selectors and skin tones continue an emoji.
_JOINS = re.compile(r"[\u200d\ufe00-\ufe0f\U0001f3fb-\U0001f3ff]")


@cache
def _thai_words(run: str) -> tuple[str, ...]:
    # Cached: the same names, offices and phrases recur on every page of every pack.
    return tuple(word_tokenize(run, engine="newmm", keep_whitespace=True))


def thai_words(text: str) -> list[str]:
    """The segmenter's words of ``text`` (whitespace kept), for tests and diagnostics."""
    return list(_thai_words(text))


def break_units(text: str) -> list[str]:
    """Split ``text`` into pieces between which a line may break; ``"".join`` gives it back.

    Whitespace comes out as pieces of its own, so a line can drop it at its ends.
    """
    pieces: list[str] = []
    for match in _RUNS.finditer(text):
        run = match.group()
        if _THAI.fullmatch(run):
            pieces.extend(_thai_words(run))
        else:
            pieces.append(run)
    units: list[str] = []
    for piece in pieces:
        if units and _glued(units[-1], piece):
            units[-1] += piece
        else:
            units.append(piece)
    return _glue_marks_across_space(units)


def _is_space(unit: str) -> bool:
    """A breaking space run (a no-break space is text that happens to be blank)."""
    return unit.isspace() and "\u00a0" not in unit


def _glued(before: str, after: str) -> bool:
    if _is_space(before) or _is_space(after):
        return False
    if before[-1] == "\u00a0" or after[0] == "\u00a0":
        return True
    thai_before, thai_after = bool(_THAI.match(before[-1])), bool(_THAI.match(after[0]))
    if thai_before != thai_after:
        return True  # Thai touching Latin/digits/punctuation without a space
    return (
        after[0] in _NO_LINE_START or before[-1] in _NO_LINE_END or bool(_COMBINING.match(after[0]))
    )


def _glue_marks_across_space(units: list[str]) -> list[str]:
    # "ต่อไป ๆ", "15:45 น.": Thai style puts a space before ๆ and the time's น., yet neither
    # may begin a line.
    out: list[str] = []
    for unit in units:
        if (unit[0] in "ๆฯ" or unit == "น.") and len(out) >= 2 and _is_space(out[-1]):
            space = out.pop()
            out[-1] += space + unit
        else:
            out.append(unit)
    return out


def fill_lines(
    text: str, width: float, measure: Callable[[str], float], first_width: float | None = None
) -> list[str]:
    """Greedy line filling: as many units per line as fit in ``width`` by ``measure``.

    ``first_width`` is the room on the very first line when it is indented.

    Units are measured one by one and summed (shaping a whole candidate line again for every
    unit would be quadratic; Thai words do not kern across a break). A unit wider than a whole
    line (a long URL) is cut between characters, never before a combining mark. Spaces at line
    ends are dropped; explicit newlines are kept as breaks.
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        first = first_width if first_width is not None and not lines else width
        lines.extend(_fill_paragraph(paragraph, width, measure, first))
    return lines


def _fill_paragraph(
    text: str, width: float, measure: Callable[[str], float], first_width: float
) -> list[str]:
    lines: list[str] = []
    current, current_width, pending_space, space_width = "", 0.0, "", 0.0
    for unit in break_units(text):
        if _is_space(unit):
            if current:
                pending_space, space_width = unit, measure(unit)
            continue
        unit_width = measure(unit)
        limit = width if lines else first_width
        if current and current_width + space_width + unit_width <= limit:
            current += pending_space + unit
            current_width += space_width + unit_width
        else:
            if current:
                lines.append(current)
            limit = width if lines else first_width
            parts = _cut_to_width(unit, limit, measure)
            lines.extend(parts[:-1])
            current = parts[-1]
            current_width = measure(current) if len(parts) > 1 else unit_width
        pending_space, space_width = "", 0.0
    if current or not lines:
        lines.append(current)
    return lines


def _cut_to_width(unit: str, width: float, measure: Callable[[str], float]) -> list[str]:
    if measure(unit) <= width:
        return [unit]
    # Summing the clusters' widths (not measuring the growing line again for each) keeps a
    # thousand dots in a row linear.
    parts: list[str] = []
    current, current_width = "", 0.0
    for cluster in clusters(unit):
        cluster_width = measure(cluster)
        if current and current_width + cluster_width > width:
            parts.append(current)
            current, current_width = "", 0.0
        current += cluster
        current_width += cluster_width
    parts.append(current)
    return parts


def clusters(text: str) -> list[str]:
    """Characters with their combining marks (and emoji joiners, variation selectors)."""
    found: list[str] = []
    for char in text:
        if found and (_COMBINING.match(char) or _JOINS.match(char) or found[-1][-1] == "\u200d"):
            found[-1] += char
        else:
            found.append(char)
    return found
