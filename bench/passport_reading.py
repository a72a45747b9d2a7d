"""How long reading one passport page takes, per kind of upload, one page at a time.

    python bench/passport_reading.py [--people 12]

Draws `--people` passport data pages (`bot/testing/passport_pages.py`), each as a clean PNG,
a phone photo and a scanned PDF, then reads them one after another with `read_passport`
(the worker thread included), and prints the median, 95th percentile and worst wall time
per kind, how many read with every field exact, and the event loop's worst delay meanwhile
(a 10 ms ticker: what other users' updates would wait), then the worst case: a page of print
with no zone, where every attempt is made. Needs Tesseract and `fonts-ocr-b`.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import random
import sys
import time
from datetime import date
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import machine, ms, percentile
from bot.passport import FIELDS, engine_available, read_passport
from bot.testing import passport_pages as pages

TODAY = date(2026, 12, 2)


def uploads(people: int) -> list[tuple[str, bytes, str, dict[str, str]]]:
    made = []
    for index, person in enumerate(pages.identities(people)):
        page = pages.data_page(person)
        expected = person.expected()
        made.append(("png", pages.png(page), "image/png", expected))
        made.append(("photo", pages.photo(page, index), "image/jpeg", expected))
        made.append(("pdf", pages.scan_pdf(page, index), "application/pdf", expected))
    return made


async def run(people: int) -> None:
    made = uploads(people)
    timings: dict[str, list[float]] = {"png": [], "photo": [], "pdf": []}
    exact: dict[str, int] = dict.fromkeys(timings, 0)
    worst_delay = 0.0
    done = asyncio.Event()

    async def ticker() -> None:
        nonlocal worst_delay
        while not done.is_set():
            before = time.perf_counter()
            await asyncio.sleep(0.01)
            worst_delay = max(worst_delay, time.perf_counter() - before - 0.01)

    async def reads() -> None:
        for kind, data, mime, expected in made:
            started = time.perf_counter()
            reading = await read_passport(data, mime, today=TODAY)
            timings[kind].append(time.perf_counter() - started)
            if reading is not None:
                values = {}
                for field in FIELDS:
                    value = getattr(reading, field).value
                    values[field] = value.isoformat() if isinstance(value, date) else value
                exact[kind] += values == expected
        done.set()

    await asyncio.gather(reads(), ticker())
    print(machine())
    print(f"{people} people, one page at a time; wall time per page in ms")
    print(f"{'kind':<6} {'median':>8} {'p95':>8} {'max':>8}  exact")
    for kind, values in timings.items():
        print(
            f"{kind:<6} {ms(percentile(values, 50)):>8} {ms(percentile(values, 95)):>8} "
            f"{ms(max(values)):>8}  {exact[kind]}/{len(values)}"
        )
    print(f"event loop's worst delay meanwhile: {ms(worst_delay)} ms")
    # The worst case: a page with print but no zone, where every attempt is made.
    no_zone = []
    for seed in range(3):
        data = text_page(seed)
        started = time.perf_counter()
        assert await read_passport(data, "image/jpeg", today=TODAY) is None
        no_zone.append(time.perf_counter() - started)
    print(f"a page of print without a zone: worst {ms(max(no_zone))} ms of 3")


def text_page(seed: int) -> bytes:
    """A photo-sized page of lines of text and no MRZ."""
    rng = random.Random(seed)
    page = Image.new("RGB", (1280, 960), (240, 240, 232))
    draw = ImageDraw.Draw(page)
    font = ImageFont.load_default(26)
    for y in range(40, 920, 44):
        words = rng.choices(["FOUNDATION", "VOLUNTEER", "CHIANG MAI", "2026", "LETTER"], k=6)
        draw.text((40, y), " ".join(words), font=font, fill=(20, 20, 20))
    out = io.BytesIO()
    page.save(out, format="JPEG", quality=80)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=12)
    args = parser.parse_args()
    if not engine_available() or not pages.fonts_available():
        sys.exit("needs Tesseract (apt-get install tesseract-ocr) and fonts-ocr-b")
    asyncio.run(run(args.people))


if __name__ == "__main__":
    main()
