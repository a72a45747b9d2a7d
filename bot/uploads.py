"""Which files a foundation may attach, checked twice: what Telegram says before downloading
(type and size, so an oversize file is never fetched), then the bytes themselves after.

Only PDF, JPEG and PNG are accepted, at most 20 MB: the public Bot API downloads nothing bigger,
and officers open these on phones. The content must start with its type's signature, so a
renamed ``.exe`` or a Word file called ``letter.pdf`` is refused; and it must really be what it
claims, read by the libraries that read it later (the print pack appends PDFs with pypdf and
draws images with Pillow): a PDF parses and has a page, an image decodes whole. A file that only
starts like a PDF (``%PDF-`` followed by HTML, say) is refused as the wrong type.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from pathlib import PurePath
from typing import Final

from PIL import Image
from pypdf import PdfReader

from bot.field_rules import FieldError
from bot.i18n_marker import N_

logger = logging.getLogger(__name__)

MAX_BYTES: Final = 20 * 1024 * 1024
MAX_MEGABYTES: Final = MAX_BYTES // (1024 * 1024)
# Pixels an image may have: a 48-megapixel phone camera and an A4 page scanned at 600 dpi
# (35 MP) fit; decoding one takes about 150 MB for a moment. More is refused before decoding.
MAX_PIXELS: Final = 50_000_000
MAX_MEGAPIXELS: Final = MAX_PIXELS // 1_000_000

PDF: Final = "application/pdf"
JPEG: Final = "image/jpeg"
PNG: Final = "image/png"

_BY_EXTENSION = {".pdf": PDF, ".jpg": JPEG, ".jpeg": JPEG, ".png": PNG}
_EXTENSION_OF = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png"}
_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    PDF: (b"%PDF-",),
    JPEG: (b"\xff\xd8\xff",),
    PNG: (b"\x89PNG\r\n\x1a\n",),
}


@dataclass(frozen=True, slots=True)
class Claim:
    """What Telegram tells us about a file before we fetch it."""

    mime_type: str
    file_name: str
    size: int | None


def claimed_type(mime_type: str | None, file_name: str | None) -> str | None:
    """The accepted type a file claims to be, from its MIME type, else its extension."""
    if mime_type in _SIGNATURES:
        return mime_type
    if mime_type and mime_type != "application/octet-stream":
        return None  # a type Telegram knows, and not one we take (Word, ZIP, video...)
    return _BY_EXTENSION.get(PurePath(file_name or "").suffix.lower())


def check_claim(mime_type: str | None, file_name: str | None, size: int | None) -> Claim:
    """Refuse before downloading: wrong type, empty, or over the limit."""
    kind = claimed_type(mime_type, file_name)
    if kind is None:
        raise FieldError(N_("foundation.error.file_type"))
    if size is not None:
        check_size(size)
    return Claim(kind, safe_file_name(file_name, kind), size)


def check_size(size: int) -> None:
    if size <= 0:
        raise FieldError(N_("foundation.error.file_empty"))
    if size > MAX_BYTES:
        raise FieldError(N_("foundation.error.file_too_big"), limit=MAX_MEGABYTES)


def check_content(data: bytes, claim: Claim) -> None:
    """The downloaded bytes: not empty, not over the limit, and really of the claimed type.

    Parsing and decoding take a while for a large file: call it off the event loop.
    """
    check_size(len(data))
    if not data.startswith(_SIGNATURES[claim.mime_type]):
        raise FieldError(N_("foundation.error.file_content_mismatch"))
    if claim.mime_type == PDF:
        check_pdf(data)
    else:
        check_image(data, claim.mime_type)


def check_pdf(data: bytes) -> None:
    """A PDF that pypdf opens, not encrypted, with at least one page."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise FieldError(N_("foundation.error.pdf_encrypted"))
        pages = len(reader.pages)
    except FieldError:
        raise
    except Exception as error:
        # Only the kind of failure: the message could quote the file's content.
        logger.info("refused a PDF that does not parse: %s", type(error).__name__)
        raise FieldError(N_("foundation.error.file_content_mismatch")) from None
    if pages < 1:
        raise FieldError(N_("foundation.error.file_content_mismatch"))


def check_image(data: bytes, mime_type: str) -> tuple[int, int]:
    """A JPEG or PNG of ``mime_type`` that Pillow decodes whole, within ``MAX_PIXELS``.

    The one place images are judged: the upload checks and anything else that takes an
    image (the print pack's signed scan) call this. Returns (width, height).
    """
    expected = {JPEG: "JPEG", PNG: "PNG"}[mime_type]
    try:
        with Image.open(io.BytesIO(data), formats=[expected]) as image:
            width, height = image.size
            # The header alone gives the size: a huge image is refused before it is decoded.
            if width * height > MAX_PIXELS:
                raise FieldError(N_("foundation.error.image_too_large"), limit=MAX_MEGAPIXELS)
            image.load()  # every pixel: a truncated or corrupt image fails here
    except FieldError:
        raise
    except Image.DecompressionBombError:
        raise FieldError(N_("foundation.error.image_too_large"), limit=MAX_MEGAPIXELS) from None
    except Exception as error:
        logger.info("refused an image that does not decode: %s", type(error).__name__)
        raise FieldError(N_("foundation.error.file_content_mismatch")) from None
    return width, height


def safe_file_name(file_name: str | None, mime_type: str) -> str:
    """A name to show and to send back: no folders, no control characters, the right ending."""
    name = PurePath((file_name or "").replace("\\", "/")).name
    name = "".join(c for c in name if c.isprintable()).strip()[:100]
    extension = _EXTENSION_OF[mime_type]
    if not name:
        return f"document{extension}"
    if _BY_EXTENSION.get(PurePath(name).suffix.lower()) != mime_type:
        name += extension
    return name


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, round(size / 1024))} KB"
