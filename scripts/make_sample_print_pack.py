"""Write the sample print pack to docs/ so anyone can look at it without running the bot.

    python scripts/make_sample_print_pack.py [--pages N] [--out docs]

Writes ``sample-print-pack.pdf``, the editable ``sample-print-pack.docx`` (memo and
certificates, as sent with the PDF) and, with pdftoppm installed or pypdfium2 (a dependency),
PNG images of the PDF's first N pages (``sample-print-pack-p1.png`` ...). The case is made up
(``bot.issuance.sample``); offices and wording come from ``bot/issuance/office.toml``.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.issuance.printpack import build_print_pack  # noqa: E402
from bot.issuance.sample import sample_catalogs, sample_pack  # noqa: E402
from bot.issuance.wordfile import build_word_file  # noqa: E402

DPI = 72  # enough to judge layout; the PDF itself is the thing to zoom into


def render_pages(pdf: Path, pages: int, stem: Path) -> list[Path]:
    """PNG images of the first ``pages`` pages, by pdftoppm if present, else pypdfium2."""
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-png", "-r", str(DPI), "-f", "1", "-l", str(pages), str(pdf), str(stem)],
            check=True,
        )
        made = sorted(stem.parent.glob(f"{stem.name}-*.png"))
        # pdftoppm pads page numbers ("-01"); rename to the -pN names the docs link to.
        return [
            png.rename(stem.parent / f"{stem.name}-p{int(png.stem.rsplit('-', 1)[1])}.png")
            for png in made
        ]
    import pypdfium2 as pdfium

    out: list[Path] = []
    document = pdfium.PdfDocument(pdf)
    for index in range(min(pages, len(document))):
        path = stem.parent / f"{stem.name}-p{index + 1}.png"
        image = document[index].render(scale=DPI / 72).to_pil()
        # 16 grey levels keep text legible and the committed images a few dozen KiB each.
        image.convert("L").quantize(colors=16).save(path, optimize=True)
        out.append(path)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    parser.add_argument("--pages", type=int, default=4, help="pages to render as PNG (0: none)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    pdf = args.out / "sample-print-pack.pdf"
    catalogs = sample_catalogs()
    pack = sample_pack()
    pdf.write_bytes(build_print_pack(pack, catalogs.for_language("th"), catalogs))
    print(f"wrote {pdf} ({pdf.stat().st_size // 1024} KiB)")
    word = args.out / "sample-print-pack.docx"
    word.write_bytes(build_word_file(pack, catalogs))
    print(f"wrote {word} ({word.stat().st_size // 1024} KiB)")
    for old in args.out.glob("sample-print-pack-p*.png"):
        old.unlink()
    if args.pages:
        for png in render_pages(pdf, args.pages, args.out / "sample-print-pack"):
            print(f"wrote {png} ({png.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
