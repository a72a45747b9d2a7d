"""How long the print pack takes for a heavy case, and whether the event loop stays responsive.

    python bench/print_pack.py [--mb 20] [--runs 3]

First one PNG of about ``--mb`` megabytes of noise (the worst case: fpdf2 decodes and deflates
it again). Then about ``--mb`` megabytes of mixed attachments that do not compress (noise
photos as JPEG, a scanned-looking multi-page PDF of such photos, a noise PNG), and times:

- ``build_print_pack`` called directly, a few times;
- ``build_print_pack_async`` in a thread and in a process pool, while a ticker task measures
  the event loop's worst delay (what other users' updates would wait).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.issuance.model import PackAttachment, PrintPackInput
from bot.issuance.printpack import build_print_pack, build_print_pack_async
from bot.issuance.sample import sample_catalogs, sample_image, sample_pack, sample_pdf

THAI = (sample_catalogs().for_language("th"), sample_catalogs())


def heavy_attachments(megabytes: float) -> tuple[PackAttachment, ...]:
    photo = sample_image(2400, 1800, "JPEG", "PHOTO", noise=True, seed=1)
    scan = sample_pdf(4, "Scanned contract", photo=photo)
    png = sample_image(700, 900, "PNG", "SCAN", noise=True, seed=2)
    items = [
        PackAttachment(title="สัญญาอาสาสมัคร (สแกน)", mime_type="application/pdf", data=scan),
        PackAttachment(title="ใบรับรองแพทย์", mime_type="image/png", data=png),
    ]
    seed = 10
    while sum(len(a.data) for a in items) < megabytes * 1_000_000:
        data = sample_image(2400, 1800, "JPEG", "PHOTO", noise=True, seed=seed)
        items.append(
            PackAttachment(title=f"ภาพถ่ายกิจกรรม {seed - 9}", mime_type="image/jpeg", data=data)
        )
        seed += 1
    return tuple(items)


async def worst_loop_delay(
    pack: PrintPackInput, executor: ProcessPoolExecutor | None
) -> tuple[float, float]:
    """(seconds for the build, worst lateness of a 10 ms ticker meanwhile)."""
    worst = 0.0
    done = asyncio.Event()

    async def ticker() -> None:
        nonlocal worst
        while not done.is_set():
            before = time.perf_counter()
            await asyncio.sleep(0.01)
            worst = max(worst, time.perf_counter() - before - 0.01)

    task = asyncio.create_task(ticker())
    start = time.perf_counter()
    catalogs = sample_catalogs()
    await build_print_pack_async(pack, catalogs.for_language("th"), catalogs, executor)
    elapsed = time.perf_counter() - start
    done.set()
    await task
    return elapsed, worst


def one_big_png(megabytes: float) -> tuple[PackAttachment, ...]:
    # The worst case per byte: fpdf2 must decode a PNG and deflate it again.
    side = int((megabytes * 1_000_000 / 3) ** 0.5)
    data = sample_image(side, side, "PNG", "SCAN", noise=True, seed=3)
    return (PackAttachment(title="สแกนเอกสาร PNG", mime_type="image/png", data=data),)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=20)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    png_pack = sample_pack(attachments=one_big_png(args.mb))
    png_size = len(png_pack.attachments[0].data)
    start = time.perf_counter()
    build_print_pack(png_pack, *THAI)
    print(f"one {png_size / 1e6:.1f} MB PNG: {time.perf_counter() - start:.2f} s")
    attachments = heavy_attachments(args.mb)
    size = sum(len(a.data) for a in attachments)
    pack = sample_pack(attachments=attachments)
    print(f"mixed attachments: {len(attachments)} files, {size / 1e6:.1f} MB")
    for run in range(1, args.runs + 1):
        start = time.perf_counter()
        pdf = build_print_pack(pack, *THAI)
        label = "first in this process" if run == 1 else "again"
        print(
            f"build_print_pack run {run} ({label}): {time.perf_counter() - start:.2f} s, "
            f"output {len(pdf) / 1e6:.1f} MB"
        )
    elapsed, worst = asyncio.run(worst_loop_delay(pack, None))
    print(f"async, thread: {elapsed:.2f} s; worst event-loop delay {worst * 1000:.0f} ms")
    with ProcessPoolExecutor(max_workers=1) as pool:
        for label in ("cold worker", "warm worker"):
            elapsed, worst = asyncio.run(worst_loop_delay(pack, pool))
            print(
                f"async, process pool ({label}): {elapsed:.2f} s; "
                f"worst event-loop delay {worst * 1000:.0f} ms"
            )


if __name__ == "__main__":
    main()
