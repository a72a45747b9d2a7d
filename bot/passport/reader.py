"""Reading a passport upload: load the page, find the MRZ band, OCR it, keep the best reading.

Everything runs in a worker thread (`read_passport` awaits it), bounded so that uploads
arriving together do not run more OCR processes than there are cores. Nothing here raises:
an upload that is not a picture or PDF, a page without an MRZ, a blurred photo or a machine
without Tesseract all give None, and the caller carries on as if it had not tried.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
from datetime import date
from pathlib import Path

import cv2
import numpy as np

from . import ocr
from .fields import PassportReading
from .locate import Gray, find_bands, load_pages
from .mrz_text import parse

log = logging.getLogger(__name__)

# Past this, no further attempt starts (one page normally takes well under a second).
_BUDGET_SECONDS = 1.5
_SLOTS = threading.BoundedSemaphore(max(1, os.cpu_count() or 1))


def engine_available() -> bool:
    """Whether Tesseract with its English model is installed here."""
    return ocr.tesseract_binary() is not None


def log_engine_status() -> bool:
    """For start-up: one line when passports cannot be read here. Returns engine_available()."""
    available = engine_available()
    if not available:
        log.warning(
            "passport reading is off: Tesseract is not installed "
            "(apt-get install tesseract-ocr); uploads are accepted as before"
        )
    return available


async def read_passport(
    source: bytes | str | Path, mime: str | None = None
) -> PassportReading | None:
    """The passport's MRZ read from an image or PDF (bytes or a file path), off the event loop."""
    return await asyncio.to_thread(read_passport_sync, source, mime)


def read_passport_sync(
    source: bytes | str | Path, mime: str | None = None, *, today: date | None = None
) -> PassportReading | None:
    """`read_passport` in the calling thread: for tests, scripts and the benchmark."""
    if not engine_available():
        return None
    with _SLOTS:
        try:
            return _read(source, mime or "", today or date.today())
        except ocr.EngineMissingError:
            return None
        except Exception:
            # A reader that cannot read must never stop an upload: log the kind of failure
            # only (never the image or what was read: personal data).
            log.exception("passport reading failed")
            return None


def _read(source: bytes | str | Path, mime: str, today: date) -> PassportReading | None:
    started = time.monotonic()
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    try:
        pages = load_pages(data, mime)
    except Exception:
        log.info("passport reading: the upload is not an image or PDF that can be opened")
        return None
    best: PassportReading | None = None
    for page in pages:
        for band in find_bands(page):
            for image in _attempts(band.image):
                reading = parse(ocr.read_lines(image), today)
                if reading is not None and (best is None or _score(reading) > _score(best)):
                    best = reading
                if best is not None and best.valid:
                    return best
                if time.monotonic() - started > _BUDGET_SECONDS:
                    return best
    return best


def _attempts(band: Gray) -> list[Gray]:
    """The band both ways up, likelier first, then cleaned up (the check digits tell which
    reading is right)."""
    upside_down = np.asarray(cv2.rotate(band, cv2.ROTATE_180), dtype=np.uint8)
    first, second = (band, upside_down) if _looks_upright(band) else (upside_down, band)
    return [first, second, _cleaned(first), _cleaned(second)]


def _looks_upright(band: Gray) -> bool:
    """Whether the band's right end holds less ink than its left: the fillers ('<', thin) pad
    the lines on the right, and every line starts with dense letters or digits."""
    _, ink = cv2.threshold(band, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    quarter = ink.shape[1] // 4
    return bool(ink[:, -quarter:].mean() <= ink[:, :quarter].mean())


def _cleaned(band: Gray) -> Gray:
    """Evened-out lighting and a little sharpening, for a dim or soft photo."""
    equalized = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(4, 16)).apply(band)
    soft = cv2.GaussianBlur(equalized, (0, 0), 2.0)
    return np.asarray(cv2.addWeighted(equalized, 1.6, soft, -0.6, 0), dtype=np.uint8)


def _score(reading: PassportReading) -> int:
    return sum(reading.check_digits().values())
