"""The print pack: pages in order, Thai text extractable, lines broken only between words."""

from __future__ import annotations

import io
import shutil
import subprocess
from concurrent.futures import ProcessPoolExecutor
from itertools import accumulate
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from PIL import Image
from pypdf import PdfReader, PdfWriter

from bot.issuance.model import PackAttachment, PrintPackInput
from bot.issuance.pdfdoc import FONT_DIR, ThaiPdf
from bot.issuance.printpack import build_print_pack, build_print_pack_async
from bot.issuance.sample import sample_catalogs, sample_image, sample_pack, sample_pdf
from bot.issuance.thaibreak import break_units, fill_lines, thai_words

# The front matter: the cover (one page or more), the memo, the Thai and English certificate
# drafts. The sample case then has a 2-page PDF, a portrait JPEG and a landscape PNG.
ATTACHMENT_PAGES = 2 + 1 + 1

LONG_THAI = (
    "ข้อความภาษาไทยที่ยาวมากโดยไม่มีการเว้นวรรคเพื่อทดสอบการตัดบรรทัดระหว่างคำเท่านั้นไม่ใช่"
    "กลางคำซึ่งเป็นสิ่งสำคัญสำหรับเอกสารราชการที่เจ้าหน้าที่ต้องพิมพ์เสนอผู้ว่าราชการจังหวัด"
    "ลงนามในหนังสือรับรองการปฏิบัติงานของอาสาสมัครต่างประเทศที่ทำงานในมูลนิธิและสมาคม"
    "ทั่วประเทศไทยโดยเจ้าหน้าที่กรมพัฒนาสังคมและสวัสดิการจะตรวจสอบเอกสารหลักฐานทุกฉบับ"
    "อย่างละเอียดก่อนเสนอความเห็นประกอบการพิจารณาของผู้มีอำนาจลงนาม"
)


def _build(pack: PrintPackInput, lang: str = "th") -> bytes:
    catalogs = sample_catalogs()
    return build_print_pack(pack, catalogs.for_language(lang), catalogs)


@pytest.fixture(scope="module")
def pack_pdf() -> bytes:
    return _build(sample_pack())


@pytest.fixture(scope="module")
def pages_text(pack_pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pack_pdf)).pages]


def _cover_pages(texts: list[str]) -> int:
    return next(i for i, text in enumerate(texts) if "บันทึกข้อความ" in text)


def test_pack_has_front_matter_then_every_attachment_page(pages_text: list[str]) -> None:
    cover = _cover_pages(pages_text)
    assert cover in (1, 2)
    memo, cert_th, cert_en, *attachments = pages_text[cover:]
    assert len(attachments) == ATTACHMENT_PAGES
    assert "สรุปคำขอหนังสือรับรอง" in pages_text[0]
    assert "เรียน ผู้ว่าราชการจังหวัดเชียงใหม่" in memo
    assert "หนังสือรับรอง" in cert_th and "ผู้ว่าราชการจังหวัดเชียงใหม่" in cert_th
    assert "Certificate" in cert_en and "Governor of Chiang Mai" in cert_en
    # The applicant's PDF pages come through as they were, in order, then the images.
    assert "Passport copy — page 1 of 2" in attachments[0]
    assert "Passport copy — page 2 of 2" in attachments[1]
    assert "เอกสารแนบ 2: รูปถ่ายอาสาสมัคร" in attachments[2]
    assert "เอกสารแนบ 3: หนังสือรับรองการจดทะเบียนมูลนิธิ" in attachments[3]


def test_cover_summarises_the_case_in_thai_with_buddhist_era_dates(pages_text: list[str]) -> None:
    front = _cover_pages(pages_text) + 3
    cover = "".join(pages_text[: _cover_pages(pages_text)])
    for expected in (
        "VC-2569-000123",
        "ชม 45/2569",
        "มูลนิธิเพื่อการพัฒนาเด็กและเยาวชนภาคเหนือ",
        "ANNA MARIA SCHMIDT",
        "สัญชาติ เยอรมนี",  # ISO code DE written out in Thai
        "14 มีนาคม 2541",  # born 1998
        "1 มกราคม 2570 ถึง 31 ธันวาคม 2570",
        "20 พ.ย. 2569 15:45 น.",  # history: Bangkok time, Buddhist era
        "สำเนาหนังสือเดินทางไม่ชัดเจน",
        f"หน้า {front + 1}\u2013{front + 2}",  # where the 2-page PDF attachment sits
        f"หน้า {front + 4}",
    ):
        assert expected in cover, expected
    assert "วันที่ 26 พฤศจิกายน 2569" in pages_text[_cover_pages(pages_text)]  # the memo's date


def test_generated_pages_carry_pack_page_numbers(pages_text: list[str]) -> None:
    total = len(pages_text)
    assert f"หน้า 1/{total}" in pages_text[0]
    assert f"หน้า {total - 1}/{total}" in pages_text[-2]  # an image page, after the PDF's pages


def test_image_pages_fit_a4_and_follow_the_image_orientation(pack_pdf: bytes) -> None:
    pages = PdfReader(io.BytesIO(pack_pdf)).pages
    portrait, landscape = pages[-2].mediabox, pages[-1].mediabox
    assert (round(float(portrait.width)), round(float(portrait.height))) == (595, 842)
    assert (round(float(landscape.width)), round(float(landscape.height))) == (842, 595)


def test_pages_render_to_images(pack_pdf: bytes, tmp_path: Path) -> None:
    """Rasterise the first pages (pdftoppm if installed, else pdfium): non-blank A4 pages."""
    pdf = tmp_path / "pack.pdf"
    pdf.write_bytes(pack_pdf)
    pngs = _render(pdf, tmp_path, pages=3)
    assert len(pngs) == 3
    for png in pngs:
        with Image.open(png) as image:
            width, height = image.size
            assert abs(height / width - 297 / 210) < 0.01
            histogram = image.convert("L").histogram()
            assert sum(histogram[:128]) > 0.001 * width * height, f"{png.name} looks blank"


def _render(pdf: Path, out: Path, pages: int) -> list[Path]:
    if shutil.which("pdftoppm"):
        args = ["pdftoppm", "-png", "-r", "50", "-l", str(pages), str(pdf), str(out / "p")]
        subprocess.run(args, check=True)
        return sorted(out.glob("p-*.png"))
    pdfium = pytest.importorskip("pypdfium2")
    document = pdfium.PdfDocument(pdf)
    paths = []
    for index in range(pages):
        path = out / f"p-{index + 1}.png"
        document[index].render(scale=50 / 72).to_pil().save(path)
        paths.append(path)
    return paths


def _boundaries(text: str) -> set[int]:
    return {0, *accumulate(len(word) for word in thai_words(text))}


def _check_lines_at_word_boundaries(text: str, lines: list[str]) -> None:
    boundaries, position = _boundaries(text), 0
    for line in lines:
        while text[position] == " ":
            position += 1
        assert text.startswith(line, position), (line, text[position:])
        assert position in boundaries, f"line starts inside a word: {line!r}"
        position += len(line)
        assert position in boundaries, f"line ends inside a word: {line!r}"
    assert position == len(text)


def test_long_thai_paragraph_breaks_only_between_segmenter_words() -> None:
    pdf = ThaiPdf()
    pdf.add_page()
    pdf.use_font(13)
    width = 120.0
    lines = fill_lines(LONG_THAI, width, pdf.measure)
    assert len(lines) > 5
    _check_lines_at_word_boundaries(LONG_THAI, lines)
    for line in lines:
        assert pdf.get_string_width(line) <= width + 0.01


def test_lines_in_the_pdf_are_the_word_aware_lines() -> None:
    pdf = ThaiPdf()
    pdf.add_page()
    pdf.paragraph(LONG_THAI)
    extracted = PdfReader(io.BytesIO(pdf.to_bytes())).pages[0].extract_text().splitlines()
    assert len(extracted) > 3
    _check_lines_at_word_boundaries(LONG_THAI, extracted)


def test_break_units_keep_codes_marks_and_brackets_together() -> None:
    text = "หนังสือเดินทางเลขที่ C01X00T47 (Anna Schmidt) พ.ศ.2570 ต่อไป ๆ ฯลฯ ประกาศฯ"
    units = break_units(text)
    assert "".join(units) == text
    assert "C01X00T47" in units  # newmm alone would cut it into C|01|X|00|T|47
    assert "(Anna" in units and "Schmidt)" in units
    assert "พ.ศ.2570" in units
    assert "ต่อไป ๆ ฯลฯ" in units  # ๆ and ฯ never start a line
    assert "ประกาศฯ" in units
    assert not any(unit[0] in "ๆฯ" for unit in units)


def test_a_word_longer_than_a_line_is_cut_between_characters_not_marks() -> None:
    lines = fill_lines("ที่" * 20, 5, len)
    assert "".join(lines) == "ที่" * 20
    assert all(line[0] not in "\u0e35\u0e48" for line in lines)


def test_bundled_font_is_sarabun_under_the_ofl() -> None:
    for style in ("Regular", "Bold"):
        names = TTFont(FONT_DIR / f"Sarabun-{style}.ttf")["name"]
        assert names.getDebugName(1) == "Sarabun"
        assert names.getDebugName(2) == style
        assert "Open Font License" in (names.getDebugName(13) or "")
    assert "SIL OPEN FONT LICENSE Version 1.1" in (FONT_DIR / "OFL.txt").read_text()


def _encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(sample_pdf(1)))
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_unreadable_or_unsupported_attachments_do_not_stop_the_pack() -> None:
    attachments = (
        PackAttachment(title="ไฟล์เสีย", mime_type="application/pdf", data=b"%PDF-1.7 broken"),
        PackAttachment(title="มีรหัสผ่าน", mime_type="application/pdf", data=_encrypted_pdf()),
        PackAttachment(title="ไม่ใช่ภาพ", mime_type="image/png", data=b"not a png at all"),
        PackAttachment(title="เอกสาร Word", mime_type="application/msword", data=b"doc"),
        PackAttachment(title="ภาพ", mime_type="image/jpeg", data=sample_image(300, 400, "JPEG")),
    )
    pdf = _build(sample_pack(attachments=attachments))
    texts = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    # Three notice pages and one image page; the Word file is only listed on the cover.
    assert len(texts) == _cover_pages(texts) + 3 + 4
    notices = [t for t in texts if "ไม่สามารถรวมเอกสารแนบนี้ในชุดพิมพ์ได้" in t]
    assert len(notices) == 3
    assert any("มีรหัสผ่าน" in t for t in notices)
    cover = "".join(texts[: _cover_pages(texts)])
    assert "ไม่รวมในชุดนี้" in cover and "application/msword" in cover


def test_a_rotated_phone_photo_is_printed_upright() -> None:
    image = Image.new("RGB", (400, 300), "white")  # stored landscape ...
    exif = image.getexif()
    exif[0x0112] = 6  # ... but the camera says "rotate 90°": it is a portrait photo
    data = io.BytesIO()
    image.save(data, format="JPEG", exif=exif)
    attachment = PackAttachment(title="ภาพ", mime_type="image/jpeg", data=data.getvalue())
    pdf = _build(sample_pack(attachments=(attachment,)))
    page = PdfReader(io.BytesIO(pdf)).pages[-1]
    assert float(page.mediabox.height) > float(page.mediabox.width)


async def test_async_wrapper_runs_off_the_event_loop() -> None:
    catalogs = sample_catalogs()
    th = catalogs.for_language("th")
    pdf = await build_print_pack_async(sample_pack(attachments=()), th, catalogs)
    texts = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    assert len(texts) == _cover_pages(texts) + 3
    assert "ไม่มีเอกสารแนบ" in texts[0]


def _ink_top(shaping: bool) -> int:
    pdfium = pytest.importorskip("pypdfium2")
    pdf = ThaiPdf()
    pdf.set_text_shaping(shaping)
    pdf.add_page()
    pdf.set_xy(30, 30)
    pdf.use_font(60)
    pdf.cell(100, 30, "ที่")
    page = pdfium.PdfDocument(pdf.to_bytes())[0].render(scale=2).to_pil().convert("L")
    box = page.point(lambda value: 255 if value < 128 else 0).getbbox()
    assert box is not None
    return int(box[1])


def test_harfbuzz_lifts_the_tone_mark_above_the_upper_vowel() -> None:
    # "ที่": without shaping MAI EK is drawn at its default height, into SARA II; the font's
    # GPOS (applied by HarfBuzz) stacks it on top, so the ink reaches higher.
    assert _ink_top(shaping=True) < _ink_top(shaping=False) - 10


async def test_a_process_pool_builds_the_same_pack() -> None:
    # Translators do not pickle; the worker loads the catalogs itself and is told the language.
    catalogs = sample_catalogs()
    pack = sample_pack(attachments=())
    with ProcessPoolExecutor(max_workers=1) as pool:
        pdf = await build_print_pack_async(pack, catalogs.for_language("en"), catalogs, pool)
    cover = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Summary of the application" in cover
