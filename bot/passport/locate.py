"""Finding the machine-readable zone on an uploaded page and cutting it out, level and sharp.

The upload is a phone photo, an image file or a PDF scan: the page may be anywhere on it, at
any angle, lit unevenly. The MRZ is the one place where two long lines of evenly spaced
characters sit together, so after a black-hat filter (dark print on light paper, whatever the
lighting) and a horizontal gradient, closing the gaps between characters (and, when they are
close, between the two lines) turns it into a long, thin blob; its minimum-area rectangle gives
both the band and the skew. Upright and sideways are both tried (the blob is only long along
the text). The band is cut level and tall, then trimmed to its two densest text lines; the
caller reads it both ways up: the check digits tell which reading is the right one.
"""

from __future__ import annotations

import io
import itertools
import logging
from collections.abc import Iterator
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image, ImageOps

log = logging.getLogger(__name__)

Gray = npt.NDArray[np.uint8]
# A rotated rectangle as OpenCV gives it: centre, (length, thickness), angle in degrees.
Rect = tuple[tuple[float, float], tuple[float, float], float]

# The longest side the band search works at: small enough to be fast, big enough that an MRZ
# filling a third of a Telegram photo (1280 px) keeps its lines apart.
_SEARCH_SIDE = 1000
# JPEGs larger than this on both sides are decoded at a half, quarter or eighth of their size.
_DECODE_SIDE = 2000
# PDF pages are rendered at this resolution; a TD3 MRZ then has ~20 px per character.
_PDF_DPI = 200
# Only the first pages of a PDF are searched: the data page is the first page of a copy.
_PDF_PAGES = 3
# A TD3 zone is 44 characters over two lines: as one blob its length is 5 to 16 times its
# height; when its lines are far enough apart to stay two blobs, each is up to 60 times.
_MIN_ASPECT, _BLOCK_ASPECT, _MAX_ASPECT = 5.0, 16.0, 60.0
# Characters are scaled to about this pitch for the OCR engine.
_TARGET_PITCH = 30


@dataclass(frozen=True)
class Band:
    """One candidate MRZ band, level and in grayscale, with its score (bigger is likelier)."""

    image: Gray
    score: float


def load_pages(data: bytes, mime: str) -> list[Gray]:
    """The upload's pages as grayscale images: one for an image file, the first pages of a PDF."""
    if mime == "application/pdf" or data[:5] == b"%PDF-":
        return _pdf_pages(data)
    with Image.open(io.BytesIO(data)) as opened:
        # A camera's JPEG is decoded at a reduced scale straight away (still over 2000 px,
        # more than the zone needs): a 12-megapixel photo then costs a quarter of the time.
        opened.draft("L", (_DECODE_SIDE, _DECODE_SIDE))
        # A phone photo may be stored sideways with an EXIF note saying how to turn it.
        upright = ImageOps.exif_transpose(opened)
        return [np.asarray(upright.convert("L"), dtype=np.uint8)]


def _pdf_pages(data: bytes) -> list[Gray]:
    import pypdfium2 as pdfium  # type: ignore[import-untyped]

    pages: list[Gray] = []
    document = pdfium.PdfDocument(data)
    try:
        for index in range(min(len(document), _PDF_PAGES)):
            page = document[index]
            bitmap = page.render(scale=_PDF_DPI / 72, grayscale=True)
            pages.append(np.asarray(bitmap.to_pil().convert("L"), dtype=np.uint8))
            bitmap.close()
            page.close()
    finally:
        document.close()
    return pages


def find_bands(gray: Gray, limit: int = 2) -> list[Band]:
    """The likeliest MRZ bands on the page, best first, each cut out level from the full image."""
    scale = min(1.0, _SEARCH_SIDE / max(gray.shape))
    small = (
        cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        if scale < 1
        else gray
    )
    candidates: list[tuple[float, Rect]] = []
    for turned in (False, True):
        view = np.asarray(cv2.rotate(small, cv2.ROTATE_90_CLOCKWISE) if turned else small, np.uint8)
        for rect, score in _blobs(view):
            if turned:
                rect = _unturn(rect, small.shape[0])
            candidates.append((score, rect))
    candidates.sort(key=lambda item: item[0], reverse=True)
    bands: list[Band] = []
    for score, rect in _distinct(candidates)[:limit]:
        (cx, cy), (w, h), angle = rect
        full = ((cx / scale, cy / scale), (w / scale, h / scale), angle)
        image = _cut(gray, full)
        if image is not None:
            bands.append(Band(image, score))
    return bands


def _blobs(
    view: Gray,
) -> Iterator[tuple[Rect, float]]:
    """Long thin blobs of horizontal print in the view, with a score that favours MRZ-like ones."""
    height, width = view.shape
    unit = max(3, round(max(height, width) / 100))  # about one MRZ character at typical framing
    blackhat = cv2.morphologyEx(
        view, cv2.MORPH_BLACKHAT, cv2.getStructuringElement(cv2.MORPH_RECT, (unit * 3, unit * 2))
    )
    gradient = np.absolute(cv2.Sobel(blackhat, cv2.CV_32F, 1, 0, ksize=3))
    peak = float(gradient.max())
    if peak <= 0:
        return
    gradient_u8 = (255 * gradient / peak).astype(np.uint8)
    joined = cv2.morphologyEx(
        gradient_u8, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (unit * 2, 1))
    )
    _, mask = cv2.threshold(joined, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    # Join the two lines into one block, then drop specks.
    mask = cv2.morphologyEx(
        mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (unit * 2, unit * 2))
    )
    mask = cv2.erode(mask, np.ones((3, 3), np.uint8), iterations=2)
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    for contour in contours:
        rect = cv2.minAreaRect(contour)
        (_, _), (w, h), angle = rect
        length, thickness = max(w, h), min(w, h)
        if thickness < 2 or length < 0.3 * min(height, width):
            continue
        aspect = length / thickness
        if not _MIN_ASPECT <= aspect <= _MAX_ASPECT:
            continue
        # The band must lie roughly along the rows of this view; the other view covers the rest.
        along = angle if w >= h else angle - 90
        along = (along + 90) % 180 - 90
        if abs(along) > 45:
            continue
        fill = cv2.contourArea(contour) / (w * h)
        centre = (float(rect[0][0]), float(rect[0][1]))
        yield (centre, (float(length), float(thickness)), float(along)), length * thickness * fill


def _unturn(rect: Rect, original_height: int) -> Rect:
    """Maps a rectangle found in the clockwise-turned view back to the original image."""
    (cx, cy), size, angle = rect
    # A point (x, y) of the original is at (H - 1 - y, x) in the clockwise-turned view.
    return (cy, original_height - 1 - cx), size, angle - 90


def _distinct(
    candidates: list[tuple[float, Rect]],
) -> list[tuple[float, Rect]]:
    """Drops candidates centred inside a better one (the same blob seen from both views)."""
    kept: list[tuple[float, Rect]] = []
    for score, rect in candidates:
        (cx, cy) = rect[0]
        if any(
            abs(cx - k[1][0][0]) < k[1][1][0] / 2 and abs(cy - k[1][0][1]) < k[1][1][0] / 2
            for k in kept
        ):
            continue
        kept.append((score, rect))
    return kept


def _cut(gray: Gray, rect: Rect) -> Gray | None:
    """The band levelled, with a margin, scaled so characters are about `_TARGET_PITCH` apart."""
    (cx, cy), (length, thickness), angle = rect
    if length < 44:
        return None
    zoom = _TARGET_PITCH * 44 / length
    # The blob hugs the print: widen it by about two characters. A block holding both lines
    # gets half a line above and below; a single line gets room for its partner on either
    # side (what else comes into the band is told apart by the parser).
    out_w = round((length * 1.06 + 2 * length / 44) * zoom)
    if length / thickness <= _BLOCK_ASPECT:
        out_h = round((thickness + 5 * length / 44) * zoom)
    else:
        out_h = round(thickness * 8 * zoom)
    matrix = cv2.getRotationMatrix2D((cx, cy), angle, zoom)
    matrix[0, 2] += out_w / 2 - cx
    matrix[1, 2] += out_h / 2 - cy
    band = cv2.warpAffine(
        gray, matrix, (out_w, out_h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
    )
    return _trim(np.asarray(band, dtype=np.uint8))


def _trim(band: Gray) -> Gray:
    """The band cut down to its two densest neighbouring text lines (the MRZ), with a margin.

    The blob's rectangle can sit off-centre, or hold one line only, so the band is cut tall
    and trimmed here by the rows' print. Print is measured by a black-hat filter about a
    character wide, so a dark table or page edge in the band counts as nothing, and a text
    line is a run of such rows about one character high; the MRZ's two lines are the longest
    and densest pair.
    """
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (_TARGET_PITCH, _TARGET_PITCH))
    strokes = cv2.morphologyEx(band, cv2.MORPH_BLACKHAT, kernel)
    _, ink = cv2.threshold(strokes, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    density = ink.mean(axis=1) / 255.0
    rows = density > 0.05
    runs: list[tuple[int, int, float]] = []
    start = None
    for y, is_text in enumerate([*rows.tolist(), False]):
        if is_text and start is None:
            start = y
        elif not is_text and start is not None:
            if _TARGET_PITCH // 2 <= y - start <= _TARGET_PITCH * 2:
                runs.append((start, y, float(density[start:y].sum())))
            start = None
    pairs = [
        (a[0], b[1], a[2] + b[2])
        for a, b in itertools.pairwise(runs)
        if b[0] - a[1] <= _TARGET_PITCH * 2
    ]
    if not pairs:
        return band
    top, bottom, _ = max(pairs, key=lambda pair: pair[2])
    margin = _TARGET_PITCH * 2 // 3
    return band[max(0, top - margin) : min(band.shape[0], bottom + margin)]


def attempts(band: Gray) -> list[Gray]:
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
