"""Small but real sample files for the demo: one-page PDFs and a PNG photo.

Written by hand rather than with fpdf2 so that seeding a hundred attachments stays instant;
the bot checks only the type signature, officers open them in any PDF viewer.
"""

from __future__ import annotations

import struct
import zlib


def _pdf_text(value: str) -> str:
    ascii_only = value.encode("ascii", "replace").decode("ascii")
    return ascii_only.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def pdf(title: str, *lines: str) -> bytes:
    """An A4 page with a title and a few lines of Helvetica text (ASCII)."""
    body = ["BT", "/F1 20 Tf", "60 770 Td", f"({_pdf_text(title)}) Tj", "/F1 12 Tf"]
    for line in (*lines, "", "Sample document made by the sandbox (--demo)."):
        body += ["0 -22 Td", f"({_pdf_text(line)}) Tj"]
    body.append("ET")
    stream = "\n".join(body).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int = 120, height: int = 160, seed: int = 0) -> bytes:
    """A passport-style placeholder: a soft gradient with a darker head-and-shoulders shape."""
    rows = []
    for y in range(height):
        row = bytearray([0])  # filter type: none
        for x in range(width):
            head = (x - width / 2) ** 2 + (y - height * 0.38) ** 2 < (width * 0.2) ** 2
            body = y > height * 0.62 and abs(x - width / 2) < width * (0.18 + (y / height) * 0.25)
            shade = 90 if head or body else 200 + (y * 40) // height
            row += bytes(((shade + seed * 17) % 256, shade, (shade + 30) % 256))
        rows.append(bytes(row))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + _chunk(b"IEND", b"")
    )
