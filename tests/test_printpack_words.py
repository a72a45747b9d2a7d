"""Every word of the print pack comes from the catalogs, in Thai and in English.

Two nets: the pack is built for a Thai and an English officer, with every kind of attachment
notice, and any message id the catalogs lack is caught as the translator logs it; and no module
that draws the pack holds a Thai string literal of its own (office wording lives in
``office.toml``, the sample case's data in ``sample.py``).
"""

from __future__ import annotations

import ast
import io
import logging
import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from bot.config import REPO_ROOT
from bot.i18n import Catalogs, load_catalogs
from bot.issuance.model import PackAttachment
from bot.issuance.printpack import build_print_pack
from bot.issuance.sample import sample_image, sample_pack

ISSUANCE = REPO_ROOT / "bot" / "issuance"
# Thai consonants: a word has one; a character class of marks (pdfdoc's shaping rules) not.
THAI = re.compile(r"[\u0e01-\u0e2e]")
# Thai text that is not wording: the made-up case of tests and samples, and the line-break
# rules about Thai characters (ๆ, ฯ, "น.").
NOT_WORDING = {"sample.py", "thaibreak.py"}

EVERY_NOTICE = (
    PackAttachment(title="broken", mime_type="application/pdf", data=b"%PDF-1.7 broken"),
    PackAttachment(title="not a png", mime_type="image/png", data=b"not a png at all"),
    PackAttachment(title="jpeg as png", mime_type="image/png", data=sample_image(60, 80, "JPEG")),
    PackAttachment(title="word", mime_type="application/msword", data=b"doc"),
    PackAttachment(title="photo", mime_type="image/jpeg", data=sample_image(60, 80, "JPEG")),
)


def missing_words(catalogs: Catalogs, caplog: pytest.LogCaptureFixture) -> set[str]:
    """The message ids a Thai and an English officer's packs asked for and did not find."""
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="bot.i18n"):
        for lang in ("th", "en"):
            build_print_pack(
                sample_pack(attachments=EVERY_NOTICE), catalogs.for_language(lang), catalogs
            )
    found = set()
    for record in caplog.records:
        match = re.search(r"message id '([^']+)' is missing", record.getMessage())
        if match:
            found.add(match.group(1))
        assert "could not be formatted" not in record.getMessage(), record.getMessage()
        assert "no value for placeholder" not in record.getMessage(), record.getMessage()
    return found


def test_every_word_of_the_pack_is_in_both_catalogs(caplog: pytest.LogCaptureFixture) -> None:
    assert missing_words(load_catalogs(REPO_ROOT / "locales"), caplog) == set()


def test_a_word_missing_from_the_catalogs_is_caught(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    locales = tmp_path / "locales"
    shutil.copytree(REPO_ROOT / "locales", locales)
    for lang in ("th", "en"):
        po = locales / lang / "LC_MESSAGES" / "printpack.po"
        text = po.read_text(encoding="utf-8")
        entry = re.search(r'msgid "printpack\.draft"\nmsgstr "[^"]*"\n', text)
        assert entry is not None
        po.write_text(text.replace(entry.group(), ""), encoding="utf-8")
    assert missing_words(load_catalogs(locales), caplog) == {"printpack.draft"}


def _thai_literals(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        f"{path.name}:{node.lineno}: {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and THAI.search(node.value)
    ]


def test_no_module_drawing_the_pack_holds_thai_wording_of_its_own() -> None:
    modules = sorted(p for p in ISSUANCE.glob("*.py") if p.name not in NOT_WORDING)
    assert modules
    found = [literal for path in modules for literal in _thai_literals(path)]
    assert found == [], "move these into locales/*/LC_MESSAGES/printpack.po:\n" + "\n".join(found)


def test_an_english_officer_gets_an_english_cover_and_the_thai_memo(
    caplog: pytest.LogCaptureFixture,
) -> None:
    catalogs = load_catalogs(REPO_ROOT / "locales")
    pdf = build_print_pack(sample_pack(attachments=()), catalogs.for_language("en"), catalogs)
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    cover = pages[0]
    assert "Summary of the application" in cover
    assert "Nationality Germany" in cover
    assert "Date of birth 14 March 1998" in cover
    memo = next(text for text in pages if "บันทึกข้อความ" in text)
    assert "เรื่อง" in memo and "Subject:" not in memo
    assert "Certificate" in pages[-1] and "Subject:" in pages[-1]
