"""Service-level scenario: one case through the whole workflow, as the manual describes it."""

from __future__ import annotations

import asyncio
import hashlib
import itertools
from datetime import UTC, datetime, timedelta

import pytest

from bot.checklist import Checklist
from bot.i18n import decode_params
from bot.kernel.errors import CaseNotFound, InvalidInput, VersionConflict
from bot.kernel.inputs import FileMeta
from bot.testing.clock import ManualClock
from bot.workflow import IllegalTransition, NotAllowed, PreconditionFailed, Status
from storage import attachments as attachments_repo
from storage import events as events_repo
from storage import outbox as outbox_repo
from storage.db import Database
from storage.models import Case, CaseEvent, OutboxMessage
from tests.case_actions import ActionSet
from tests.conftest import World


def pdf(name: str) -> FileMeta:
    data = f"%PDF-1.4 {name}".encode()
    return FileMeta(
        file_name=f"{name}.pdf",
        mime_type="application/pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        telegram_file_id=f"file-{name}",
    )


@pytest.fixture
def service(db: Database, checklist: Checklist, clock: ManualClock) -> ActionSet:
    return ActionSet.build(db, checklist, clock)


async def draft_with_documents(service: ActionSet, world: World) -> Case:
    case = await service.application.create_draft(
        world.member,
        volunteer_name="JOHN SMITH",
        passport_no="AB1234567",
        details={"nationality": "GB"},
    )
    for item in service.kernel.checklist.required:
        outcome, _ = await service.application.upload_attachment(
            world.member, case.id, case.version, item.key, pdf(item.key)
        )
        case = outcome.case
    return case


async def last_event(db: Database, case_id: int) -> CaseEvent:
    return (await events_repo.for_case(db.conn, case_id))[-1]


async def outbox_of(db: Database, case_id: int, since: int = 0) -> list[OutboxMessage]:
    return [m for m in await outbox_repo.for_case(db.conn, case_id) if m.id > since]


def recipients(messages: list[OutboxMessage]) -> dict[int, str]:
    return {m.recipient_id: m.msg_id for m in messages}


async def test_whole_workflow_with_a_correction_round(
    service: ActionSet, db: Database, world: World, clock: ManualClock
) -> None:
    # --- The foundation fills a draft and submits it -------------------------------------
    case = await draft_with_documents(service, world)
    assert case.status is Status.DRAFT
    assert case.tracking_no.startswith("VC")
    clock.advance(minutes=5)
    submitted = await service.application.submit(world.member, case.id, case.version)
    case = submitted.case
    assert case.status is Status.AWAITING_CHECK
    assert case.submitted_at == clock()
    event = await last_event(db, case.id)
    assert (event.action, event.from_status, event.to_status, event.actor_id) == (
        "submit",
        Status.DRAFT,
        Status.AWAITING_CHECK,
        world.member,
    )
    sent = await outbox_of(db, case.id)
    # The province's officer and the submitter's colleague; never the other province or
    # another foundation, and not the submitter, who sees the answer in their own chat.
    assert recipients(sent) == {
        world.officer: "notify.officer.new_case",
        world.colleague: "notify.member.submitted",
    }
    assert all(m.event_id == event.id and m.state == "pending" for m in sent)
    mark = sent[-1].id

    # --- Preliminary check: one attachment needs correction ------------------------------
    attachments = {a.item: a for a in await service.kernel.current_attachments(case.id)}
    for item, attachment in attachments.items():
        verdict = "needs_correction" if item == "passport_copy" else "complete"
        reason = "สแกนไม่ชัด หน้าข้อมูลถูกตัด" if verdict == "needs_correction" else None
        case = (
            await service.review.mark_attachment(
                world.officer, case.id, case.version, attachment.id, verdict, reason
            )
        ).case
    event = await last_event(db, case.id)
    assert event.action == "mark_attachment"
    assert event.data["verdict"] == "complete"
    with pytest.raises(PreconditionFailed) as refused:
        await service.review.documents_complete(world.officer, case.id, case.version, "10/2569")
    assert refused.value.msg_id == "error.documents_not_all_complete"

    outcome = await service.review.request_correction(
        world.officer,
        case.id,
        case.version,
        "กรุณาส่งสำเนาหนังสือเดินทางใหม่",
        internal_note="โทรแจ้งมูลนิธิแล้ว",
    )
    case = outcome.case
    assert case.status is Status.AWAITING_CORRECTION
    event = await last_event(db, case.id)
    assert event.public_comment == "กรุณาส่งสำเนาหนังสือเดินทางใหม่"
    assert event.internal_note == "โทรแจ้งมูลนิธิแล้ว"
    assert [f["item"] for f in event.data["flagged"]] == ["passport_copy"]
    sent = await outbox_of(db, case.id, since=mark)
    assert recipients(sent) == {
        world.member: "notify.member.correction_requested",
        world.colleague: "notify.member.correction_requested",
    }
    params = decode_params(sent[0].params)
    assert "สแกนไม่ชัด" in params["flagged"]["th"]
    assert "Copy of the volunteer's passport" in params["flagged"]["en"]
    # The internal note never travels to the foundation.
    assert all("โทรแจ้ง" not in m.params for m in sent)
    mark = sent[-1].id

    # --- The foundation corrects: the reviewed file stays, a new revision is added -------
    with pytest.raises(PreconditionFailed) as refused:
        await service.correction.resubmit(world.member, case.id, case.version)
    assert refused.value.msg_id == "error.flagged_documents_not_replaced"
    outcome, new_file = await service.application.upload_attachment(
        world.colleague, case.id, case.version, "passport_copy", pdf("passport-rescan")
    )
    case = outcome.case
    history = [
        a for a in await attachments_repo.history(db.conn, case.id) if a.item == "passport_copy"
    ]
    assert [(a.revision, a.verdict) for a in history] == [(1, "needs_correction"), (2, None)]
    assert history[0].sha256 != history[1].sha256
    case = (await service.correction.resubmit(world.colleague, case.id, case.version)).case
    assert case.status is Status.AWAITING_RECHECK
    assert recipients(await outbox_of(db, case.id, since=mark)) == {
        world.officer: "notify.officer.resubmitted",
        world.member: "notify.member.resubmitted",
    }

    # --- Re-check and documents complete with a receipt number ---------------------------
    with pytest.raises(PreconditionFailed) as refused:
        await service.review.documents_complete(world.officer, case.id, case.version, "10/2569")
    assert refused.value.msg_id == "error.documents_not_all_complete"
    case = (
        await service.review.mark_attachment(
            world.officer, case.id, case.version, new_file.id, "complete"
        )
    ).case
    with pytest.raises(PreconditionFailed) as refused:
        await service.review.documents_complete(world.officer, case.id, case.version, "  ")
    assert refused.value.msg_id == "error.receipt_number_required"
    case = (
        await service.review.documents_complete(world.officer, case.id, case.version, "10/2569")
    ).case
    assert (case.status, case.receipt_no) == (Status.AWAITING_CONSIDERATION, "10/2569")
    assert (await last_event(db, case.id)).data["receipt_no"] == "10/2569"

    # --- Consideration: attachments correct, approve --------------------------------------
    for attachment in await service.kernel.current_attachments(case.id):
        with pytest.raises(InvalidInput):
            await service.review.mark_attachment(
                world.officer, case.id, case.version, attachment.id, "complete"
            )
        case = (
            await service.review.mark_attachment(
                world.officer, case.id, case.version, attachment.id, "correct"
            )
        ).case
    mark = (await outbox_of(db, case.id))[-1].id
    case = (await service.consideration.approve(world.officer, case.id, case.version, "อนุญาต")).case
    assert case.status is Status.AWAITING_ISSUANCE
    assert recipients(await outbox_of(db, case.id, since=mark)) == {
        world.member: "notify.member.approved",
        world.colleague: "notify.member.approved",
    }

    # --- Issuance: signing, the scan, the pickup appointment, completion ------------------
    case = (await service.issuing.send_for_signing(world.officer, case.id, case.version)).case
    assert case.status is Status.AWAITING_SIGNATURE
    with pytest.raises(PreconditionFailed) as refused:
        await service.issuing.complete(world.officer, case.id, case.version)
    assert refused.value.msg_id == "error.certificate_scan_required"
    outcome, scan = await service.issuing.upload_certificate(
        world.officer, case.id, case.version, pdf("signed-certificate")
    )
    case = outcome.case
    with pytest.raises(PreconditionFailed) as refused:
        await service.issuing.complete(world.officer, case.id, case.version)
    assert refused.value.msg_id == "error.pickup_required"
    pickup = datetime(2026, 12, 3, 3, 0, tzinfo=UTC)  # 10:00 in Bangkok
    case = (
        await service.issuing.schedule_pickup(
            world.officer, case.id, case.version, pickup, "ศาลากลางจังหวัดเชียงใหม่"
        )
    ).case
    mark = (await outbox_of(db, case.id))[-1].id
    case = (await service.issuing.complete(world.officer, case.id, case.version, "รับได้ตามนัด")).case
    assert case.status is Status.COMPLETED
    assert case.closed_at == clock()
    done = await outbox_of(db, case.id, since=mark)
    assert recipients(done) == {
        world.member: "notify.member.completed",
        world.colleague: "notify.member.completed",
    }
    assert all(m.attachment_id == scan.id for m in done)
    assert decode_params(done[0].params)["when"] == pickup

    # --- Closed: nothing changes but internal notes ---------------------------------------
    with pytest.raises(IllegalTransition) as closed:
        await service.application.withdraw(world.member, case.id, case.version, "ไม่มาแล้ว")
    assert closed.value.msg_id == "error.case_closed"
    before = case.version
    await service.review.add_internal_note(world.officer, case.id, "ส่งสำเนาให้ ตม. แล้ว")
    assert (await service.kernel.get_visible(world.officer, case.id)).version == before

    # The whole log is the manual's path, each step from where the last one left off.
    log = await events_repo.for_case(db.conn, case.id)
    status_changes = [(e.from_status, e.to_status) for e in log if e.from_status != e.to_status]
    assert status_changes == [
        (None, Status.DRAFT),
        (Status.DRAFT, Status.AWAITING_CHECK),
        (Status.AWAITING_CHECK, Status.AWAITING_CORRECTION),
        (Status.AWAITING_CORRECTION, Status.AWAITING_RECHECK),
        (Status.AWAITING_RECHECK, Status.AWAITING_CONSIDERATION),
        (Status.AWAITING_CONSIDERATION, Status.AWAITING_ISSUANCE),
        (Status.AWAITING_ISSUANCE, Status.AWAITING_SIGNATURE),
        (Status.AWAITING_SIGNATURE, Status.COMPLETED),
    ]
    for earlier, later in itertools.pairwise(log):
        assert later.from_status == earlier.to_status
    assert log[-1].internal_note == "ส่งสำเนาให้ ตม. แล้ว"


async def test_two_concurrent_decisions_on_one_version_have_one_winner(
    service: ActionSet, db: Database, world: World
) -> None:
    case = await draft_with_documents(service, world)
    case = (await service.application.submit(world.member, case.id, case.version)).case
    events_before = len(await events_repo.for_case(db.conn, case.id))
    outbox_before = len(await outbox_repo.for_case(db.conn, case.id))

    results = await asyncio.gather(
        service.review.return_not_eligible(world.officer, case.id, case.version, "ไม่เข้าเกณฑ์"),
        service.review.request_correction(
            world.central_officer, case.id, case.version, "ขอเอกสารเพิ่ม"
        ),
        return_exceptions=True,
    )
    winners = [r for r in results if not isinstance(r, BaseException)]
    losers = [r for r in results if isinstance(r, BaseException)]
    assert len(winners) == 1 and len(losers) == 1
    assert isinstance(losers[0], VersionConflict)
    assert losers[0].current_version == case.version + 1
    # The loser left no trace: one event and only the winner's notifications.
    log = await events_repo.for_case(db.conn, case.id)
    assert len(log) == events_before + 1
    sent = await outbox_repo.for_case(db.conn, case.id)
    assert {m.event_id for m in sent[outbox_before:]} == {log[-1].id}


async def test_two_processes_deciding_at_once_leave_one_winner(
    db: Database, checklist: Checklist, clock: ManualClock, world: World
) -> None:
    """Two separate connections, as two bot processes would have, race on one version."""
    first = ActionSet.build(db, checklist, clock)
    case = await draft_with_documents(first, world)
    case = (await first.application.submit(world.member, case.id, case.version)).case
    other_db = await Database.open(db.path)
    try:
        second = ActionSet.build(other_db, checklist, clock)
        results = await asyncio.gather(
            first.review.return_not_eligible(world.officer, case.id, case.version, "ไม่เข้าเกณฑ์"),
            second.review.request_correction(world.officer, case.id, case.version, "แก้ไขเอกสาร"),
            return_exceptions=True,
        )
    finally:
        await other_db.close()
    assert sorted(type(r).__name__ for r in results) == ["Outcome", "VersionConflict"]
    final = await first.kernel.get_visible(world.officer, case.id)
    assert final.version == case.version + 1
    assert final.status in (Status.RETURNED, Status.AWAITING_CORRECTION)


async def test_a_failed_step_leaves_nothing_half_written(
    service: ActionSet, db: Database, world: World
) -> None:
    taken = await draft_with_documents(service, world)
    taken = (await service.application.submit(world.member, taken.id, taken.version)).case
    case = await draft_with_documents(service, world)
    case = (await service.application.submit(world.member, case.id, case.version)).case
    reviewed = []
    for c in (taken, case):
        for a in await service.kernel.current_attachments(c.id):
            outcome = await service.review.mark_attachment(
                world.officer, c.id, c.version, a.id, "complete"
            )
            c = outcome.case
        reviewed.append(c)
    taken, case = reviewed
    await service.review.documents_complete(world.officer, taken.id, taken.version, "7/2569")
    log_before = await events_repo.for_case(db.conn, case.id)
    with pytest.raises(InvalidInput) as duplicate:
        await service.review.documents_complete(world.officer, case.id, case.version, "7/2569")
    assert duplicate.value.msg_id == "error.receipt_number_taken"
    after = await service.kernel.get_visible(world.officer, case.id)
    assert (after.version, after.status, after.receipt_no) == (case.version, case.status, None)
    assert await events_repo.for_case(db.conn, case.id) == log_before


async def test_a_stale_version_is_refused_with_the_current_one(
    service: ActionSet, world: World
) -> None:
    case = await draft_with_documents(service, world)
    case = (await service.application.submit(world.member, case.id, case.version)).case
    await service.review.claim(world.officer, case.id, case.version)
    with pytest.raises(VersionConflict) as stale:
        await service.consideration.approve(world.officer, case.id, case.version)
    # Approving is not possible from this status at all, but the person acted on an old
    # view: they are shown the case as it is now, not a rule about a status they never saw.
    assert stale.value.msg_id == "common.conflict"
    assert stale.value.current_version == case.version + 1
    with pytest.raises(VersionConflict) as stale:
        await service.review.request_correction(world.officer, case.id, case.version, "แก้ไข")
    assert stale.value.current_version == case.version + 1


async def test_people_who_may_not_see_a_case_are_told_it_does_not_exist(
    service: ActionSet, world: World
) -> None:
    case = await draft_with_documents(service, world)
    # A draft is the foundation's own: officers cannot see it yet.
    for outsider in (world.officer, world.other_member, world.stranger, world.admin):
        with pytest.raises(CaseNotFound):
            await service.kernel.get_visible(outsider, case.id)
    case = (await service.application.submit(world.member, case.id, case.version)).case
    for outsider in (world.officer_elsewhere, world.other_member, world.stranger):
        with pytest.raises(CaseNotFound):
            await service.review.request_correction(outsider, case.id, case.version, "x")
        with pytest.raises(CaseNotFound):
            await service.review.add_internal_note(outsider, case.id, "x")
    with pytest.raises(NotAllowed):
        await service.review.request_correction(world.member, case.id, case.version, "x")
    with pytest.raises(CaseNotFound):
        await service.kernel.get_visible(world.officer, 999_999)


async def test_bad_text_is_refused_before_anything_changes(
    service: ActionSet, world: World
) -> None:
    case = await draft_with_documents(service, world)
    case = (await service.application.submit(world.member, case.id, case.version)).case
    attachment = (await service.kernel.current_attachments(case.id))[0]
    with pytest.raises(InvalidInput) as missing_reason:
        await service.review.mark_attachment(
            world.officer, case.id, case.version, attachment.id, "needs_correction", "   "
        )
    assert missing_reason.value.msg_id == "error.text_required"
    with pytest.raises(InvalidInput) as too_long:
        await service.review.add_internal_note(world.officer, case.id, "ก" * 5000)
    assert too_long.value.msg_id == "error.text_too_long"
    with pytest.raises(PreconditionFailed) as no_reason:
        await service.review.return_not_eligible(world.officer, case.id, case.version, "")
    assert no_reason.value.msg_id == "error.reason_required"
    assert (await service.kernel.get_visible(world.officer, case.id)).version == case.version


async def test_submit_needs_every_required_document(service: ActionSet, world: World) -> None:
    case = await service.application.create_draft(
        world.member, volunteer_name="JANE DOE", passport_no="X1234567", details={}
    )
    outcome, _ = await service.application.upload_attachment(
        world.member, case.id, case.version, "cv", pdf("cv")
    )
    with pytest.raises(PreconditionFailed) as refused:
        await service.application.submit(world.member, case.id, outcome.case.version)
    assert refused.value.msg_id == "error.missing_required_documents"
    assert refused.value.params == {"count": len(service.kernel.checklist.required) - 1}
    with pytest.raises(InvalidInput):
        await service.application.upload_attachment(
            world.member, case.id, outcome.case.version, "no_such_item", pdf("x")
        )
    with pytest.raises(NotAllowed):
        await service.application.create_draft(
            world.officer, volunteer_name="X", passport_no="Y", details={}
        )


async def test_the_officer_clock_is_kept_with_the_case_and_pauses_for_the_applicant(
    service: ActionSet, world: World, clock: ManualClock
) -> None:
    from bot.kernel.clocks import stage_clock
    from bot.reminders import Stage

    calendar = service.kernel.calendar
    case = await draft_with_documents(service, world)
    case = (
        await service.application.submit(world.member, case.id, case.version)
    ).case  # Thu 26 Nov
    assert case.clock_stage == Stage.PRELIMINARY
    assert case.clock_base == calendar.ordinal(calendar.local_date(clock()))
    flagged = (await service.kernel.current_attachments(case.id))[0]
    case = (
        await service.review.mark_attachment(
            world.officer, case.id, case.version, flagged.id, "needs_correction", "ไม่ชัด"
        )
    ).case
    clock.advance(days=5)  # Tue 1 Dec: Fri, Mon and Tue have passed
    case = (
        await service.review.request_correction(world.officer, case.id, case.version, None)
    ).case
    assert (case.clock_base, case.clock_carried, case.applicant_since) == (None, 3, clock())
    clock.advance(days=10)  # Fri 11 Dec (the holidays of 7 and 10 Dec do not count)
    outcome, _ = await service.application.upload_attachment(
        world.member, case.id, case.version, flagged.item, pdf("again")
    )
    case = (await service.correction.resubmit(world.member, case.id, outcome.case.version)).case
    assert case.applicant_since is None
    monday = calendar.ordinal(calendar.local_date(clock()) + timedelta(days=3))
    assert stage_clock(case).elapsed(monday) == 4
