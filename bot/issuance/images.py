"""Images in bounded memory: a pixel limit checked from the header, one image decoded at a time,
scaled to print resolution before it goes into the pack.

A PNG of 13,000 x 13,000 pixels is half a megabyte on disk and half a gigabyte decoded, and
fpdf2 would keep a deflated copy of every full-size image until the PDF is written. So:

- ``read_header`` reads only the header and refuses an image above ``MAX_IMAGE_PIXELS``, the
  upload limit of ``bot.uploads`` (so only a file stored before that limit existed can meet
  it here, and gets a notice page instead);
- ``for_print`` decodes one image (a JPEG at reduced DCT scale when that is enough), turns it
  upright, scales it to ``PRINT_DPI`` for the box it is printed in and hands back encoded
  bytes, so the decoded pixels are freed before the next image is touched.

Largest accepted image decoded: 50 MP x 4 bytes (RGBA) = 200 MB for a moment, inside the
pack's 300 MB budget (``bench/print_pack.py --largest``).
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass
from typing import Final

from PIL import Image

from bot.uploads import MAX_PIXELS

# One limit for uploads and the pack: what the bot accepts, it can print.
MAX_IMAGE_PIXELS: Final = MAX_PIXELS
PRINT_DPI: Final = 200  # small type in a scan stays legible; an A4 page is 1654 x 2339 pixels
_ORIENTATION_TAG: Final = 0x0112
# Pillow's own guard refuses to open a file past 2 x its limit; its message gives the size.
_BOMB_SIZE = re.compile(r"\((\d+) pixels\)")
_QUARTER_TURNS: Final = frozenset({5, 6, 7, 8})  # EXIF orientations that swap width and height
# What each EXIF orientation asks for, as ImageOps.exif_transpose does it.
_TURNS: Final = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


class TooManyPixels(ValueError):
    def __init__(self, pixels: int) -> None:
        super().__init__(f"{pixels} pixels is over {MAX_IMAGE_PIXELS}")
        self.pixels = pixels

    def params(self) -> dict[str, object]:
        """For the messages: megapixels, the image's and the limit."""
        return {"megapixels": round(self.pixels / 1e6), "limit": MAX_IMAGE_PIXELS // 1_000_000}


@dataclass(frozen=True, slots=True)
class Header:
    format: str  # "JPEG", "PNG"
    size: tuple[int, int]  # as the image is shown: upright, after its EXIF orientation
    orientation: int  # EXIF orientation, 1 when the pixels are stored upright

    @property
    def turned(self) -> bool:
        return self.orientation in _TURNS


def read_header(data: bytes) -> Header:
    """Format and upright size from the header, nothing decoded; ``TooManyPixels`` above the
    limit. Raises what Pillow raises for a file it cannot read."""
    with warnings.catch_warnings():
        # Pillow warns from 89 MP on; ours is the lower limit, and it refuses, below.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            opened = Image.open(io.BytesIO(data))
        except Image.DecompressionBombError as error:
            found = _BOMB_SIZE.search(str(error))
            raise TooManyPixels(int(found.group(1)) if found else 2**31) from None
    with opened as image:
        width, height = image.size
        if width * height > MAX_IMAGE_PIXELS:
            raise TooManyPixels(width * height)
        orientation = image.getexif().get(_ORIENTATION_TAG, 1)
        if orientation in _QUARTER_TURNS:
            width, height = height, width
        return Header(str(image.format), (width, height), int(orientation))


def target_size(size: tuple[int, int], box_mm: tuple[float, float]) -> tuple[int, int]:
    """Pixels to print ``size`` into a ``box_mm`` (width, height) at ``PRINT_DPI``; never more
    than the image has."""
    width, height = size
    scale = min(box_mm[0] / 25.4 * PRINT_DPI / width, box_mm[1] / 25.4 * PRINT_DPI / height, 1.0)
    return max(1, round(width * scale)), max(1, round(height * scale))


def for_print(data: bytes, header: Header, box_mm: tuple[float, float]) -> io.BytesIO:
    """The image ready for the page: upright, at most print resolution, encoded (JPEG for a
    photo, PNG for a PNG). A JPEG already small enough and upright goes in as it came."""
    wanted = target_size(header.size, box_mm)
    if header.format == "JPEG" and not header.turned and wanted == header.size:
        return io.BytesIO(data)
    with Image.open(io.BytesIO(data)) as source:
        # Scale first, turn after: turning (or converting) the full-size image would copy it.
        box = wanted[::-1] if header.orientation in _QUARTER_TURNS else wanted
        if header.format == "JPEG":
            # DCT scaling decodes at 1/2, 1/4 or 1/8 size straight away: a 40 MP photo never
            # exists in memory at full size.
            source.draft("RGB", box)
        image: Image.Image = source
        if image.mode in ("P", "PA", "1"):
            image = image.convert("RGBA" if "transparency" in image.info else "RGB")
        elif image.mode not in ("RGB", "RGBA", "L", "LA"):
            # 16-bit and CMYK: resample in a mode that averages properly.
            image = image.convert("RGB")
        image.thumbnail(box, Image.Resampling.LANCZOS, reducing_gap=3.0)
        if header.turned:
            image = image.transpose(_TURNS[header.orientation])
        out = io.BytesIO()
        if header.format == "JPEG":
            image.convert("RGB").save(out, format="JPEG", quality=88, optimize=True)
        else:
            image.save(out, format="PNG", optimize=False, compress_level=6)
        image.close()
    out.seek(0)
    return out
