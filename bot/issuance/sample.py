"""A made-up approved case with generated attachments, for tests, the sample PDF and benchmarks.

Everything is drawn here (Pillow, fpdf2): nothing is downloaded and no real person's data is
used. ``noise=True`` makes images that JPEG cannot shrink, to reach realistic upload sizes.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from functools import cache

from PIL import Image, ImageDraw

from bot.config import REPO_ROOT
from bot.i18n import Catalogs, load_catalogs
from bot.issuance.config import IssuanceConfig, load_issuance_config
from bot.issuance.model import (
    FoundationInfo,
    HistoryEntry,
    PackAttachment,
    PrintPackInput,
    VolunteerInfo,
)
from bot.issuance.pdfdoc import ThaiPdf

BANGKOK = dt.timezone(dt.timedelta(hours=7))


@cache
def sample_catalogs() -> Catalogs:
    """The project's own catalogs, as the bot loads them at start-up."""
    return load_catalogs(REPO_ROOT / "locales")


def sample_pdf(pages: int = 2, title: str = "Passport copy", photo: bytes | None = None) -> bytes:
    """A small PDF standing in for an applicant's scan; ``photo`` (JPEG) fills each page."""
    pdf = ThaiPdf()
    for number in range(1, pages + 1):
        pdf.add_page()
        pdf.paragraph(f"{title} — page {number} of {pages}", size=18, bold=True)
        pdf.paragraph("สำเนาเอกสารตัวอย่างสำหรับทดสอบ (sample document for tests)", size=14)
        if photo is not None:
            pdf.image(io.BytesIO(photo), x=30, y=50, w=150)
    return pdf.to_bytes()


def sample_image(
    width: int, height: int, fmt: str, label: str = "", noise: bool = False, seed: int = 1
) -> bytes:
    """A JPEG or PNG "scan": a pale page with a frame, some bars and a label."""
    if noise:
        image = Image.frombytes(
            "RGB", (width, height), random.Random(seed).randbytes(width * height * 3)
        )
    else:
        image = Image.new("RGB", (width, height), (250, 248, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, width - 11, height - 11), outline=(30, 60, 120), width=8)
    for row in range(6):
        y = height // 5 + row * height // 10
        draw.rectangle(
            (width // 10, y, width * (6 + row % 3) // 10, y + height // 40), fill=(90, 90, 90)
        )
    if label:
        draw.text((width // 10, height // 12), label, fill=(0, 0, 0))
    out = io.BytesIO()
    image.save(out, format=fmt, **({"quality": 90} if fmt == "JPEG" else {}))
    return out.getvalue()


def sample_attachments() -> tuple[PackAttachment, ...]:
    """One PDF, one JPEG (portrait photo) and one PNG (landscape scan)."""
    return (
        PackAttachment(
            title="สำเนาหนังสือเดินทาง (Passport copy)",
            mime_type="application/pdf",
            data=sample_pdf(2),
        ),
        PackAttachment(
            title="รูปถ่ายอาสาสมัคร",
            mime_type="image/jpeg",
            data=sample_image(900, 1200, "JPEG", "PHOTO"),
        ),
        PackAttachment(
            title="หนังสือรับรองการจดทะเบียนมูลนิธิ",
            mime_type="image/png",
            data=sample_image(1400, 1000, "PNG", "REGISTRATION"),
        ),
    )


def sample_pack(
    config: IssuanceConfig | None = None,
    attachments: tuple[PackAttachment, ...] | None = None,
    province: str = "50",
) -> PrintPackInput:
    config = config or load_issuance_config()
    return PrintPackInput(
        office=config.office_for(province),
        memo=config.memo,
        certificate=config.certificate,
        foundation=FoundationInfo(
            name_th="มูลนิธิเพื่อการพัฒนาเด็กและเยาวชนภาคเหนือ",
            name_en="Foundation for Northern Children and Youth Development",
            registration_no="ชม. 123/2545",
            address="99/9 หมู่ 4 ตำบลสุเทพ อำเภอเมืองเชียงใหม่ จังหวัดเชียงใหม่ 50200",
        ),
        volunteer=VolunteerInfo(
            name="ANNA MARIA SCHMIDT",
            nationality="DE",
            passport_no="C01X00T47",
            date_of_birth=dt.date(1998, 3, 14),
            position="อาสาสมัครสอนภาษาอังกฤษ",
            duties="สอนภาษาอังกฤษให้เด็กและเยาวชนในชุมชน จัดกิจกรรมเสริมทักษะชีวิต "
            "และช่วยเหลือครูในศูนย์การเรียนรู้ชุมชนสัปดาห์ละห้าวัน",
            place_of_work="ศูนย์การเรียนรู้ชุมชนบ้านป่าสัก ตำบลสุเทพ อำเภอเมืองเชียงใหม่ จังหวัดเชียงใหม่",
            period_start=dt.date(2027, 1, 1),
            period_end=dt.date(2027, 12, 31),
        ),
        tracking_no="VC-2569-000123",
        receipt_no="ชม 45/2569",
        prepared_on=dt.date(2026, 11, 26),
        history=(
            HistoryEntry(
                when=dt.datetime(2026, 10, 5, 9, 12, tzinfo=BANGKOK),
                action="ยื่นคำขอ",
            ),
            HistoryEntry(
                when=dt.datetime(2026, 10, 8, 14, 30, tzinfo=BANGKOK),
                action="ให้ผู้ยื่นดำเนินการเพิ่มเติม",
                comment="สำเนาหนังสือเดินทางไม่ชัดเจน กรุณาแนบไฟล์ใหม่ที่อ่านออกทุกหน้า",
            ),
            HistoryEntry(
                when=dt.datetime(2026, 10, 12, 10, 5, tzinfo=BANGKOK),
                action="ผู้ยื่นแก้ไขและส่งคืน",
            ),
            HistoryEntry(
                when=dt.datetime(2026, 10, 15, 11, 0, tzinfo=BANGKOK),
                action="แบบฟอร์มเอกสารครบถ้วน",
                comment="เอกสารครบถ้วน ออกเลขที่รับเรื่อง ชม 45/2569",
            ),
            HistoryEntry(
                when=dt.datetime(2026, 11, 20, 15, 45, tzinfo=BANGKOK),
                action="อนุญาต",
                comment="คุณสมบัติเป็นไปตามประกาศกรมพัฒนาสังคมและสวัสดิการ",
            ),
        ),
        attachments=sample_attachments() if attachments is None else attachments,
    )
