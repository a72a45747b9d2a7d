"""What a person hands to an action: typed text (trimmed, limited) and stored files."""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n_marker import N_
from bot.kernel.errors import InvalidInput

CERTIFICATE_ITEM = "certificate"
"""The signed certificate's scan: an attachment, but not a checklist document."""
# What a notification shows where an optional comment, reason or note was left empty, so that
# no line ends in a bare "Officer's comment:".
NOTHING_SAID = N_("common.nothing_said")
MAX_COMMENT = 2000
MAX_RECEIPT = 40
MAX_PLACE = 300
MAX_NOTE = 500


@dataclass(frozen=True, slots=True)
class FileMeta:
    """A file already checked and stored by its SHA-256 (see ``bot.files.FileStore``)."""

    file_name: str
    mime_type: str
    size: int
    sha256: str
    telegram_file_id: str = ""


def cleaned(value: str | None, *, required: bool = False, limit: int = MAX_COMMENT) -> str | None:
    """The text trimmed; None when empty (refused when ``required``); refused when too long."""
    text = (value or "").strip()
    if not text:
        if required:
            raise InvalidInput(N_("error.text_required"))
        return None
    if len(text) > limit:
        raise InvalidInput(N_("error.text_too_long"), limit=limit)
    return text


def said(text: str | None) -> str:
    """What a notification shows for an optional text: the text, or '(none)'."""
    return text or NOTHING_SAID
