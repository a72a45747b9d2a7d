"""People and cases for the sandbox, made through the services as the chats would make them.

Always: the sandbox officer is made an officer by the admin's invitation (for every province
without ``--demo``, so whatever province a foundation registers in reaches them).

``--demo`` adds three foundations (two in Chiang Mai, the sandbox member's among them, one in
Phuket), more officers, and cases at every stage: a draft being filled in, waiting for the
first check, returned for correction, corrected, under consideration, approved, at signing,
completed, returned as not eligible and not approved.

Seeding runs before the bot starts. The notifications it queues describe a past nobody saw,
so they are marked sent (through the outbox repository: no service discards notifications)
and the chats open empty, ready for /start.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from bot import provinces
from bot.field_rules import add_years
from bot.kernel.inputs import FileMeta
from bot.runtime import Services
from bot.sandbox import samples
from bot.sandbox.people import Person
from bot.services import wizard
from bot.services.foundation_form import FOUNDATION_FIELDS
from bot.services.volunteer_form import VOLUNTEER_FIELDS, VolunteerForm
from bot.workflow import Status
from storage import outbox as outbox_repo
from storage.models import Case

CHIANG_MAI, PHUKET = "50", "83"


@dataclass(frozen=True, slots=True)
class DemoFoundation:
    founder: int
    founder_name: str
    answers: dict[str, str]
    """What the founder typed (or the token of the button pressed) for each field."""


@dataclass(frozen=True, slots=True)
class DemoCase:
    foundation: int  # index into FOUNDATIONS
    name: str
    nationality: str
    passport_no: str
    sex: str
    position: str
    target: Status


def _foundation(kind: str, th: str, en: str, reg: str, province: str, phone: str) -> dict[str, str]:
    place = provinces.name_of(province, "th")
    return {
        "kind": kind,
        "name_th": th,
        "name_en": en,
        "registration_no": reg,
        "province": province,
        "address": f"99 หมู่ 4 ตำบลในเมือง อำเภอเมือง จังหวัด{place}",
        "phone": phone,
        "email": f"office@{en.split()[0].lower()}.example.org",
    }


FOUNDATIONS: tuple[DemoFoundation, ...] = (
    DemoFoundation(
        0,  # replaced by the sandbox member
        "",
        _foundation(
            "foundation",
            "มูลนิธิบ้านรักษ์เด็ก",
            "Baan Rak Dek Foundation",
            "ชม 101",
            CHIANG_MAI,
            "053111222",
        ),
    ),
    DemoFoundation(
        100_003,
        "ประภาพร",
        _foundation(
            "association",
            "สมาคมอาสาพัฒนาชนบท",
            "Rural Volunteers Association",
            "ชม 202",
            CHIANG_MAI,
            "053333444",
        ),
    ),
    DemoFoundation(
        100_004,
        "Kittisak",
        _foundation(
            "foundation",
            "มูลนิธิเต่าทะเลอันดามัน",
            "Andaman Sea Turtle Foundation",
            "ภก 303",
            PHUKET,
            "076555666",
        ),
    ),
)
MEMBER_COLLEAGUE = (100_002, "มานพ")  # joins the sandbox member's foundation by invitation
OFFICER_COLLEAGUE = (200_002, "กัญญา", CHIANG_MAI)
OFFICER_PHUKET = (200_003, "Somsak", PHUKET)

S = Status
CASES: tuple[DemoCase, ...] = (
    DemoCase(0, "JOHN SMITH", "British", "GB1234567", "m", "English teacher", S.COMPLETED),
    DemoCase(0, "EMMA JOHANSSON", "Swedish", "SE7654321", "f", "Nurse", S.AWAITING_CORRECTION),
    DemoCase(0, "LUCAS MULLER", "German", "C01X00T47", "m", "Carpenter", S.AWAITING_CHECK),
    DemoCase(0, "AIKO TANAKA", "Japanese", "TK0246813", "f", "Art teacher", S.AWAITING_ISSUANCE),
    DemoCase(
        1, "NOAH WILLIAMS", "Australian", "PA9081726", "m", "Farm advisor", S.AWAITING_RECHECK
    ),
    DemoCase(
        1, "CHLOE MARTIN", "French", "18FR42519", "f", "Social worker", S.AWAITING_CONSIDERATION
    ),
    DemoCase(1, "LIAM O'BRIEN", "Irish", "PE3141592", "m", "Water engineer", S.AWAITING_SIGNATURE),
    DemoCase(1, "SOFIA ROSSI", "Italian", "YA2718281", "f", "Photographer", S.RETURNED),
    DemoCase(
        2, "DAVID KIM", "South Korean", "M12345678", "m", "Marine biologist", S.AWAITING_CHECK
    ),
    DemoCase(2, "ANNA NOWAK", "Polish", "EA1618033", "f", "Diving instructor", S.NOT_APPROVED),
)
DRAFT = DemoCase(0, "MARIA GARCIA", "Spanish", "XDA123456", "f", "Music teacher", S.DRAFT)


async def staff_officer(
    services: Services, admin: Person, officer: Person, province: str | None
) -> None:
    """The admin invites the officer and the officer opens the link, as in the chats."""
    await services.users.seen(admin.user_id, admin.first_name, admin.language)
    await _officer(services, admin.user_id, officer.user_id, officer.first_name, province)


async def _officer(
    services: Services, admin_id: int, user_id: int, name: str, province: str | None
) -> None:
    await services.users.seen(user_id, name, "th")
    code = await services.invites.create(admin_id, "officer", province=province)
    await services.invites.redeem(user_id, code)


async def seed(services: Services, member: Person, officer: Person, admin: Person) -> None:
    await staff_officer(services, admin, officer, CHIANG_MAI)
    for user_id, name, province in (OFFICER_COLLEAGUE, OFFICER_PHUKET):
        await _officer(services, admin.user_id, user_id, name, province)
    founders = []
    for foundation in FOUNDATIONS:
        founder = foundation.founder or member.user_id
        await _register(
            services, founder, foundation.founder_name or member.first_name, foundation.answers
        )
        founders.append(founder)
    await _join(services, founders[0], *MEMBER_COLLEAGUE)
    actors = {CHIANG_MAI: officer.user_id, PHUKET: OFFICER_PHUKET[0]}
    for number, demo in enumerate(CASES, start=1):
        province = FOUNDATIONS[demo.foundation].answers["province"]
        # One case is the colleague's, so the sandbox officer sees a case someone else holds.
        acting = OFFICER_COLLEAGUE[0] if demo.target is S.AWAITING_ISSUANCE else actors[province]
        maker = _CaseMaker(services, founders[demo.foundation], acting, number)
        await maker.bring_to(await maker.submitted(demo, province), demo.target)
    await _draft(services, member.user_id, DRAFT)
    await quiet_outbox(services)


async def quiet_outbox(services: Services) -> None:
    """Mark every queued notification sent: they tell of a seeded past, not of news."""
    later = services.clock() + timedelta(days=365)
    async with services.db.transaction() as conn:
        while due := await outbox_repo.due(conn, later):
            for row in due:
                await outbox_repo.mark_sent(conn, row.id, services.clock())


# ---- people ----


async def _register(services: Services, user_id: int, name: str, answers: dict[str, str]) -> None:
    """Answer the registration form field by field, as the founder would in the chat."""
    await services.users.seen(user_id, name, "th")
    await services.foundations.accept_privacy(user_id)
    draft = await services.foundations.registration(user_id)
    while draft.step != wizard.SUMMARY:
        spec = wizard.spec_of(FOUNDATION_FIELDS, draft.step)
        assert spec is not None, f"unknown registration step {draft.step!r}"
        pressed = spec.key if spec.kind in wizard.BUTTON_KINDS else None
        draft = await services.foundations.registration_answer(user_id, answers[spec.key], pressed)
    await services.foundations.register(user_id)


async def _join(services: Services, founder: int, user_id: int, name: str) -> None:
    await services.users.seen(user_id, name, "th")
    await services.foundations.accept_privacy(user_id)
    code = await services.foundations.invite_link_code(founder)
    await services.foundations.join(user_id, code)


# ---- cases ----


def _volunteer(demo: DemoCase, province: str, today: date) -> VolunteerForm:
    start = today + timedelta(days=30)
    given = demo.name.split()[0].lower().replace("'", "")
    # Validated like the chat's answers, so a demo case holds only what the bot would accept.
    return VolunteerForm.model_validate(
        {
            "full_name": demo.name,
            "nationality": demo.nationality,
            "passport_no": demo.passport_no,
            "passport_expiry": add_years(today, 4),
            "date_of_birth": date(1990 + len(demo.name) % 10, 1 + len(demo.position) % 12, 14),
            "sex": demo.sex,
            "email": f"{given}@volunteer.example.org",
            "position": demo.position,
            "duties": f"{demo.position} with the foundation's community programme, weekdays.",
            "work_address": "99 หมู่ 4 ตำบลในเมือง อำเภอเมือง",
            "work_province": province,
            "start_date": start,
            "end_date": start + timedelta(days=300),
            "allowance": False,
        }
    )


async def _draft(services: Services, member: int, demo: DemoCase) -> None:
    """An application with the details given and two documents sent: /continue picks it up."""
    apps = services.applications
    form = _volunteer(demo, CHIANG_MAI, apps.today()).details()
    draft = await apps.start(member, discard=True)
    while (spec := wizard.spec_of(VOLUNTEER_FIELDS, draft.step)) is not None:
        value = form[spec.key]
        if spec.kind == "choice":
            raw = next(c.token for c in spec.choices if c.value == value)
        elif spec.kind == "date":
            raw = date.fromisoformat(value).strftime("%d/%m/%Y")  # as a person types it
        else:
            raw = str(value)
        pressed = spec.key if spec.kind in wizard.BUTTON_KINDS else None
        draft = await apps.answer(member, raw, pressed)
    draft = await apps.consent(member)
    maker = _CaseMaker(services, member, member, 0)
    for item in services.checklist.items[:2]:
        draft, _ = await apps.add_file(member, maker.document(item.key, demo.name))


class _CaseMaker:
    """Takes one case from submission to a stage, one service call per step."""

    def __init__(self, services: Services, member: int, officer: int, number: int) -> None:
        self.services = services
        self.member = member
        self.officer = officer
        self.number = number

    def _file(self, data: bytes, name: str, mime: str) -> FileMeta:
        sha = self.services.files.put(data)
        return FileMeta(file_name=name, mime_type=mime, size=len(data), sha256=sha)

    def document(self, item: str, volunteer: str, revision: int = 1) -> FileMeta:
        if item == "photo":
            return self._file(samples.png(seed=self.number + revision), "photo.png", "image/png")
        name = self.services.kernel.checklist.get(item)
        title = name.name_en if name else item
        data = samples.pdf(title, f"Volunteer: {volunteer}", f"Revision {revision}")
        return self._file(data, f"{item}.pdf", "application/pdf")

    async def submitted(self, demo: DemoCase, province: str) -> Case:
        form = _volunteer(demo, province, self.services.applications.today())
        details: dict[str, Any] = {
            **form.details(),
            "consent_at": self.services.clock().isoformat(),
            "consent_by": self.member,
        }
        case = await self.services.application.create_draft(
            self.member, volunteer_name=demo.name, passport_no=demo.passport_no, details=details
        )
        for item in self.services.kernel.checklist.required:
            meta = self.document(item.key, demo.name)
            outcome, _ = await self.services.application.upload_attachment(
                self.member, case.id, case.version, item.key, meta
            )
            case = outcome.case
        return (await self.services.application.submit(self.member, case.id, case.version)).case

    async def bring_to(self, case: Case, target: Status) -> Case:
        steps = {
            S.AWAITING_CHECK: (),
            S.AWAITING_CORRECTION: (self._flag,),
            S.AWAITING_RECHECK: (self._flag, self._correct),
            S.RETURNED: (self._claim, self._not_eligible),
            S.AWAITING_CONSIDERATION: (self._check,),
            S.NOT_APPROVED: (self._check, self._not_approve),
            S.AWAITING_ISSUANCE: (self._check, self._approve),
            S.AWAITING_SIGNATURE: (self._check, self._approve, self._sign),
            S.COMPLETED: (self._check, self._approve, self._sign, self._complete),
        }[target]
        for step in steps:
            case = await step(case)
        assert case.status is target, (case.tracking_no, case.status, target)
        return case

    async def _claim(self, case: Case) -> Case:
        return (await self.services.review.claim(self.officer, case.id, case.version)).case

    async def _flag(self, case: Case) -> Case:
        case = await self._claim(case)
        passport = next(
            a
            for a in await self.services.kernel.current_attachments(case.id)
            if a.item == "passport_copy"
        )
        reason = "The passport copy is cut off at the bottom: please scan the whole page."
        case = (
            await self.services.review.mark_attachment(
                self.officer, case.id, case.version, passport.id, "needs_correction", reason
            )
        ).case
        comment = "Please send a complete copy of the passport's photo page."
        return (
            await self.services.review.request_correction(
                self.officer, case.id, case.version, comment
            )
        ).case

    async def _correct(self, case: Case) -> Case:
        meta = self.document("passport_copy", case.volunteer_name, revision=2)
        outcome, _ = await self.services.application.upload_attachment(
            self.member, case.id, case.version, "passport_copy", meta
        )
        case = outcome.case
        comment = "The whole page is scanned now."
        return (
            await self.services.correction.resubmit(
                self.member, case.id, case.version, comment=comment
            )
        ).case

    async def _not_eligible(self, case: Case) -> Case:
        reason = "Photography for the association's website is not volunteer work under the rules."
        return (
            await self.services.review.return_not_eligible(
                self.officer, case.id, case.version, reason
            )
        ).case

    async def _check(self, case: Case) -> Case:
        case = await self._claim(case)
        case = (
            await self.services.review.mark_remaining(
                self.officer, case.id, case.version, "complete"
            )
        ).case
        receipt = f"{self.number}/2569"
        return (
            await self.services.review.documents_complete(
                self.officer, case.id, case.version, receipt
            )
        ).case

    async def _not_approve(self, case: Case) -> Case:
        reason = "The work plan duplicates paid positions at the foundation."
        return (
            await self.services.consideration.not_approve(
                self.officer, case.id, case.version, reason
            )
        ).case

    async def _approve(self, case: Case) -> Case:
        case = (
            await self.services.review.mark_remaining(
                self.officer, case.id, case.version, "correct"
            )
        ).case
        return (await self.services.consideration.approve(self.officer, case.id, case.version)).case

    async def _sign(self, case: Case) -> Case:
        case = (
            await self.services.issuing.send_for_signing(self.officer, case.id, case.version)
        ).case
        tz = self.services.settings.tz
        day = self.services.applications.today() + timedelta(days=7)
        while day.weekday() >= 5:  # the office is open Monday to Friday
            day += timedelta(days=1)
        when = datetime.combine(day, time(10, 0), tzinfo=tz)
        office = provinces.name_of(case.province, "th")
        place = f"ศูนย์บริการ ชั้น 1 สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัด{office}"
        return (
            await self.services.issuing.schedule_pickup(
                self.officer, case.id, case.version, when, place
            )
        ).case

    async def _complete(self, case: Case) -> Case:
        data = samples.pdf("Certificate (sample)", f"Volunteer: {case.volunteer_name}")
        meta = self._file(data, f"certificate-{case.tracking_no}.pdf", "application/pdf")
        outcome, _ = await self.services.issuing.upload_certificate(
            self.officer, case.id, case.version, meta
        )
        case = outcome.case
        return (await self.services.issuing.complete(self.officer, case.id, case.version)).case
