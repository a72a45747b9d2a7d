"""A pack too big for one Telegram upload, as numbered parts that each fit.

The public Bot API takes files up to 50 MB (``sendDocument`` answers 413 above); a self-hosted
Bot API server takes more, hence the limit is a setting. Images are already scaled to print
resolution (``images``), so a pack this large is made of applicants' PDFs: those pages are
kept as they are and the pack is cut between pages, the pieces as large as fit. One page alone
over the limit cannot be cut: ``PageTooLarge`` says which, for the officer.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter


@dataclass(frozen=True, slots=True)
class Part:
    data: bytes
    first_page: int  # 1-based, in the whole pack
    last_page: int


class PageTooLarge(ValueError):
    def __init__(self, page: int, size: int, limit: int) -> None:
        super().__init__(f"page {page} alone is {size} bytes, over the {limit} byte limit")
        self.page, self.size, self.limit = page, size, limit


def split_pack(pdf: bytes, limit: int) -> list[Part]:
    """``pdf`` as one part if it fits in ``limit`` bytes, else as consecutive page ranges
    that each do."""
    reader = PdfReader(io.BytesIO(pdf))
    count = len(reader.pages)
    if len(pdf) <= limit:
        return [Part(pdf, 1, count)]
    parts: list[Part] = []
    first = 0
    while first < count:
        part = _largest_fitting(reader, first, count, limit)
        parts.append(part)
        first = part.last_page
    return parts


def _largest_fitting(reader: PdfReader, first: int, count: int, limit: int) -> Part:
    """The longest run of pages from ``first`` (0-based) that fits: binary search on its end,
    each try written out (a part's size depends on the fonts and images its pages share)."""
    best: Part | None = None
    low, high = first + 1, count
    while low <= high:
        end = (low + high) // 2
        data = _write(reader, first, end)
        if len(data) <= limit:
            best = Part(data, first + 1, end)
            low = end + 1
        else:
            high = end - 1
    if best is None:
        raise PageTooLarge(first + 1, len(_write(reader, first, first + 1)), limit)
    return best


def _write(reader: PdfReader, start: int, end: int) -> bytes:
    writer = PdfWriter()
    for index in range(start, end):
        writer.add_page(reader.pages[index])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
