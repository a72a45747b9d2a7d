"""Synthetic passport data pages for the MRZ reader's tests and benchmark.

Each identity becomes an ICAO 9303 TD3 data page (125 x 88 mm at 300 dpi) with its machine
readable zone set in OCR-B (Debian's `fonts-ocr-b`), and from it three uploads as a member would
send them: a clean PNG, a phone photo (skewed, sometimes sideways or upside down, noisy, unevenly
lit, JPEG-compressed to Telegram's 1280 px) and a scanned PDF (the page on an A4 sheet at 200
dpi). Everything is drawn from a seeded random generator, so every run makes the same files.
The check digits come from the `mrz` library's generator; `tests/test_passport_reading.py`
pins them to the specimen printed in ICAO 9303 part 4.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
from fpdf import FPDF
from mrz.generator.td3 import TD3CodeGenerator  # type: ignore[import-untyped]
from PIL import Image, ImageDraw, ImageFilter, ImageFont

OCR_B_FONT = Path("/usr/share/fonts/opentype/ocr-b/OCRB.otf")

# TD3 at 300 dpi; the MRZ's character pitch is 2.54 mm (10 characters per inch) = 30 px.
PAGE_SIZE = (1476, 1039)
MRZ_PITCH = 30
# ICAO codes that are not ISO 3166 alpha-3: the reader reports ISO alpha-3.
ICAO_TO_ISO = {"D": "DEU"}


def fonts_available() -> bool:
    """Whether the MRZ's font is installed (the rest of the page uses Pillow's own font)."""
    return OCR_B_FONT.exists()


@dataclass(frozen=True)
class Identity:
    """What one data page says, as the issuing state wrote it (already in the Latin script)."""

    surname: str
    given_names: str
    number: str
    nationality: str  # the MRZ's code: ICAO, so Germany is "D"
    birth: date
    sex: str
    expiry: date
    optional: str = ""

    def mrz(self) -> tuple[str, str]:
        """The two 44-character lines, names truncated as ICAO 9303 says (given names first)."""
        surname = _mrz_name(self.surname)
        given = _mrz_name(self.given_names)
        room = 39 - len(surname) - 2
        given = given[: max(room, 0)].rstrip("<")
        code = TD3CodeGenerator(
            "P",
            self.nationality,
            surname,
            given.replace("<", " "),
            self.number,
            self.nationality,
            self.birth.strftime("%y%m%d"),
            self.sex,
            self.expiry.strftime("%y%m%d"),
            self.optional,
            force=True,
        )
        line1, line2 = str(code).splitlines()
        return line1, line2

    def expected(self) -> dict[str, str]:
        """The values a perfect reading reports, in the reader's field names."""
        line1, _ = self.mrz()
        surname, _, given = line1[5:].rstrip("<").partition("<<")
        return {
            "surname": surname.replace("<", " ").strip(),
            "given_names": given.replace("<", " ").strip(),
            "number": self.number,
            "nationality": ICAO_TO_ISO.get(self.nationality, self.nationality),
            "birth_date": self.birth.isoformat(),
            "sex": self.sex,
            "expiry_date": self.expiry.isoformat(),
        }


def _mrz_name(name: str) -> str:
    return "<".join(part for part in name.upper().replace("-", " ").replace("'", "").split())


_SURNAMES = [
    "MUELLER-LUEDENSCHEIDT",
    "VAN DER BERG",
    "O'CONNOR",
    "NGUYEN",
    "SMITH",
    "DE LA CRUZ FERNANDEZ",
    "KOWALCZYK",
    "JOHANSSON",
    "TANAKA",
    "ABDULRAHMAN AL HASHIMI",
    "BJOERNSTAD",
    "WOLFESCHLEGELSTEINHAUSENBERGERDORFF",
    "LI",
    "OKONKWO",
    "SCHMIDT",
    "DUBOIS-LAMBERT",
    "PHOMMAVONG",
    "CHAN",
    "GARCIA MARQUEZ",
    "OYELARAN",
]
_GIVEN = [
    "ANNA MARIA",
    "JEAN-PIERRE FRANCOIS XAVIER",
    "SIOBHAN",
    "THI MINH KHAI",
    "JOHN",
    "MARIA DE LOS ANGELES",
    "ZBIGNIEW",
    "ELSA INGRID",
    "HIROSHI",
    "MOHAMMED IBRAHIM KHALIL",
    "SOLVEIG",
    "HUBERT BLAINE",
    "NA",
    "CHIAMAKA BLESSING",
    "KLAUS DIETER",
    "CAMILLE",
    "SOUKSAVANH",
    "WAI MAN",
    "GABRIEL JOSE",
    "OLUWASEUN",
]
_NATIONALITIES = ["GBR", "D", "FRA", "USA", "NLD", "JPN", "VNM", "LAO", "MMR", "AUS", "IRL", "NGA"]
# Document numbers mix the shapes passports use, including letters that look like digits
# (O, I, S, B, Z, G) and short numbers padded with fillers.
_NUMBER_SHAPES = [
    "AA9999999",
    "999999999",
    "A9999999",
    "99A999999",
    "AA999999",
    "9999999",
    "A99999999",
]


def identities(count: int = 36, seed: int = 9303) -> list[Identity]:
    """`count` distinct identities; long names, fillers and several nationalities among them."""
    rng = random.Random(seed)
    people: list[Identity] = []
    for index in range(count):
        shape = _NUMBER_SHAPES[index % len(_NUMBER_SHAPES)]
        number = "".join(
            rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZOISBZG") if c == "A" else rng.choice("0123456789")
            for c in shape
        )
        birth = date(rng.randint(1955, 2004), rng.randint(1, 12), rng.randint(1, 28))
        expiry = date(rng.randint(2026, 2035), rng.randint(1, 12), rng.randint(1, 28))
        optional = "".join(rng.choice("0123456789") for _ in range(rng.choice([0, 0, 9, 14])))
        people.append(
            Identity(
                surname=_SURNAMES[index % len(_SURNAMES)],
                given_names=_GIVEN[(index * 7) % len(_GIVEN)],
                number=number,
                nationality=_NATIONALITIES[index % len(_NATIONALITIES)],
                birth=birth,
                sex="MF"[rng.randint(0, 1)],
                expiry=expiry,
                optional=optional,
            )
        )
    return people


def data_page(person: Identity, lines: tuple[str, str] | None = None) -> Image.Image:
    """The data page as printed: header, photo, visual fields and the MRZ (or the given lines)."""
    line1, line2 = lines or person.mrz()
    page = Image.new("RGB", PAGE_SIZE, (236, 240, 230))
    draw = ImageDraw.Draw(page)
    # A faint guilloche-like background, as real pages have: the reader must ignore it.
    for y in range(0, PAGE_SIZE[1], 14):
        draw.line([(0, y), (PAGE_SIZE[0], y + 60)], fill=(222, 230, 220), width=2)
    bold = ImageFont.load_default(40)
    small = ImageFont.load_default(22)
    value = ImageFont.load_default(30)
    draw.text((60, 40), "PASSPORT / PASSEPORT", font=bold, fill=(40, 40, 90))
    draw.rectangle([(60, 150), (420, 620)], fill=(180, 185, 195), outline=(90, 90, 90), width=3)
    draw.ellipse([(150, 220), (330, 420)], fill=(150, 150, 160))
    draw.rectangle([(120, 430), (360, 620)], fill=(150, 150, 160))
    fields = [
        ("Type / Code / Passport No.", f"P   {line1[2:5]}   {person.number}"),
        ("Surname", line1[5:].partition("<<")[0].replace("<", " ")),
        ("Given names", line1[5:].partition("<<")[2].rstrip("<").replace("<", " ")),
        ("Nationality", person.nationality),
        ("Date of birth", person.birth.strftime("%d %b %Y").upper()),
        ("Sex", person.sex),
        ("Date of expiry", person.expiry.strftime("%d %b %Y").upper()),
    ]
    y = 140
    for label, text in fields:
        draw.text((470, y), label, font=small, fill=(70, 70, 110))
        draw.text((470, y + 26), text[:48], font=value, fill=(20, 20, 20))
        y += 72
    mrz_font = ImageFont.truetype(str(OCR_B_FONT), 41)
    left = (PAGE_SIZE[0] - 44 * MRZ_PITCH) // 2
    # Issuers space the two lines differently: 1.6 to 2.1 times the character pitch.
    spacing = 48 + sum(map(ord, person.number)) % 15
    for row, line in enumerate((line1, line2)):
        top = PAGE_SIZE[1] - 175 + row * spacing
        for column, char in enumerate(line):
            draw.text((left + column * MRZ_PITCH, top), char, font=mrz_font, fill=(15, 15, 15))
    return page


def png(page: Image.Image) -> bytes:
    """The clean page as an image file."""
    out = io.BytesIO()
    page.save(out, format="PNG")
    return out.getvalue()


def photo(page: Image.Image, seed: int) -> bytes:
    """A phone photo of the page: on a table, skewed, maybe turned, noisy, lit from one side."""
    rng = random.Random(seed)
    # Drawn straight at the photo's size (Telegram's 1280 px on the long side): cheaper than
    # shrinking a big picture, and the print ends up as soft as a phone makes it.
    scale = 1280 / (page.width * 1.35)
    page = page.resize(
        (round(page.width * scale), round(page.height * scale)), Image.Resampling.LANCZOS
    )
    width, height = page.size
    table = Image.new("RGB", (int(width * 1.35), int(height * 1.45)), (96, 74, 58))
    table.paste(page, ((table.width - width) // 2, (table.height - height) // 2))
    shot = table.rotate(
        rng.uniform(-7.0, 7.0), resample=Image.Resampling.BICUBIC, fillcolor=(96, 74, 58)
    )
    turn = rng.choice([0, 0, 0, 0, 90, 180, 270])
    if turn:
        shot = shot.rotate(turn, expand=True)
    shot = shot.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.8)))
    pixels = np.asarray(shot).astype(np.float32)
    generator = np.random.default_rng(seed)
    ramp = np.linspace(rng.uniform(0.65, 0.8), rng.uniform(1.0, 1.1), pixels.shape[1])
    pixels *= ramp[np.newaxis, :, np.newaxis]
    pixels += generator.normal(0.0, rng.uniform(5.0, 10.0), pixels.shape)
    shot = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    out = io.BytesIO()
    shot.save(out, format="JPEG", quality=rng.randint(60, 80))
    return out.getvalue()


def scan_pdf(page: Image.Image, seed: int) -> bytes:
    """A flatbed scan: the page on an A4 sheet at 200 dpi, slightly crooked, in a PDF."""
    rng = random.Random(seed)
    sheet = Image.new("L", (1654, 2339), 246)
    scaled = page.convert("L").resize((984, 693), Image.Resampling.LANCZOS)
    sheet.paste(scaled, (rng.randint(120, 500), rng.randint(120, 900)))
    sheet = sheet.rotate(rng.uniform(-2.0, 2.0), resample=Image.Resampling.BICUBIC, fillcolor=246)
    pixels = np.asarray(sheet).astype(np.float32)
    pixels += np.random.default_rng(seed).normal(0.0, 4.0, pixels.shape)
    sheet = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    scan = io.BytesIO()
    sheet.save(scan, format="JPEG", quality=85)
    pdf = FPDF(unit="mm", format="A4")
    pdf.add_page()
    pdf.image(io.BytesIO(scan.getvalue()), x=0, y=0, w=210, h=297)
    return bytes(pdf.output())
