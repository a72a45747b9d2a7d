"""The print pack: one PDF the officer prints for the governor's signature.

Cover summary, draft memo (บันทึกข้อความ), draft certificate (one per language in the config's
``[certificate.*]``), then every PDF or image attachment on pages of its own.

Libraries, and why each earns its place (installed sizes, CPython 3.11 x86-64 wheels; all
install with pip alone, no system packages):

- ``fpdf2`` (3 MB; brings Pillow 22 MB and fontTools 30 MB): writes the pages, embeds Sarabun
  as a subset, copies JPEGs in without re-encoding, and drives HarfBuzz. ReportLab has no
  HarfBuzz shaping, so Thai marks would collide; WeasyPrint needs Pango from apt.
- ``uharfbuzz`` (5 MB): the shaping engine behind ``set_text_shaping(True)``; without it
  above/below vowels and tone marks are drawn at fixed offsets and overlap ("ที่", "ผู้").
- ``pythainlp`` (67 MB, no dependencies; most of it is corpora we never load, the word list we
  use is 1.5 MB): its ``newmm`` segmenter finds Thai word boundaries for line breaks. Also
  considered: ICU's line breaker via ``icu4py`` (42 MB) cuts loanwords inside ("แอ|น|นา",
  "ประ|กาศ"); ``nlpo3`` (4 MB, newmm in Rust) ships no dictionary, so we would vendor and keep
  up a word list; ``newmm-tokenizer`` (2 MB) has had no release since 2022.
- ``pypdf`` (4 MB, pure Python): reads applicants' PDFs and appends their pages; a malformed
  upload raises an exception instead of crashing the process as a C parser could.
- ``manimgx-fonts`` (7 MB of Noto fonts, OFL): fallbacks for emoji, symbols and scripts
  Sarabun lacks (``glyphs``); ``python-docx`` (pure Python): the editable ``.docx``
  (``wordfile``).

Generation is CPU-bound (about 0.5 s for 20 MB of photos and PDFs, 1.2 s for one 18 MB PNG,
see ``bench/print_pack.py``): ``build_print_pack_async`` runs it in
a worker thread (or an executor you pass, e.g. a process pool) so the event loop keeps serving
other users. ``bench/print_pack.py`` measures both.
"""

from __future__ import annotations

import asyncio
import io
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import tzinfo
from functools import cache
from pathlib import Path

from pypdf import PdfWriter

from bot.i18n import Catalogs, Translator, load_catalogs
from bot.issuance.attachments import (
    Kind,
    Prepared,
    prepare,
    render_image_page,
    render_notice_page,
)
from bot.issuance.documents import render_certificate, render_cover, render_memo
from bot.issuance.model import (
    FoundationInfo,
    HistoryEntry,
    PackAttachment,
    PrintPackInput,
    VolunteerInfo,
)
from bot.issuance.pdfdoc import ThaiPdf
from bot.issuance.tounicode import patched_pages

__all__ = [
    "FoundationInfo",
    "HistoryEntry",
    "PackAttachment",
    "PrintPackInput",
    "VolunteerInfo",
    "build_print_pack",
    "build_print_pack_async",
]


def build_print_pack(pack: PrintPackInput, t: Translator, catalogs: Catalogs) -> bytes:
    """The whole pack as PDF bytes (blocking; see ``build_print_pack_async``).

    The cover, captions and notices are in ``t``'s language (the officer's); the memo is Thai and
    each certificate in its own language, whoever asks, so ``catalogs`` gives those translators.
    """
    items = [prepare(n, a) for n, a in enumerate(pack.attachments, start=1)]
    # The cover lists each attachment's pages in the pack, which depend on how long the front
    # matter is: lay it out once to count, then for real (a second pass only if numbers grew).
    front = _front_matter(pack, items, _Footers(pack, 0), t, catalogs).pages_count
    for _ in range(4):
        footers = _Footers(pack, _plan(items, front))
        pdf = _front_matter(pack, items, footers, t, catalogs)
        if pdf.pages_count == front:
            break
        front = pdf.pages_count
    else:
        raise RuntimeError("print pack layout did not settle")
    _own_pages_for_attachments(pdf, items, footers, t)
    return _assemble(pdf, front, items)


async def build_print_pack_async(
    pack: PrintPackInput,
    t: Translator,
    catalogs: Catalogs,
    executor: Executor | None = None,
) -> bytes:
    """``build_print_pack`` off the event loop: in a thread, or in ``executor`` if given."""
    if executor is None:
        return await asyncio.to_thread(build_print_pack, pack, t, catalogs)
    # Translators do not pickle (gettext's plural function): a worker process loads the same
    # catalogs itself, once, and is told only the language.
    locales, loop = catalogs.path("th").parents[2], asyncio.get_running_loop()
    job = (pack, t.lang, locales, catalogs.tz)
    return await loop.run_in_executor(executor, _build_in_worker, *job)


@cache
def _worker_catalogs(locales: Path, tz: tzinfo) -> Catalogs:
    return load_catalogs(locales, tz=tz)


def _build_in_worker(pack: PrintPackInput, lang: str, locales: Path, tz: tzinfo) -> bytes:
    catalogs = _worker_catalogs(locales, tz)
    return build_print_pack(pack, catalogs.for_language(lang), catalogs)


@dataclass
class _Footers:
    """Each page's footer, in the language of the document on it: the English certificate's
    pages say "Page 4/8", the rest the officer's words; numbers are the whole pack's."""

    pack: PrintPackInput
    total: int  # pages in the whole pack; 0 while the front matter is only being counted
    pack_pages: dict[int, int] = field(default_factory=dict)  # own page -> page in the pack
    languages: list[tuple[int, Translator]] = field(default_factory=list)

    def from_next_page(self, pdf: ThaiPdf, t: Translator) -> None:
        """Pages added from now on are in ``t``'s language (the current one's footer is not
        yet drawn: fpdf2 draws it when the next page is added)."""
        self.languages.append((pdf.page + 1, t))

    def __call__(self, page: int) -> tuple[str, str]:
        t = next(t for start, t in reversed(self.languages) if start <= page)
        p = self.pack
        left = t("printpack.footer", tracking_no=p.tracking_no, receipt_no=p.receipt_no)
        number = self.pack_pages.get(page, page)
        right = t("printpack.page_label", page=number, total=self.total) if self.total else ""
        return left, right


def _front_matter(
    pack: PrintPackInput,
    items: list[Prepared],
    footers: _Footers,
    t: Translator,
    catalogs: Catalogs,
) -> ThaiPdf:
    pdf = ThaiPdf(footer=footers)
    footers.from_next_page(pdf, t)
    render_cover(pdf, pack, items, t)
    thai = catalogs.for_language("th")
    footers.from_next_page(pdf, thai)
    render_memo(pdf, pack, thai)
    for lang in ("th", "en"):
        if lang in pack.certificate:
            certificate = catalogs.for_language(lang)
            footers.from_next_page(pdf, certificate)
            render_certificate(pdf, pack, certificate)
    return pdf


def _plan(items: list[Prepared], front_pages: int) -> int:
    """Give every attachment its first page in the pack; return the pack's page count."""
    page = front_pages + 1
    for item in items:
        item.first_page = page
        page += item.pages
    return page - 1


def _own_pages_for_attachments(
    pdf: ThaiPdf, items: list[Prepared], footers: _Footers, t: Translator
) -> None:
    # Image and notice pages are drawn by fpdf2 after the front matter; their footers need the
    # page number they will have once the PDF attachments are slotted in between.
    footers.from_next_page(pdf, t)
    for item in items:
        if item.kind in (Kind.IMAGE, Kind.FAILED):
            footers.pack_pages[pdf.pages_count + 1] = item.first_page
            if item.kind is Kind.IMAGE:
                render_image_page(pdf, item, t)
            else:
                render_notice_page(pdf, item, t)


def _assemble(pdf: ThaiPdf, front: int, items: list[Prepared]) -> bytes:
    own = patched_pages(pdf)
    writer = PdfWriter()
    for page in own[:front]:
        writer.add_page(page)
    next_own = front
    for item in items:
        if item.kind is Kind.PDF:
            assert item.reader is not None
            for page in item.reader.pages:
                writer.add_page(page)
        elif item.kind in (Kind.IMAGE, Kind.FAILED):
            writer.add_page(own[next_own])
            next_own += 1
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
