"""How long the print pack takes for a heavy case, and whether the event loop stays responsive.

    python bench/print_pack.py [--mb 20] [--runs 3]
    python bench/print_pack.py --largest    # memory: nine of the largest images accepted

First one PNG of about ``--mb`` megabytes of noise (the worst case: fpdf2 decodes and deflates
it again). Then about ``--mb`` megabytes of mixed attachments that do not compress (noise
photos as JPEG, a scanned-looking multi-page PDF of such photos, a noise PNG), and times:

- ``build_print_pack`` called directly, a few times;
- ``build_print_pack_async`` in a thread and in a process pool, while a ticker task measures
  the event loop's worst delay (what other users' updates would wait).

``--largest`` builds, in a fresh process, a pack of nine images each at the pixel limit
(``MAX_IMAGE_PIXELS``, the upload limit: 50 MP) and under the 20 MB upload limit, PNG and
JPEG, and reports the peak resident memory growth while the pack (PDF and .docx) is built,
and its time; then the
same for two 13,000 x 13,000 PNG bombs of half a megabyte (refused from their headers).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import random
import resource
import subprocess
import sys
import tempfile
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


def largest_image(seed: int, fmt: str) -> bytes:
    """A scan-like image at the pixel limit (8160 x 6120 = 49.9 MP, a 50 MP camera) with noise, so
    that it is near the 20 MB upload limit without being a flat-colour toy."""
    from PIL import Image, ImageDraw

    from bot.issuance.images import MAX_IMAGE_PIXELS

    width, height = 8160, 6120
    assert width * height <= MAX_IMAGE_PIXELS
    image = Image.new("RGB", (width, height), (250, 248, 240))
    draw = ImageDraw.Draw(image)
    for row in range(40):
        right = 300 + (row * 997 + seed * 131) % 6500
        draw.rectangle((300, 200 + row * 130, right, 260 + row * 130), fill=(60, 60, 60))
    side = 2400 if fmt == "PNG" else 3000
    noise = Image.frombytes("RGB", (side, side), random.Random(seed).randbytes(side * side * 3))
    image.paste(noise, (width - side - 200, height - side - 200))
    out = io.BytesIO()
    image.save(out, format=fmt, **({"quality": 92} if fmt == "JPEG" else {"compress_level": 1}))
    return out.getvalue()


def measure_in_child(paths: list[str]) -> None:
    """Run in a fresh process: build the pack from image files, print memory and time."""
    from bot.issuance.wordfile import build_word_file

    attachments = []
    for path in paths:
        data = Path(path).read_bytes()
        mime = "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"
        attachments.append(PackAttachment(title=Path(path).name, mime_type=mime, data=data))
    pack = sample_pack(attachments=tuple(attachments))
    build_print_pack(sample_pack(attachments=()), *THAI)  # fonts, word list: loaded once
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    pdf = build_print_pack(pack, *THAI)
    word = build_word_file(pack, THAI[1])
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size = sum(len(a.data) for a in attachments) / 1e6
    print(
        f"  {len(attachments)} images, {size:.1f} MB in: {elapsed:.2f} s, pack {len(pdf) / 1e6:.1f}"
        f" MB + .docx {len(word) / 1e3:.0f} kB; resident before {before:.0f} MB, peak"
        f" {after:.0f} MB, growth {after - before:.0f} MB"
    )


def run_largest() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = []
        for seed in range(9):
            fmt = "PNG" if seed % 2 == 0 else "JPEG"
            path = folder / f"largest-{seed}.{fmt.lower()}"
            path.write_bytes(largest_image(seed, fmt))
            paths.append(str(path))
        sizes = ", ".join(f"{Path(p).stat().st_size / 1e6:.1f}" for p in paths)
        print(f"nine images at 8160 x 6120 (49.9 MP), MB: {sizes}")
        subprocess.run([sys.executable, __file__, "--child", *paths], check=True)
        bombs = []
        for seed in range(2):
            path = folder / f"bomb-{seed}.png"
            path.write_bytes(bomb_png(13_000, 13_000))
            bombs.append(str(path))
        print("two 13,000 x 13,000 PNG bombs:")
        subprocess.run([sys.executable, __file__, "--child", *bombs], check=True)


def bomb_png(width: int, height: int) -> bytes:
    """A flat-colour PNG of ``width`` x ``height``: half a megabyte for 13,000 x 13,000."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + b"\xff" * (width * 3)
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        measure_in_child(sys.argv[2:])
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--largest", action="store_true", help="memory with the largest images")
    args = parser.parse_args()
    if args.largest:
        run_largest()
        return
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
