"""The foundation services without Telegram: who may do what, and what is stored."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from bot.checklist import Checklist
from bot.field_rules import FieldError
from bot.kernel.errors import CaseNotFound, VersionConflict
from bot.kernel.inputs import FileMeta
from bot.privacy import load_privacy_notice
from bot.services.applications import ApplicationService, NoDraft
from bot.services.corrections import CorrectionService
from bot.services.foundations import FoundationService, NotAMember, PrivacyRequired
from bot.services.invites import InviteService
from bot.services.wizard import SUMMARY, StaleStep
from bot.testing.clock import ManualClock
from bot.workflow import IllegalTransition, NotAllowed, Role, Status
from storage import cases as cases_repo
from storage import foundation_queries as queries
from storage import users as users_repo
from storage.db import Database
from tests.case_actions import ActionSet
from tests.conftest import World

BANGKOK = ZoneInfo("Asia/Bangkok")
PDF = b"%PDF-1.4 test"


@pytest.fixture
def cases(db: Database, checklist: Checklist, clock: ManualClock) -> ActionSet:
    return ActionSet.build(db, checklist, clock)


@pytest.fixture
def foundations(db: Database, cases: ActionSet, clock: ManualClock) -> FoundationService:
    return FoundationService(
        db, cases.kernel, InviteService(db, clock), load_privacy_notice(), clock, BANGKOK
    )


@pytest.fixture
def applications(
    db: Database, cases: ActionSet, foundations: FoundationService, clock: ManualClock
) -> ApplicationService:
    return ApplicationService(
        db, cases.kernel, cases.application, foundations.notice.version, clock, BANGKOK
    )


def meta(item: str) -> FileMeta:
    return FileMeta(f"{item}.pdf", "application/pdf", len(PDF), "a" * 64)


async def submitted(cases: ActionSet, member: int) -> int:
    case = await cases.application.create_draft(
        member, volunteer_name="ANNA", passport_no="C01X00T47", details={"full_name": "ANNA"}
    )
    for item in cases.kernel.checklist.required:
        case = (
            await cases.application.upload_attachment(
                member, case.id, case.version, item.key, meta(item.key)
            )
        )[0].case
    return (await cases.application.submit(member, case.id, case.version)).case.id


async def test_registration_needs_the_privacy_notice_and_a_newcomer(
    foundations: FoundationService, db: Database, clock: ManualClock, world: World
) -> None:
    with pytest.raises(PrivacyRequired):
        await foundations.registration(world.stranger)
    await foundations.accept_privacy(world.stranger)
    await foundations.accept_privacy(world.stranger)  # twice is harmless
    draft = await foundations.registration(world.stranger)
    assert draft.step == "kind"
    await foundations.accept_privacy(world.member)
    with pytest.raises(NotAllowed) as member:
        await foundations.registration(world.member)
    assert member.value.msg_id == "foundation.error.already_member"
    with pytest.raises(NotAllowed):
        await foundations.registration(world.officer)
    # Confirming before the summary does nothing.
    with pytest.raises(StaleStep):
        await foundations.register(world.stranger)


async def test_a_registration_number_taken_meanwhile_is_refused_at_confirmation(
    foundations: FoundationService, db: Database, world: World
) -> None:
    user = world.stranger
    await foundations.accept_privacy(user)
    await foundations.registration(user)
    for raw, button in [
        ("foundation", "kind"),
        ("มูลนิธิใหม่", None),
        ("New Foundation", None),
        ("ภก 77", None),
        ("83", "province"),
        ("1 ถนนภูเก็ต ตำบลตลาดใหญ่", None),
        ("076123456", None),
    ]:
        await foundations.registration_answer(user, raw, button)
    draft = await foundations.registration_answer(user, "new@example.org")
    assert draft.step == SUMMARY and draft.form.complete
    async with db.transaction() as conn:
        await conn.execute("UPDATE foundations SET registration_no = 'ภก 77' WHERE id = 2")
    with pytest.raises(FieldError) as taken:
        await foundations.register(user)
    assert taken.value.msg_id == "foundation.error.registration_taken"
    person = await users_repo.get(db.conn, user)
    assert person is not None and person.role is Role.NONE


async def test_only_members_read_cases_and_never_internal_notes(
    foundations: FoundationService, cases: ActionSet, db: Database, world: World
) -> None:
    case_id = await submitted(cases, world.member)
    await cases.review.add_internal_note(world.officer, case_id, "internal only")
    view = await foundations.case_view(world.colleague, case_id)
    assert [e.action for e in view.timeline] == ["submit"]
    assert not hasattr(view.timeline[0], "internal_note")
    events = await queries.public_events(db.conn, case_id, ("add_internal_note",))
    assert not any("internal only" in str(e.model_dump()) for e in events)
    for outsider in (world.other_member, world.officer, world.stranger, world.admin):
        with pytest.raises(CaseNotFound):
            await foundations.case_view(outsider, case_id)
    with pytest.raises(NotAMember):
        await foundations.cases_page(world.officer, 0)
    page = await foundations.cases_page(world.other_member, 0)
    assert page.cases == [] and page.pages == 1


async def test_the_draft_case_follows_the_workplace_and_submits_with_the_shown_version(
    applications: ApplicationService,
    foundations: FoundationService,
    cases: ActionSet,
    db: Database,
    world: World,
) -> None:
    with pytest.raises(NotAMember):
        await applications.start(world.stranger)
    with pytest.raises(PrivacyRequired):
        await applications.start(world.member)
    await foundations.accept_privacy(world.member)
    await applications.start(world.member)
    answers = [
        ("JOHN SMITH", None),
        ("British", None),
        ("AB1234567", None),
        ("01/01/2031", None),
        ("01/01/1990", None),
        ("m", "sex"),
        ("john@example.org", None),
        ("Teacher", None),
        ("Teaching English to children", None),
        ("1 Road, Chiang Mai 50000", None),
        ("50", "work_province"),
        ("01/01/2027", None),
        ("30/06/2027", None),
        ("yes", "allowance"),
    ]
    for raw, button in answers:
        draft = await applications.answer(world.member, raw, button)
    assert draft.step == "consent"
    draft = await applications.consent(world.member)
    assert draft.case_id is not None
    case = await cases_repo.get(db.conn, draft.case_id)
    assert case is not None and case.province == "50" and case.details["consent_by"] == world.member
    for item in cases.kernel.checklist.items:
        if item.required:
            draft, _ = await applications.add_file(world.member, meta(item.key))
        else:
            draft = await applications.next_item(world.member)
    assert draft.step == SUMMARY
    # Moving the workplace moves the draft to that province's office.
    await applications.edit(world.member, "work_province")
    await applications.answer(world.member, "83", "work_province")
    case = await cases_repo.get(db.conn, draft.case_id)
    assert case is not None and case.province == "83"
    with pytest.raises(VersionConflict):
        await applications.submit(world.member, case.id, case.version - 1)
    # Had an earlier sync of the case failed, submitting brings it in line with the summary.
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE cases SET details = json_set(details, '$.position', 'stale') WHERE id = ?",
            (case.id,),
        )
    outcome = await applications.submit(world.member, case.id, case.version)
    assert outcome.case.status is Status.AWAITING_CHECK
    assert outcome.case.details["position"] == "Teacher"
    assert await applications.current(world.member) is None
    with pytest.raises(NoDraft):
        await applications.consent(world.member)


async def test_corrections_only_while_the_case_waits_for_the_applicant(
    cases: ActionSet, db: Database, clock: ManualClock, world: World
) -> None:
    corrections = CorrectionService(
        db, cases.kernel, cases.application, cases.correction, clock, BANGKOK
    )
    case_id = await submitted(cases, world.member)
    with pytest.raises(IllegalTransition) as waiting:
        await corrections.start(world.member, case_id)
    assert waiting.value.msg_id == "foundation.correct.not_waiting"
    case = await cases_repo.get(db.conn, case_id)
    assert case is not None
    cv = next(a for a in await cases.kernel.current_attachments(case_id) if a.item == "cv")
    case = (
        await cases.review.mark_attachment(
            world.officer, case_id, case.version, cv.id, "needs_correction", "x"
        )
    ).case
    case = (
        await cases.review.request_correction(world.officer, case_id, case.version, "see cv")
    ).case
    with pytest.raises(CaseNotFound):
        await corrections.start(world.other_member, case_id)
    view = await corrections.start(world.colleague, case_id)
    assert [a.item for a in view.flagged] == ["cv"] and view.comment == "see cv"
    view = await corrections.add_file(world.colleague, meta("cv"))
    assert (
        view.flagged == []
        and view.draft.step == SUMMARY
        and [a.item for a in view.replaced] == ["cv"]
    )
    outcome = await corrections.resubmit(world.colleague, case_id, view.case.version)
    assert outcome.case.status is Status.AWAITING_RECHECK
    assert outcome.event is not None and outcome.event.data["changed_fields"] == []
