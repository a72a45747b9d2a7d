"""Images in bounded memory: refused at upload above the pixel limit (with a message saying
so), a notice page for one already stored, and every image printed at print resolution."""

from __future__ import annotations

import contextlib
import io
import struct
import zlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from bot import uploads
from bot.field_rules import FieldError
from bot.issuance.images import MAX_IMAGE_PIXELS, PRINT_DPI, TooManyPixels, read_header
from bot.issuance.model import PackAttachment
from bot.issuance.printpack import build_print_pack
from bot.issuance.sample import sample_catalogs, sample_pack
from bot.testing.fake_telegram import FakeTelegram
from tests.foundation_steps import send_file
from tests.issuance_steps import approved_case, issuance_bot, pressed
from tests.officer_support import officer_user, open_case, tr


def png_header(width: int, height: int) -> bytes:
    """A PNG that says it is ``width`` x ``height`` (as a 0.5 MB bomb of flat colour would);
    only its header is ever read."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


BOMB = png_header(13_000, 13_000)


def photo(width: int, height: int, fmt: str) -> bytes:
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    out = io.BytesIO()
    image.save(out, format=fmt)
    return out.getvalue()


def test_an_image_over_the_pixel_limit_is_refused_from_its_header() -> None:
    claim = uploads.Claim(uploads.PNG, "scan.png", len(BOMB))
    with pytest.raises(FieldError) as refused:  # at upload: bot.uploads.check_image
        uploads.check_content(BOMB, claim)
    assert refused.value.msg_id == "foundation.error.image_too_large"
    with pytest.raises(TooManyPixels) as pack_check:  # in the pack: read from the header
        read_header(BOMB)
    assert pack_check.value.params() == {"megapixels": 169, "limit": 50}
    with pytest.raises(TooManyPixels) as huge:  # past Pillow's own guard, which refuses to open
        read_header(png_header(30_000, 30_000))
    assert huge.value.params() == {"megapixels": 900, "limit": 50}
    with contextlib.suppress(OSError):  # 50 MP exactly: not too many (the file is a header only)
        read_header(png_header(10_000, 5000))
    with pytest.raises(TooManyPixels):
        read_header(png_header(10_000, 5001))
    assert MAX_IMAGE_PIXELS == uploads.MAX_PIXELS


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


async def test_the_upload_refusal_says_why_in_the_senders_language(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    async with issuance_bot(fake, tmp_path) as (bot, world):
        case = await approved_case(bot, world)
        await bot.services.issuing.send_for_signing(world.officer, case.id, case.version)
        th = tr(bot, "th")
        officer = officer_user(bot, world)
        await open_case(bot, officer, case.id)
        await pressed(bot, officer, th.t("action.upload_certificate"))
        text = await send_file(bot, officer, BOMB, "signed.png", "image/png")
        limit = uploads.MAX_MEGAPIXELS
        assert text.startswith(th.t("foundation.error.image_too_large", limit=limit))


def test_a_stored_image_over_the_limit_becomes_a_notice_page() -> None:
    catalogs = sample_catalogs()
    attachment = PackAttachment(title="ภาพใหญ่", mime_type="image/png", data=BOMB)
    pdf = build_print_pack(
        sample_pack(attachments=(attachment,)), catalogs.for_language("en"), catalogs
    )
    last = PdfReader(io.BytesIO(pdf)).pages[-1].extract_text()
    assert "could not be included" in last and "169 megapixels" in last


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_images_are_printed_at_print_resolution_not_as_sent(fmt: str) -> None:
    catalogs = sample_catalogs()
    attachment = PackAttachment(
        title="scan", mime_type=f"image/{fmt.lower()}", data=photo(6000, 4500, fmt)
    )
    pdf = build_print_pack(
        sample_pack(attachments=(attachment,)), catalogs.for_language("th"), catalogs
    )
    page = PdfReader(io.BytesIO(pdf)).pages[-1]
    (image,) = page.images
    width, height = image.image.size
    # A landscape A4 page less margins and caption: about 273 x 175 mm at 200 dpi.
    assert width <= 273 / 25.4 * PRINT_DPI + 1 and height <= 186 / 25.4 * PRINT_DPI + 1
    assert width >= 1500  # still sharp on paper
