"""Small real image files for tests that upload them (the bot decodes every image)."""

from __future__ import annotations

import io

from PIL import Image


def sample_jpeg(width: int = 8, height: int = 8, comment: bytes = b"") -> bytes:
    """A plain JPEG; ``comment`` is stored in its COM segment, readable in the raw bytes."""
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 40)).save(out, "JPEG", comment=comment)
    return out.getvalue()
