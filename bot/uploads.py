"""Which files a foundation may attach, checked twice: what Telegram says before downloading
(type and size, so an oversize file is never fetched), then the bytes themselves after.

Only PDF, JPEG and PNG are accepted, at most 20 MB: the public Bot API downloads nothing bigger,
and officers open these on phones. The content must start with its type's signature, so a
renamed ``.exe`` or a Word file called ``letter.pdf`` is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath
from typing import Final

from bot.field_rules import FieldError
from bot.i18n_marker import N_

MAX_BYTES: Final = 20 * 1024 * 1024
MAX_MEGABYTES: Final = MAX_BYTES // (1024 * 1024)

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
    """The downloaded bytes: not empty, not over the limit, and of the claimed type."""
    check_size(len(data))
    if not data.startswith(_SIGNATURES[claim.mime_type]):
        raise FieldError(N_("foundation.error.file_content_mismatch"))
    if claim.mime_type in (JPEG, PNG):
        # The print pack decodes images: refuse what would not fit in memory. Imported here,
        # with the first image, so that Pillow is not loaded by every start of the bot.
        from bot.issuance.images import check_pixels

        check_pixels(data)


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
