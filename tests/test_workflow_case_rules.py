"""The rules moved into ``bot.workflow`` from services and handlers: what a foundation sees of
its case's history, what may be printed, claiming, document marks and the checks made before
an officer types a reason, note or receipt number."""

from __future__ import annotations

import pytest

from bot.workflow import (
    PRINTABLE,
    PUBLIC_ACTIONS,
    Action,
    Actor,
    CaseFacts,
    IllegalTransition,
    PreconditionFailed,
    Role,
    Status,
    awaits_mark,
    check_all_correct,
    check_before_typing,
    check_claim,
    check_printable,
    is_staff,
    pickup_answer_refusal,
    remaining_verdict,
    verdicts_for,
)

S = Status
OFFICE_WORK = ("claim", "mark_attachment", "add_internal_note", "upload_attachment", "edit_draft")


def test_a_foundation_sees_decisions_not_the_office_s_work_in_progress() -> None:
    assert not set(OFFICE_WORK) & set(PUBLIC_ACTIONS)
    for action in ("submit", "request_correction", "resubmit", "approve", "complete", "withdraw"):
        assert action in PUBLIC_ACTIONS
    assert "close_abandoned" not in PUBLIC_ACTIONS


@pytest.mark.parametrize("status", list(Status))
def test_only_an_approved_case_not_yet_closed_is_printed(status: Status) -> None:
    printable = status in (S.AWAITING_ISSUANCE, S.AWAITING_SIGNATURE)
    assert (status in PRINTABLE) is printable
    if printable:
        check_printable(status)
    else:
        with pytest.raises(IllegalTransition) as refused:
            check_printable(status)
        assert refused.value.msg_id == "error.wrong_status"


@pytest.mark.parametrize(
    ("role", "active", "staff"),
    [
        (Role.OFFICER, True, True),
        (Role.ADMIN, True, True),
        (Role.OFFICER, False, False),
        (Role.MEMBER, True, False),
        (Role.NONE, True, False),
        (Role.SYSTEM, True, False),
    ],
)
def test_staff_are_active_officers_and_admins(role: Role, active: bool, staff: bool) -> None:
    assert is_staff(Actor(user_id=1, role=role, active=active)) is staff


def test_claiming_takes_an_unclaimed_case_and_a_colleague_s_only_by_taking_over() -> None:
    check_claim(None, 7, take_over=False)
    check_claim(8, 7, take_over=True)
    with pytest.raises(PreconditionFailed) as colleague:
        check_claim(8, 7, take_over=False)
    assert colleague.value.msg_id == "officer.error.claimed_by_colleague"
    for take_over in (False, True):
        with pytest.raises(PreconditionFailed) as mine:
            check_claim(7, 7, take_over=take_over)
        assert mine.value.msg_id == "officer.error.already_yours"


def test_marks_follow_the_stage() -> None:
    for status in (S.AWAITING_CHECK, S.AWAITING_RECHECK):
        assert verdicts_for(status) == {"complete", "needs_correction"}
        assert remaining_verdict(status) == "complete"
        # The preliminary check marks the unmarked; a flagged document keeps its mark.
        assert awaits_mark(None, status)
        assert not awaits_mark("needs_correction", status)
        assert not awaits_mark("complete", status)
    consideration = S.AWAITING_CONSIDERATION
    assert verdicts_for(consideration) == {"correct"}
    assert remaining_verdict(consideration) == "correct"
    # Consideration marks every document not yet correct, whatever the check said.
    for verdict in (None, "complete", "needs_correction"):
        assert awaits_mark(verdict, consideration)
    assert not awaits_mark("correct", consideration)


def test_approval_needs_every_document_correct() -> None:
    check_all_correct([])
    check_all_correct(["correct", "correct"])
    for verdicts in (["correct", "complete"], ["correct", None]):
        with pytest.raises(PreconditionFailed) as refused:
            check_all_correct(verdicts)
        assert refused.value.msg_id == "officer.error.not_all_correct"


def _refusal(
    action: Action,
    *,
    available: tuple[Action, ...] | None = None,
    status: Status = S.AWAITING_CHECK,
    facts: CaseFacts | None = None,
    flagging: bool = False,
    not_correct: int = 0,
) -> str | None:
    try:
        check_before_typing(
            action,
            (action,) if available is None else available,
            status,
            facts or CaseFacts(),
            flagging=flagging,
            not_correct=not_correct,
        )
    except (IllegalTransition, PreconditionFailed) as error:
        return error.msg_id
    return None


def test_nothing_is_typed_that_could_not_be_saved() -> None:
    assert _refusal(Action.REQUEST_CORRECTION) is None
    assert _refusal(Action.REQUEST_CORRECTION, available=()) == "common.stale_button"
    assert _refusal(Action.MARK_ATTACHMENT, flagging=True) is None
    assert (
        _refusal(Action.MARK_ATTACHMENT, flagging=True, status=S.AWAITING_CONSIDERATION)
        == "error.verdict_not_for_stage"
    )
    unfinished = (CaseFacts(unreviewed_required=1), CaseFacts(flagged_attachments=1))
    for facts in unfinished:
        assert (
            _refusal(Action.DOCUMENTS_COMPLETE, facts=facts) == "error.documents_not_all_complete"
        )
    assert _refusal(Action.DOCUMENTS_COMPLETE) is None
    consideration = S.AWAITING_CONSIDERATION
    assert _refusal(Action.APPROVE, status=consideration) is None
    assert (
        _refusal(Action.APPROVE, status=consideration, not_correct=2)
        == "officer.error.not_all_correct"
    )
    # A reason to not approve is asked whatever the marks say.
    assert _refusal(Action.NOT_APPROVE, status=consideration, not_correct=2) is None


def test_an_answer_to_a_pickup_time_counts_once_and_only_for_the_current_time() -> None:
    confirm, reschedule = Action.CONFIRM_PICKUP, Action.REQUEST_RESCHEDULE
    superseded = "issuance.error.appointment_superseded"
    for action in (confirm, reschedule):
        assert pickup_answer_refusal(action, 5, None, None) == superseded
        assert pickup_answer_refusal(action, 5, 6, "proposed") == superseded
        assert pickup_answer_refusal(action, 5, 5, "proposed") is None
    assert pickup_answer_refusal(confirm, 5, 5, "confirmed") == "issuance.error.already_confirmed"
    assert pickup_answer_refusal(reschedule, 5, 5, "confirmed") is None
    assert pickup_answer_refusal(confirm, 5, 5, "reschedule_requested") is None
    assert (
        pickup_answer_refusal(reschedule, 5, 5, "reschedule_requested")
        == "issuance.error.already_asked"
    )
