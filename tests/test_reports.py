"""The division's reports (issue 17): figures checked against answers worked out by hand, the
.xlsx and the chart in both languages, who may see what, and the summary's length.

The cases are played through the real ``ActionSet`` on a controllable clock, in December 2026,
whose working days are (Thai holidays: Sat 5 and its substitute Mon 7, Thu 10 Constitution Day,
Thu 31 New Year's Eve):

    Tue 1, Wed 2, Thu 3, Fri 4, Tue 8, Wed 9, Fri 11, Mon 14 - Fri 18, Mon 21 - Fri 25,
    Mon 28, Tue 29, Wed 30

A stretch from day a to day b counts the working days after a up to and including b (as the
reminder clocks count). The report is for last month, asked on Tuesday 5 January 2027.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import struct
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PIL import Image

from bot.checklist import Checklist
from bot.config import REPO_ROOT
from bot.i18n import Catalogs, load_catalogs
from bot.kernel.inputs import FileMeta
from bot.reminders import ReminderSettings
from bot.reports.chart import render_chart
from bot.reports.figures import Count, Figures, Measure, StageFigures, nearest_rank
from bot.reports.periods import PeriodKind, custom, fiscal_year, last_month, this_month
from bot.reports.service import Report, ReportRefused, ReportRequest, ReportService
from bot.reports.summary import TELEGRAM_LIMIT, render_summary
from bot.reports.workbook import render_workbook
from bot.services.reminders import ReminderService
from bot.testing.clock import ManualClock
from bot.workdays import BANGKOK, WorkCalendar
from bot.workflow import BUCKET_OF, Bucket, Status
from storage import queue as queue_repo
from storage.db import Database
from storage.migrate import MIGRATIONS_DIR, migrate
from storage.models import Case
from tests.case_actions import ActionSet
from tests.conftest import World, seed_world

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    return load_catalogs(REPO_ROOT / "locales")


@pytest.fixture
def cases(db: Database, checklist: Checklist, clock: ManualClock) -> ActionSet:
    return ActionSet.build(db, checklist, clock, WorkCalendar())


@pytest.fixture
def reports(db: Database, clock: ManualClock) -> ReportService:
    return ReportService(db, WorkCalendar(), clock, ReminderSettings().officer_days)


def at(clock: ManualClock, y: int, m: int, d: int, hour: int = 9) -> None:
    """Set the clock to a Bangkok wall-clock time."""
    clock.set(dt.datetime(y, m, d, hour, 0, tzinfo=BANGKOK))


def pdf(name: str) -> FileMeta:
    data = f"%PDF-1.4 {name}".encode()
    return FileMeta(name + ".pdf", "application/pdf", len(data), hashlib.sha256(data).hexdigest())


class Play:
    """One case moved through the services, each step on the day given (09:00 Bangkok)."""

    def __init__(self, cases: ActionSet, clock: ManualClock, world: World, member: int) -> None:
        self.cases, self.clock, self.world, self.member = cases, clock, world, member
        self.officer = world.officer if member != world.other_member else world.officer_elsewhere
        self.case: Case | None = None

    @property
    def c(self) -> Case:
        assert self.case is not None
        return self.case

    async def submit(self, m: int, d: int, y: int = 2026) -> Play:
        at(self.clock, y, m, d)
        case = await self.cases.application.create_draft(
            self.member, volunteer_name=f"VOLUNTEER {m}-{d}", passport_no="AB1234567", details={}
        )
        for item in self.cases.kernel.checklist.required:
            out, _ = await self.cases.application.upload_attachment(
                self.member, case.id, case.version, item.key, pdf(item.key)
            )
            case = out.case
        self.case = (await self.cases.application.submit(self.member, case.id, case.version)).case
        return self

    async def correction(self, m: int, d: int) -> Play:
        at(self.clock, 2026, m, d)
        flagged = (await self.cases.kernel.current_attachments(self.c.id))[0]
        c = self.c
        c = (
            await self.cases.review.mark_attachment(
                self.officer, c.id, c.version, flagged.id, "needs_correction", "ไม่ชัด"
            )
        ).case
        self.case = (
            await self.cases.review.request_correction(
                self.officer, c.id, c.version, None, internal_note="SECRET NOTE"
            )
        ).case
        return self

    async def resubmit(self, m: int, d: int) -> Play:
        at(self.clock, 2026, m, d)
        flagged = next(
            a
            for a in await self.cases.kernel.current_attachments(self.c.id)
            if a.verdict == "needs_correction"
        )
        out, _ = await self.cases.application.upload_attachment(
            self.member, self.c.id, self.c.version, flagged.item, pdf("fixed")
        )
        self.case = (
            await self.cases.correction.resubmit(self.member, self.c.id, out.case.version)
        ).case
        return self

    async def documents_complete(self, m: int, d: int) -> Play:
        at(self.clock, 2026, m, d)
        c = (
            await self.cases.review.mark_remaining(
                self.officer, self.c.id, self.c.version, "complete"
            )
        ).case
        self.case = (
            await self.cases.review.documents_complete(
                self.officer, c.id, c.version, f"R{c.id}/2569"
            )
        ).case
        return self

    async def approve(self, m: int, d: int) -> Play:
        at(self.clock, 2026, m, d)
        c = (
            await self.cases.review.mark_remaining(
                self.officer, self.c.id, self.c.version, "correct"
            )
        ).case
        self.case = (await self.cases.consideration.approve(self.officer, c.id, c.version)).case
        return self

    async def not_approve(self, m: int, d: int) -> Play:
        at(self.clock, 2026, m, d)
        c = (
            await self.cases.review.mark_remaining(
                self.officer, self.c.id, self.c.version, "correct"
            )
        ).case
        self.case = (
            await self.cases.consideration.not_approve(self.officer, c.id, c.version, "ไม่ผ่าน")
        ).case
        return self

    async def issue(self, signing: tuple[int, int], done: tuple[int, int]) -> Play:
        at(self.clock, 2026, *signing)
        c = (
            await self.cases.issuing.send_for_signing(self.officer, self.c.id, self.c.version)
        ).case
        pickup = dt.datetime(2026, done[0], done[1], 10, 0, tzinfo=BANGKOK)
        c = (
            await self.cases.issuing.schedule_pickup(
                self.officer, c.id, c.version, pickup, "สำนักงาน"
            )
        ).case
        c = (
            await self.cases.issuing.upload_certificate(self.officer, c.id, c.version, pdf("cert"))
        )[0].case
        at(self.clock, 2026, *done)
        self.case = (await self.cases.issuing.complete(self.officer, c.id, c.version)).case
        return self

    async def return_case(self, m: int, d: int) -> Play:
        at(self.clock, 2026, m, d)
        self.case = (
            await self.cases.review.return_not_eligible(
                self.officer, self.c.id, self.c.version, "x"
            )
        ).case
        return self

    async def withdraw(self, m: int, d: int) -> Play:
        at(self.clock, 2026, m, d)
        self.case = (
            await self.cases.application.withdraw(self.member, self.c.id, self.c.version, "เปลี่ยนใจ")
        ).case
        return self

    async def abandon(self, m: int, d: int) -> Play:
        at(self.clock, 2026, m, d)
        # As the reminder scan closes a correction that never came (after 30 days).
        reminders = ReminderService(
            self.cases.kernel.db,
            self.cases.kernel,
            load_catalogs(REPO_ROOT / "locales"),
            ReminderSettings(),
            WorkCalendar(),
            self.clock,
        )
        self.case = (await reminders.close_abandoned(self.c.id, self.c.version, 30)).case
        return self


async def seed_december(cases: ActionSet, clock: ManualClock, world: World) -> dict[str, Case]:
    def play(member: int | None = None) -> Play:
        return Play(cases, clock, world, member or world.member)

    # A: completed, with a correction pause across two holidays.
    a = await play().submit(12, 1)  # Tue 1 Dec
    await a.correction(12, 3)  # preliminary, 1st stretch: 2, 3 = 2 days
    await a.resubmit(12, 11)  # correction: 4, 8, 9, 11 = 4 days (5-7 and 10 are off)
    await a.documents_complete(12, 14)  # preliminary, 2nd stretch: 14 = 1 -> 2 + 1 = 3 days
    await a.approve(12, 16)  # consideration: 15, 16 = 2 days
    await a.issue((12, 17), (12, 22))  # issuance 16 -> 22: 17, 18, 21, 22 = 4 days
    # end to end 1 -> 22: 2, 3, 4, 8, 9, 11, 14-18, 21, 22 = 13 days
    # B: returned at the check across the substitute holiday.
    b = await play().submit(12, 4)  # Fri 4 Dec
    await b.return_case(12, 9)  # preliminary: 8, 9 = 2 days (7 is off)
    # C: submitted in November, checked and not approved in December.
    c = await play().submit(11, 30)  # Mon 30 Nov: not received in December
    await c.documents_complete(12, 4)  # preliminary: 1, 2, 3, 4 = 4 days
    await c.not_approve(12, 11)  # consideration: 8, 9, 11 = 3 days (7, 10 off)
    # D: withdrawn during the check: counted as withdrawn, its check not measured.
    d = await play().submit(12, 8)
    await d.withdraw(12, 15)
    # E: correction requested in November, never answered, closed on 3 December.
    e = await play().submit(11, 2)
    await e.correction(11, 3)
    await e.abandon(12, 3)
    # F: received, waiting for a correction at the end of the month: nothing measured.
    f = await play().submit(12, 16)
    await f.correction(12, 18)
    # G: a correction round answered in December, the check still open.
    g = await play().submit(12, 21)
    await g.correction(12, 22)
    await g.resubmit(12, 28)  # correction: 23, 24, 25, 28 = 4 days
    # H: the other province (Phuket): only in every province's figures.
    h = await play(world.other_member).submit(12, 1)
    await h.documents_complete(12, 8)  # preliminary: 2, 3, 4, 8 = 4 days
    # J: submitted and returned in November: not in December's report at all.
    j = await play().submit(11, 2)
    await j.return_case(11, 3)
    at(clock, 2027, 1, 5)  # Tuesday 5 January 2027: "last month" is December 2026
    return {k: v.c for k, v in zip("ABCDEFGHJ", (a, b, c, d, e, f, g, h, j), strict=True)}


def stage(figures: Figures, measure: Measure) -> StageFigures:
    return figures.stages[measure]


async def test_figures_match_the_hand_worked_answers(
    db: Database, cases: ActionSet, reports: ReportService, clock: ManualClock, world: World
) -> None:
    seeded = await seed_december(cases, clock, world)
    assert seeded["A"].status is Status.COMPLETED and seeded["G"].status is Status.AWAITING_RECHECK
    report = await reports.build(world.officer, ReportRequest(PeriodKind.LAST_MONTH))
    assert (report.period.first, report.period.last) == (
        dt.date(2026, 12, 1),
        dt.date(2026, 12, 31),
    )
    assert report.province == world.province
    total = report.total
    # Received: A, B, D, F, G (C and E came in November, H is in Phuket).
    assert total.counts == {
        Count.RECEIVED: 5,
        Count.COMPLETED: 1,  # A
        Count.RETURNED: 1,  # B (J was returned in November)
        Count.NOT_APPROVED: 1,  # C
        Count.WITHDRAWN: 1,  # D
        Count.ABANDONED: 1,  # E
    }
    # Preliminary check: A 3 (the correction pause left out), B 2, C 4 -> sorted 2, 3, 4:
    # median 3; 90th percentile = ceil(0.9 x 3) = 3rd value = 4; within 3 days: A, B = 2 of 3.
    assert stage(total, Measure.PRELIMINARY) == StageFigures(3, 3.0, 4, 3, 2)
    # The foundation's corrections: A 4, G 4 (E's never came): median 4, P90 2nd value 4.
    assert stage(total, Measure.CORRECTION) == StageFigures(2, 4.0, 4, None, None)
    # Consideration: A 2, C 3: median 2.5, P90 = ceil(1.8) = 2nd value = 3; both within 3.
    assert stage(total, Measure.CONSIDERATION) == StageFigures(2, 2.5, 3, 3, 2)
    # Issuance: A 4 (over the 3-day target).
    assert stage(total, Measure.ISSUANCE) == StageFigures(1, 4.0, 4, 3, 0)
    assert stage(total, Measure.END_TO_END) == StageFigures(1, 13.0, 13, None, None)
    assert stage(total, Measure.PRELIMINARY).within_share == pytest.approx(2 / 3)
    assert total.monthly == {dt.date(2026, 12, 1): (5, 1)}
    # The case list: every case open at some moment in December (not J, not Phuket's H).
    case_list = await reports.case_list(report)
    assert [c.tracking_no for c in case_list] == sorted(seeded[k].tracking_no for k in "ABCDEFG")
    a = next(c for c in case_list if c.tracking_no == seeded["A"].tracking_no)
    assert a.passport_no is None, "officers do not get passport numbers"
    assert (a.times.submitted, a.times.closed) == (dt.date(2026, 12, 1), dt.date(2026, 12, 22))
    assert a.times.correction_days() == 4 and len(a.times.corrections) == 1


async def test_every_province_and_per_province_for_central_staff(
    db: Database, cases: ActionSet, reports: ReportService, clock: ManualClock, world: World
) -> None:
    seeded = await seed_december(cases, clock, world)
    request = ReportRequest(PeriodKind.LAST_MONTH, per_province=True)
    report = await reports.build(world.central_officer, request)
    assert report.province is None and report.with_passports is False
    # H adds one received case and a 4-day check: 2, 3, 4, 4 -> median 3.5, P90 4th value 4.
    assert report.total.counts[Count.RECEIVED] == 6
    assert stage(report.total, Measure.PRELIMINARY) == StageFigures(4, 3.5, 4, 3, 2)
    assert set(report.by_province) == {world.province, world.other_province}
    phuket = report.by_province[world.other_province]
    assert phuket.counts[Count.RECEIVED] == 1
    assert stage(phuket, Measure.PRELIMINARY) == StageFigures(1, 4.0, 4, 3, 0)
    assert report.by_province[world.province].counts[Count.RECEIVED] == 5
    assert len(report.times) == len(await reports.case_list(report)) == 8
    # Admins get passport numbers; one province on request.
    admin = await reports.build(world.admin, ReportRequest(PeriodKind.LAST_MONTH, "83"))
    admin_list = await reports.case_list(admin)
    assert admin.with_passports and [c.passport_no for c in admin_list] == ["AB1234567"]
    assert admin_list[0].tracking_no == seeded["H"].tracking_no


async def test_officers_see_only_their_province_and_members_nothing(
    reports: ReportService, world: World
) -> None:
    for request in (
        ReportRequest(PeriodKind.THIS_MONTH, world.other_province),
        ReportRequest(PeriodKind.THIS_MONTH, per_province=True),
    ):
        with pytest.raises(ReportRefused):
            await reports.build(world.officer, request)
    for user in (world.member, world.stranger, 999999):
        with pytest.raises(ReportRefused):
            await reports.build(user, ReportRequest(PeriodKind.THIS_MONTH))
    with pytest.raises(ReportRefused):
        await reports.build(world.admin, ReportRequest(PeriodKind.THIS_MONTH, "not a province"))


def test_periods_from_an_injected_now() -> None:
    # 23:30 on 31 October in Bangkok is still October there (16:30 UTC).
    now = dt.datetime(2026, 10, 31, 16, 30, tzinfo=dt.UTC)
    assert (this_month(now).first, this_month(now).last) == (
        dt.date(2026, 10, 1),
        dt.date(2026, 10, 31),
    )
    assert (last_month(now).first, last_month(now).last) == (
        dt.date(2026, 9, 1),
        dt.date(2026, 9, 30),
    )
    # October starts fiscal year 2027 (B.E. 2570); September still belongs to 2026's.
    year = fiscal_year(now)
    assert (year.first, year.last, year.fiscal_year) == (
        dt.date(2026, 10, 1),
        dt.date(2027, 9, 30),
        2027,
    )
    assert fiscal_year(dt.datetime(2026, 9, 30, 5, tzinfo=dt.UTC)).fiscal_year == 2026
    january = dt.datetime(2027, 1, 5, 2, tzinfo=dt.UTC)
    assert (last_month(january).first, last_month(january).last) == (
        dt.date(2026, 12, 1),
        dt.date(2026, 12, 31),
    )
    assert len(fiscal_year(now).months()) == 12
    with pytest.raises(ValueError):
        custom(dt.date(2026, 12, 2), dt.date(2026, 12, 1))


def test_nearest_rank_percentile() -> None:
    values = list(range(1, 11))  # ceil(0.9 x 10) = 9th value
    assert nearest_rank(values, 0.9) == 9
    assert nearest_rank([7], 0.9) == 7
    assert nearest_rank(list(range(1, 21)), 0.9) == 18


@pytest.mark.parametrize("lang", ["th", "en"])
async def test_workbook_opens_with_the_expected_sheets_and_rows(
    db: Database,
    cases: ActionSet,
    reports: ReportService,
    clock: ManualClock,
    world: World,
    catalogs: Catalogs,
    lang: str,
) -> None:
    await seed_december(cases, clock, world)
    t = catalogs.for_language(lang)
    for user, per_province, passports in (
        (world.officer, False, False),
        (world.admin, True, True),
    ):
        request = ReportRequest(PeriodKind.LAST_MONTH, per_province=per_province)
        report = await reports.build(user, request)
        case_list = await reports.case_list(report)
        data = render_workbook(report, case_list, t)
        book = load_workbook(io.BytesIO(data), read_only=True)
        expected = [t.t("report.sheet.figures")]
        if per_province:
            expected.append(t.t("report.sheet.provinces"))
        expected.append(t.t("report.sheet.cases"))
        assert book.sheetnames == expected
        figures = [list(r) for r in book[t.t("report.sheet.figures")].iter_rows(values_only=True)]
        by_label = {r[0]: tuple(r[1:]) for r in figures if r and r[0]}
        assert by_label[t.t("report.count.received")][0] == report.total.counts[Count.RECEIVED]
        prelim = by_label[t.t("report.measure.preliminary")]
        assert prelim[:5] == ((4, 3.5, 4, 3, 2) if per_province else (3, 3, 4, 3, 2)), (
            "count, median, P90, target, within"
        )
        rows = [list(r) for r in book[t.t("report.sheet.cases")].iter_rows(values_only=True)]
        header, body = rows[0], rows[1:]
        assert len(body) == len(case_list) == (8 if per_province else 7)
        assert (t.t("report.col.passport_no") in header) is passports
        flat = " ".join(str(v) for r in rows for v in r)
        assert "SECRET NOTE" not in flat, "internal notes never reach the spreadsheet"
        assert ("AB1234567" in flat) is passports
        if per_province:
            provinces_rows = list(book[t.t("report.sheet.provinces")].iter_rows(values_only=True))
            assert len(provinces_rows) == 1 + 2
        book.close()


@pytest.mark.parametrize("lang", ["th", "en"])
async def test_chart_is_a_valid_png(
    db: Database,
    cases: ActionSet,
    reports: ReportService,
    clock: ManualClock,
    world: World,
    catalogs: Catalogs,
    lang: str,
) -> None:
    await seed_december(cases, clock, world)
    report = await reports.build(world.central_officer, ReportRequest(PeriodKind.FISCAL_YEAR))
    data = render_chart(report, catalogs.for_language(lang))
    assert data[:8] == PNG_SIGNATURE
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk comes first
    assert (width, height) == (1200, 960)
    with Image.open(io.BytesIO(data)) as image:
        image.verify()
    # Twelve months of the fiscal year on the axis: Buddhist era for Thai readers.
    assert len(report.total.monthly) == 12


@pytest.mark.parametrize("lang", ["th", "en"])
async def test_summary_in_both_languages(
    db: Database,
    cases: ActionSet,
    reports: ReportService,
    clock: ManualClock,
    world: World,
    catalogs: Catalogs,
    lang: str,
) -> None:
    await seed_december(cases, clock, world)
    t = catalogs.for_language(lang)
    report = await reports.build(world.officer, ReportRequest(PeriodKind.LAST_MONTH))
    text = render_summary(report, t)
    if lang == "th":
        assert "จังหวัดเชียงใหม่" in text and "เดือนธันวาคม 2569" in text
        assert "• ตรวจสอบเบื้องต้น: 3 เรื่อง, มัธยฐาน 3 วัน, P90 4 วัน, ทันกำหนด 3 วัน: 67% (2/3)" in text
        assert "• การพิจารณา: 2 เรื่อง, มัธยฐาน 2.5 วัน" in text
    else:
        assert "Chiang Mai" in text and "December 2026" in text
        assert (
            "• Preliminary check: 3 cases, median 3 days, 90th percentile 4 days,"
            " within 3 days: 67% (2/3)"
        ) in text
        assert "• Received: 5" in text
    assert "report." not in text, "every id has its words"


@pytest.mark.parametrize("lang", ["th", "en"])
def test_summary_fits_one_telegram_message_with_every_province(
    catalogs: Catalogs, lang: str
) -> None:
    from bot import provinces
    from bot.reports.figures import targets_from

    period = last_month(dt.datetime(2027, 1, 5, 2, tzinfo=dt.UTC))
    figures = Figures(
        dict.fromkeys(Count, 12345),
        {m: StageFigures(999, 12.5, 40, 3, 500) for m in Measure},
    )
    report = Report(
        period,
        None,
        dt.datetime(2027, 1, 5, 2, tzinfo=dt.UTC),
        figures,
        {p.code: figures for p in provinces.PROVINCES},
        {},
        targets_from(ReminderSettings().officer_days),
        False,
    )
    text = render_summary(report, catalogs.for_language(lang))
    assert len(text.encode("utf-16-le")) // 2 <= TELEGRAM_LIMIT
    more = catalogs.for_language(lang).t("report.provinces.more", count=0).split("0")[0]
    assert more in text, "the provinces that do not fit are counted"


async def test_status_counts_are_kept_by_the_database(
    db: Database, cases: ActionSet, clock: ManualClock, world: World
) -> None:
    await seed_december(cases, clock, world)
    for province in (world.province, world.other_province, None):
        where = "WHERE province = ?" if province else ""
        rows = await db.fetchall(
            f"SELECT status, COUNT(*) AS n FROM cases {where} GROUP BY status",
            (province,) if province else (),
        )
        counted = {Status(r["status"]): r["n"] for r in rows if r["status"] != "draft"}
        assert await queue_repo.status_counts(db.conn, province) == counted
        for bucket in Bucket:
            expected = sum(r["n"] for r in rows if BUCKET_OF[Status(r["status"])] is bucket)
            assert await queue_repo.bucket_size(db.conn, province, bucket) == expected


async def test_the_counts_migration_counts_the_cases_already_there(tmp_path: Path) -> None:
    before = tmp_path / "before"
    before.mkdir()
    for source in sorted(MIGRATIONS_DIR.glob("*.sql")):
        if source.name < "0007":
            (before / source.name).write_text(source.read_text("utf-8"), "utf-8")
    db = await Database.open(tmp_path / "old.sqlite3")
    try:
        await migrate(db, before)
        await seed_world(db, dt.datetime(2026, 11, 26, 2, tzinfo=dt.UTC))
        async with db.transaction() as conn:
            for n, (province, status) in enumerate(
                [
                    ("50", "awaiting_check"),
                    ("50", "awaiting_check"),
                    ("50", "completed"),
                    ("83", "awaiting_check"),
                    ("83", "draft"),
                ]
            ):
                await conn.execute(
                    "INSERT INTO cases (tracking_no, foundation_id, province, status, created_by,"
                    " created_at, updated_at) VALUES (?, 1, ?, ?, 1001, 'n', 'n')",
                    (f"VC{n}", province, status),
                )
        assert await migrate(db) == ["0007_status_counts_reports.sql"]
        assert await queue_repo.status_counts(db.conn, "50") == {
            Status.AWAITING_CHECK: 2,
            Status.COMPLETED: 1,
        }
        assert await queue_repo.status_counts(db.conn, None) == {
            Status.AWAITING_CHECK: 3,
            Status.COMPLETED: 1,
        }
        # Kept from then on by the triggers: a move between provinces and statuses, a delete.
        async with db.transaction() as conn:
            await conn.execute(
                "UPDATE cases SET province = '83', status = 'returned' WHERE tracking_no = 'VC0'"
            )
            await conn.execute("DELETE FROM cases WHERE tracking_no = 'VC2'")
        assert await queue_repo.status_counts(db.conn, "50") == {Status.AWAITING_CHECK: 1}
        assert await queue_repo.status_counts(db.conn, "83") == {
            Status.AWAITING_CHECK: 1,
            Status.RETURNED: 1,
        }
    finally:
        await db.close()


async def test_the_completed_list_is_newest_first_and_reads_an_index_backwards(
    db: Database, cases: ActionSet, clock: ManualClock, world: World
) -> None:
    seeded = await seed_december(cases, clock, world)
    for province in (world.province, None):
        page = await queue_repo.bucket_page(db.conn, province, Bucket.COMPLETED, 0, 10)
        closed = [r.closed_at for r in page]
        assert closed == sorted(closed, reverse=True), "most recently closed first"
    page = await queue_repo.bucket_page(db.conn, world.province, Bucket.COMPLETED, 0, 3)
    # A completed on 22 December, D withdrawn on the 15th, C not approved on the 11th (then B
    # on the 9th, E on the 3rd, J in November).
    assert [r.tracking_no for r in page] == [seeded[k].tracking_no for k in "ADC"]
    for province, index in (
        (world.province, "cases_closed_queue"),
        (None, "cases_closed_queue_all"),
    ):
        where = "c.province = ? AND " if province else ""
        params: tuple[object, ...] = (province,) if province else ()
        rows = await db.fetchall(
            "EXPLAIN QUERY PLAN SELECT c.id FROM cases c WHERE"
            f" {where}c.bucket = ? ORDER BY c.closed_at DESC, c.id DESC LIMIT 8 OFFSET 8",
            (*params, "completed"),
        )
        details = [str(r["detail"]) for r in rows]
        assert any(f"INDEX {index} (" in d for d in details), details
        assert not any("TEMP B-TREE" in d for d in details), details


def test_the_service_picks_the_period_asked_for(reports: ReportService, clock: ManualClock) -> None:
    at(clock, 2027, 1, 5)
    previous = reports.period(ReportRequest(PeriodKind.FISCAL_YEAR, fiscal_year=2026))
    assert (previous.first, previous.last) == (dt.date(2025, 10, 1), dt.date(2026, 9, 30))
    current = reports.period(ReportRequest(PeriodKind.FISCAL_YEAR))
    assert (current.first, current.last) == (dt.date(2026, 10, 1), dt.date(2027, 9, 30))
    chosen = reports.period(
        ReportRequest(PeriodKind.CUSTOM, first=dt.date(2026, 12, 1), last=dt.date(2026, 12, 15))
    )
    assert (chosen.kind, chosen.first, chosen.last) == (
        PeriodKind.CUSTOM,
        dt.date(2026, 12, 1),
        dt.date(2026, 12, 15),
    )
