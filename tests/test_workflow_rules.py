"""The workflow rules against the specification, written out here independently of ``RULES``.

Every expectation below comes from the workflow doc, not from ``bot.workflow``'s own tables:
the module is only used for its types and for the functions under test. The main test walks
every Status x every Action x every kind of person.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from bot.workflow import (
    ACTION_LABEL,
    RULES,
    STATUS_LABEL,
    Action,
    Actor,
    Bucket,
    CaseFacts,
    CaseRef,
    IllegalTransition,
    NotAllowed,
    PreconditionFailed,
    Role,
    Status,
    WorkflowError,
    available_actions,
    bucket_of,
    check,
    is_allowed,
    may_see,
    statuses_in,
)

S = Status
A = Action

# ---------------------------------------------------------------------------------------------
# The specification, as literals
# ---------------------------------------------------------------------------------------------

ALL_STATUS_VALUES = {
    "draft",
    "awaiting_check",
    "awaiting_correction",
    "awaiting_recheck",
    "awaiting_consideration",
    "awaiting_issuance",
    "awaiting_signature",
    "completed",
    "returned",
    "not_approved",
    "withdrawn",
    "abandoned",
}

ALL_ACTION_VALUES = {
    "edit_draft",
    "upload_attachment",
    "submit",
    "resubmit",
    "withdraw",
    "claim",
    "add_internal_note",
    "mark_attachment",
    "request_correction",
    "return_not_eligible",
    "documents_complete",
    "approve",
    "not_approve",
    "send_for_signing",
    "schedule_pickup",
    "upload_certificate",
    "complete",
    "confirm_pickup",
    "request_reschedule",
    "close_abandoned",
}

TERMINAL_SPEC: frozenset[Status] = frozenset(
    {S.COMPLETED, S.RETURNED, S.NOT_APPROVED, S.WITHDRAWN, S.ABANDONED}
)
OPEN_SPEC: frozenset[Status] = frozenset(
    {
        S.AWAITING_CHECK,
        S.AWAITING_CORRECTION,
        S.AWAITING_RECHECK,
        S.AWAITING_CONSIDERATION,
        S.AWAITING_ISSUANCE,
        S.AWAITING_SIGNATURE,
    }
)

BUCKET_SPEC: dict[Status, Bucket] = {
    S.DRAFT: Bucket.DRAFT,
    S.AWAITING_CHECK: Bucket.WAITING_FOR_OFFICER,
    S.AWAITING_CORRECTION: Bucket.WAITING_FOR_APPLICANT,
    S.AWAITING_RECHECK: Bucket.WAITING_FOR_OFFICER,
    S.AWAITING_CONSIDERATION: Bucket.WAITING_FOR_OFFICER,
    S.AWAITING_ISSUANCE: Bucket.WAITING_FOR_OFFICER,
    S.AWAITING_SIGNATURE: Bucket.WAITING_FOR_OFFICER,
    S.COMPLETED: Bucket.COMPLETED,
    S.RETURNED: Bucket.COMPLETED,
    S.NOT_APPROVED: Bucket.COMPLETED,
    S.WITHDRAWN: Bucket.COMPLETED,
    S.ABANDONED: Bucket.COMPLETED,
}

FOUNDATION = "foundation"
OFFICE = "office"
SYSTEM = "system"


@dataclass(frozen=True)
class Expect:
    """One row of the specification: which side, from which statuses, to which status."""

    side: str
    allowed_from: frozenset[Status]
    to: Status | None  # None: the status stays as it is


def _st(*statuses: Status) -> frozenset[Status]:
    return frozenset(statuses)


SPEC: dict[Action, Expect] = {
    # Foundation side: only an active member of the case's foundation.
    A.EDIT_DRAFT: Expect(FOUNDATION, _st(S.DRAFT), None),
    A.UPLOAD_ATTACHMENT: Expect(FOUNDATION, _st(S.DRAFT, S.AWAITING_CORRECTION), None),
    A.SUBMIT: Expect(FOUNDATION, _st(S.DRAFT), S.AWAITING_CHECK),
    A.RESUBMIT: Expect(FOUNDATION, _st(S.AWAITING_CORRECTION), S.AWAITING_RECHECK),
    A.WITHDRAW: Expect(
        FOUNDATION,
        _st(
            S.AWAITING_CHECK,
            S.AWAITING_CORRECTION,
            S.AWAITING_RECHECK,
            S.AWAITING_CONSIDERATION,
            S.AWAITING_ISSUANCE,
            S.AWAITING_SIGNATURE,
        ),
        S.WITHDRAWN,
    ),
    # Office side: an active officer who can see the case, or an admin.
    A.CLAIM: Expect(
        OFFICE,
        _st(
            S.AWAITING_CHECK,
            S.AWAITING_CORRECTION,
            S.AWAITING_RECHECK,
            S.AWAITING_CONSIDERATION,
            S.AWAITING_ISSUANCE,
            S.AWAITING_SIGNATURE,
        ),
        None,
    ),
    A.ADD_INTERNAL_NOTE: Expect(
        OFFICE,
        _st(
            S.AWAITING_CHECK,
            S.AWAITING_CORRECTION,
            S.AWAITING_RECHECK,
            S.AWAITING_CONSIDERATION,
            S.AWAITING_ISSUANCE,
            S.AWAITING_SIGNATURE,
            S.COMPLETED,
            S.RETURNED,
            S.NOT_APPROVED,
            S.WITHDRAWN,
            S.ABANDONED,
        ),
        None,
    ),
    A.MARK_ATTACHMENT: Expect(
        OFFICE, _st(S.AWAITING_CHECK, S.AWAITING_RECHECK, S.AWAITING_CONSIDERATION), None
    ),
    A.REQUEST_CORRECTION: Expect(
        OFFICE, _st(S.AWAITING_CHECK, S.AWAITING_RECHECK), S.AWAITING_CORRECTION
    ),
    A.RETURN_NOT_ELIGIBLE: Expect(OFFICE, _st(S.AWAITING_CHECK, S.AWAITING_RECHECK), S.RETURNED),
    A.DOCUMENTS_COMPLETE: Expect(
        OFFICE, _st(S.AWAITING_CHECK, S.AWAITING_RECHECK), S.AWAITING_CONSIDERATION
    ),
    A.APPROVE: Expect(OFFICE, _st(S.AWAITING_CONSIDERATION), S.AWAITING_ISSUANCE),
    A.NOT_APPROVE: Expect(OFFICE, _st(S.AWAITING_CONSIDERATION), S.NOT_APPROVED),
    A.SEND_FOR_SIGNING: Expect(OFFICE, _st(S.AWAITING_ISSUANCE), S.AWAITING_SIGNATURE),
    A.SCHEDULE_PICKUP: Expect(OFFICE, _st(S.AWAITING_ISSUANCE, S.AWAITING_SIGNATURE), None),
    A.UPLOAD_CERTIFICATE: Expect(OFFICE, _st(S.AWAITING_SIGNATURE), None),
    A.COMPLETE: Expect(OFFICE, _st(S.AWAITING_SIGNATURE), S.COMPLETED),
    # The foundation answers the pickup appointment during issuance.
    A.CONFIRM_PICKUP: Expect(FOUNDATION, _st(S.AWAITING_ISSUANCE, S.AWAITING_SIGNATURE), None),
    A.REQUEST_RESCHEDULE: Expect(FOUNDATION, _st(S.AWAITING_ISSUANCE, S.AWAITING_SIGNATURE), None),
    # Only the bot's scheduled work closes a case whose correction never came.
    A.CLOSE_ABANDONED: Expect(SYSTEM, _st(S.AWAITING_CORRECTION), S.ABANDONED),
}

# ---------------------------------------------------------------------------------------------
# The kinds of person, all judged against a case of foundation 1 in province "10"
# ---------------------------------------------------------------------------------------------

CASE_FOUNDATION = 1
CASE_PROVINCE = "10"

PEOPLE: dict[str, Actor] = {
    "stranger": Actor(user_id=1, role=Role.NONE),
    "member_own": Actor(user_id=2, role=Role.MEMBER, foundation_id=1),
    "member_other": Actor(user_id=3, role=Role.MEMBER, foundation_id=2),
    "officer_own_province": Actor(user_id=4, role=Role.OFFICER, province="10"),
    "officer_other_province": Actor(user_id=5, role=Role.OFFICER, province="50"),
    "officer_central": Actor(user_id=6, role=Role.OFFICER, province=None),
    "officer_own_province_inactive": Actor(
        user_id=7, role=Role.OFFICER, province="10", active=False
    ),
    "admin": Actor(user_id=8, role=Role.ADMIN, province=None),
    "member_own_inactive": Actor(user_id=9, role=Role.MEMBER, foundation_id=1, active=False),
    "system": Actor(user_id=0, role=Role.SYSTEM),
}

# Which statuses of the case each person may see (visibility rules of the doc).
NON_DRAFT = frozenset(Status) - {S.DRAFT}
SEES: dict[str, frozenset[Status]] = {
    "stranger": frozenset(),
    "member_own": frozenset(Status),  # drafts included
    "member_other": frozenset(),
    "officer_own_province": NON_DRAFT,
    "officer_other_province": frozenset(),
    "officer_central": NON_DRAFT,
    "officer_own_province_inactive": frozenset(),
    "admin": NON_DRAFT,
    "member_own_inactive": frozenset(),
    "system": NON_DRAFT,
}

# Which side each person belongs to (if active and able to see the case).
SIDE_OF: dict[str, str | None] = {
    "stranger": None,
    "member_own": FOUNDATION,
    "member_other": FOUNDATION,
    "officer_own_province": OFFICE,
    "officer_other_province": OFFICE,
    "officer_central": OFFICE,
    "officer_own_province_inactive": OFFICE,
    "admin": OFFICE,
    "member_own_inactive": FOUNDATION,
    "system": SYSTEM,
}

FULL_FACTS = CaseFacts(
    missing_required=0,
    flagged_attachments=0,
    unreviewed_required=0,
    has_comment=True,
    has_reason=True,
    has_receipt_number=True,
    has_pickup=True,
    has_certificate_scan=True,
    corrected_flagged=True,
)

# Every content guard failing at once.
EMPTY_FACTS = CaseFacts(
    missing_required=3,
    flagged_attachments=0,
    unreviewed_required=2,
    has_comment=False,
    has_reason=False,
    has_receipt_number=False,
    has_pickup=False,
    has_certificate_scan=False,
    corrected_flagged=False,
)

GUARDED_ACTIONS = frozenset(
    {
        A.SUBMIT,
        A.RESUBMIT,
        A.REQUEST_CORRECTION,
        A.RETURN_NOT_ELIGIBLE,
        A.NOT_APPROVE,
        A.DOCUMENTS_COMPLETE,
        A.COMPLETE,
        A.CONFIRM_PICKUP,
        A.REQUEST_RESCHEDULE,
    }
)


def case_in(status: Status) -> CaseRef:
    return CaseRef(status, foundation_id=CASE_FOUNDATION, province=CASE_PROVINCE)


def expected_outcome(action: Action, person: str, status: Status) -> tuple[type, str | Status]:
    """(exception class, msg_id) when refused, or (Status, new status) when allowed."""
    spec = SPEC[action]
    if status not in SEES[person] or SIDE_OF[person] != spec.side:
        return (NotAllowed, "error.not_allowed")
    if status not in spec.allowed_from:
        if status in TERMINAL_SPEC:
            return (IllegalTransition, "error.case_closed")
        return (IllegalTransition, "error.wrong_status")
    return (Status, spec.to if spec.to is not None else status)


def expected_available(person: str, status: Status) -> set[Action]:
    return {a for a in Action if expected_outcome(a, person, status)[0] is Status}


# ---------------------------------------------------------------------------------------------
# Sanity of the literal spec itself (so a typo here cannot hide a bug there)
# ---------------------------------------------------------------------------------------------


def test_spec_literals_are_complete() -> None:
    assert {s.value for s in Status} == ALL_STATUS_VALUES
    assert {a.value for a in Action} == ALL_ACTION_VALUES
    assert set(SPEC) == set(Action)
    assert set(BUCKET_SPEC) == set(Status)
    assert set(SEES) == set(PEOPLE) == set(SIDE_OF)
    assert OPEN_SPEC | TERMINAL_SPEC | {S.DRAFT} == set(Status)
    assert not OPEN_SPEC & TERMINAL_SPEC


# ---------------------------------------------------------------------------------------------
# The full table: every Status x every Action x every kind of person
# ---------------------------------------------------------------------------------------------

TABLE_CASES = [
    pytest.param(status, action, person, id=f"{status.value}-{action.value}-{person}")
    for status in Status
    for action in Action
    for person in PEOPLE
]


@pytest.mark.parametrize(("status", "action", "person"), TABLE_CASES)
def test_table(status: Status, action: Action, person: str) -> None:
    actor = PEOPLE[person]
    case = case_in(status)
    kind, value = expected_outcome(action, person, status)
    if kind is Status:
        assert check(action, actor, case, FULL_FACTS) == value
        assert is_allowed(action, actor, case, FULL_FACTS) is True
    else:
        with pytest.raises(WorkflowError) as info:
            check(action, actor, case, FULL_FACTS)
        assert type(info.value) is kind
        assert info.value.msg_id == value
        assert is_allowed(action, actor, case, FULL_FACTS) is False


# ---------------------------------------------------------------------------------------------
# Visibility, available actions, is_allowed
# ---------------------------------------------------------------------------------------------

STATUS_PERSON_CASES = [
    pytest.param(status, person, id=f"{status.value}-{person}")
    for status in Status
    for person in PEOPLE
]


@pytest.mark.parametrize(("status", "person"), STATUS_PERSON_CASES)
def test_may_see(status: Status, person: str) -> None:
    assert may_see(PEOPLE[person], case_in(status)) is (status in SEES[person])


@pytest.mark.parametrize(("status", "person"), STATUS_PERSON_CASES)
def test_available_actions(status: Status, person: str) -> None:
    got = available_actions(PEOPLE[person], case_in(status))
    assert len(got) == len(set(got)), "no action listed twice"
    assert set(got) == expected_available(person, status)


@pytest.mark.parametrize("action", list(Action), ids=lambda a: a.value)
def test_is_allowed_agrees_with_check(action: Action) -> None:
    """With facts satisfied, missing, or left out, is_allowed is True exactly when check passes."""
    for facts in (FULL_FACTS, EMPTY_FACTS, None):
        for status in Status:
            for actor in PEOPLE.values():
                case = case_in(status)
                try:
                    check(action, actor, case, facts)
                except WorkflowError:
                    passed = False
                else:
                    passed = True
                assert is_allowed(action, actor, case, facts) is passed


# ---------------------------------------------------------------------------------------------
# Buckets and labels
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", list(Status), ids=lambda s: s.value)
def test_every_status_has_bucket_and_label(status: Status) -> None:
    assert bucket_of(status) is BUCKET_SPEC[status]
    label = STATUS_LABEL[status]
    assert isinstance(label, str)
    assert label


@pytest.mark.parametrize("bucket", list(Bucket), ids=lambda b: b.value)
def test_statuses_in_bucket(bucket: Bucket) -> None:
    got = statuses_in(bucket)
    assert len(got) == len(set(got))
    assert set(got) == {s for s, b in BUCKET_SPEC.items() if b is bucket}


def test_statuses_in_partitions_all_statuses() -> None:
    seen: list[Status] = []
    for bucket in Bucket:
        seen.extend(statuses_in(bucket))
    assert sorted(seen) == sorted(Status)
    assert set(statuses_in(Bucket.COMPLETED)) == TERMINAL_SPEC
    assert set(statuses_in(Bucket.DRAFT)) == {S.DRAFT}


@pytest.mark.parametrize("action", list(Action), ids=lambda a: a.value)
def test_every_action_has_rule_and_label(action: Action) -> None:
    assert action in RULES
    label = ACTION_LABEL[action]
    assert isinstance(label, str)
    assert label


def test_workflow_imports_nothing_from_telegram() -> None:
    import bot.workflow

    source = Path(bot.workflow.__file__).read_text(encoding="utf-8")
    imported: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.append(node.module)
    assert imported, "the parse found the module's imports"
    offending = [m for m in imported if m == "telegram" or m.startswith("telegram.")]
    assert not offending


# ---------------------------------------------------------------------------------------------
# Closed cases
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", sorted(TERMINAL_SPEC), ids=lambda s: s.value)
def test_terminal_accepts_only_internal_note(status: Status) -> None:
    case = case_in(status)
    for person, actor in PEOPLE.items():
        assert set(available_actions(actor, case)) <= {A.ADD_INTERNAL_NOTE}, person
        for action in Action:
            if action is A.ADD_INTERNAL_NOTE:
                continue
            assert not is_allowed(action, actor, case, FULL_FACTS), (person, action)
    for person in ("officer_own_province", "officer_central", "admin"):
        assert check(A.ADD_INTERNAL_NOTE, PEOPLE[person], case, FULL_FACTS) is status
    # The foundation, which can see its closed case, is told the case is closed.
    with pytest.raises(IllegalTransition) as info:
        check(A.WITHDRAW, PEOPLE["member_own"], case, FULL_FACTS)
    assert info.value.msg_id == "error.case_closed"


# ---------------------------------------------------------------------------------------------
# Content guards, one at a time
# ---------------------------------------------------------------------------------------------

MEMBER = PEOPLE["member_own"]
OFFICER = PEOPLE["officer_own_province"]

GUARD_CASES = [
    # (action, actor, status, facts that break exactly one guard, msg_id)
    (A.SUBMIT, MEMBER, S.DRAFT, {"missing_required": 1}, "error.missing_required_documents"),
    (
        A.RESUBMIT,
        MEMBER,
        S.AWAITING_CORRECTION,
        {"corrected_flagged": False},
        "error.flagged_documents_not_replaced",
    ),
    (
        A.REQUEST_CORRECTION,
        OFFICER,
        S.AWAITING_CHECK,
        {"flagged_attachments": 0, "has_comment": False},
        "error.correction_needs_flag_or_comment",
    ),
    (
        A.REQUEST_CORRECTION,
        OFFICER,
        S.AWAITING_RECHECK,
        {"flagged_attachments": 0, "has_comment": False},
        "error.correction_needs_flag_or_comment",
    ),
    (
        A.RETURN_NOT_ELIGIBLE,
        OFFICER,
        S.AWAITING_CHECK,
        {"has_reason": False},
        "error.reason_required",
    ),
    (
        A.NOT_APPROVE,
        OFFICER,
        S.AWAITING_CONSIDERATION,
        {"has_reason": False},
        "error.reason_required",
    ),
    (
        A.DOCUMENTS_COMPLETE,
        OFFICER,
        S.AWAITING_CHECK,
        {"unreviewed_required": 1},
        "error.documents_not_all_complete",
    ),
    (
        A.DOCUMENTS_COMPLETE,
        OFFICER,
        S.AWAITING_RECHECK,
        {"flagged_attachments": 1},
        "error.documents_not_all_complete",
    ),
    (
        A.DOCUMENTS_COMPLETE,
        OFFICER,
        S.AWAITING_CHECK,
        {"has_receipt_number": False},
        "error.receipt_number_required",
    ),
    (
        A.COMPLETE,
        OFFICER,
        S.AWAITING_SIGNATURE,
        {"has_certificate_scan": False},
        "error.certificate_scan_required",
    ),
    (
        A.COMPLETE,
        OFFICER,
        S.AWAITING_SIGNATURE,
        {"has_pickup": False},
        "error.pickup_required",
    ),
    (
        A.COMPLETE,
        OFFICER,
        S.AWAITING_SIGNATURE,
        {"pickup_reschedule_requested": True},
        "error.pickup_reschedule_pending",
    ),
    (
        A.CONFIRM_PICKUP,
        MEMBER,
        S.AWAITING_SIGNATURE,
        {"has_pickup": False},
        "error.pickup_required",
    ),
    (
        A.REQUEST_RESCHEDULE,
        MEMBER,
        S.AWAITING_ISSUANCE,
        {"has_pickup": False},
        "error.pickup_required",
    ),
    (
        A.REQUEST_RESCHEDULE,
        MEMBER,
        S.AWAITING_ISSUANCE,
        {"has_reason": False},
        "error.reason_required",
    ),
]


@pytest.mark.parametrize(
    ("action", "actor", "status", "broken", "msg_id"),
    [pytest.param(*c, id=f"{c[0].value}-{c[4]}") for c in GUARD_CASES],
)
def test_guard_refuses(
    action: Action, actor: Actor, status: Status, broken: dict[str, Any], msg_id: str
) -> None:
    case = case_in(status)
    # The same call passes with every fact satisfied: only the broken fact refuses it.
    assert check(action, actor, case, FULL_FACTS) is (SPEC[action].to or status)
    facts = replace(FULL_FACTS, **broken)
    with pytest.raises(PreconditionFailed) as info:
        check(action, actor, case, facts)
    assert info.value.msg_id == msg_id
    assert not is_allowed(action, actor, case, facts)


@pytest.mark.parametrize(
    "facts",
    [
        pytest.param(replace(FULL_FACTS, flagged_attachments=1, has_comment=False), id="flag"),
        pytest.param(replace(FULL_FACTS, flagged_attachments=0, has_comment=True), id="comment"),
    ],
)
def test_request_correction_needs_flag_or_comment_either_suffices(facts: CaseFacts) -> None:
    for status in (S.AWAITING_CHECK, S.AWAITING_RECHECK):
        assert check(A.REQUEST_CORRECTION, OFFICER, case_in(status), facts) is (
            S.AWAITING_CORRECTION
        )


@pytest.mark.parametrize("action", sorted(GUARDED_ACTIONS), ids=lambda a: a.value)
def test_guards_come_after_role_and_status(action: Action) -> None:
    """With every guard failing, a wrong person still hears NotAllowed, a wrong status still
    hears IllegalTransition; only the right person in the right status meets the guard."""
    spec = SPEC[action]
    right, wrong = ("member_own", "officer_own_province")
    if spec.side == OFFICE:
        right, wrong = wrong, right
    status = min(spec.allowed_from)
    for refused in ("stranger", wrong):
        with pytest.raises(NotAllowed):
            check(action, PEOPLE[refused], case_in(status), EMPTY_FACTS)
    for other in SEES[right] - spec.allowed_from:
        with pytest.raises(IllegalTransition):
            check(action, PEOPLE[right], case_in(other), EMPTY_FACTS)
    with pytest.raises(PreconditionFailed):
        check(action, PEOPLE[right], case_in(status), EMPTY_FACTS)


UNGUARDED_CASES = [
    pytest.param(action, status, id=f"{action.value}-{status.value}")
    for action in Action
    if action not in GUARDED_ACTIONS
    for status in sorted(SPEC[action].allowed_from)
]


@pytest.mark.parametrize(("action", "status"), UNGUARDED_CASES)
def test_unguarded_actions_ignore_facts(action: Action, status: Status) -> None:
    side = SPEC[action].side
    actor = {FOUNDATION: MEMBER, OFFICE: OFFICER, SYSTEM: PEOPLE["system"]}[side]
    expected = SPEC[action].to or status
    assert check(action, actor, case_in(status), EMPTY_FACTS) is expected
    assert check(action, actor, case_in(status), None) is expected


def test_errors_are_workflow_errors_with_msg_id() -> None:
    for cls in (NotAllowed, IllegalTransition, PreconditionFailed):
        assert issubclass(cls, WorkflowError)
        err = cls("error.some_id")
        assert err.msg_id == "error.some_id"


# ---------------------------------------------------------------------------------------------
# The manual's paths, walked with the status check() returns
# ---------------------------------------------------------------------------------------------

ADMIN = PEOPLE["admin"]
CENTRAL = PEOPLE["officer_central"]

HAPPY_PATH: list[tuple[Actor, Action, Status]] = [
    (MEMBER, A.EDIT_DRAFT, S.DRAFT),
    (MEMBER, A.UPLOAD_ATTACHMENT, S.DRAFT),
    (MEMBER, A.SUBMIT, S.AWAITING_CHECK),
    (OFFICER, A.CLAIM, S.AWAITING_CHECK),
    (OFFICER, A.MARK_ATTACHMENT, S.AWAITING_CHECK),
    (OFFICER, A.ADD_INTERNAL_NOTE, S.AWAITING_CHECK),
    (OFFICER, A.DOCUMENTS_COMPLETE, S.AWAITING_CONSIDERATION),
    (CENTRAL, A.APPROVE, S.AWAITING_ISSUANCE),
    (OFFICER, A.SEND_FOR_SIGNING, S.AWAITING_SIGNATURE),
    (OFFICER, A.SCHEDULE_PICKUP, S.AWAITING_SIGNATURE),
    (OFFICER, A.UPLOAD_CERTIFICATE, S.AWAITING_SIGNATURE),
    (OFFICER, A.COMPLETE, S.COMPLETED),
    (ADMIN, A.ADD_INTERNAL_NOTE, S.COMPLETED),
]

CORRECTION_PATH: list[tuple[Actor, Action, Status]] = [
    (MEMBER, A.SUBMIT, S.AWAITING_CHECK),
    (OFFICER, A.CLAIM, S.AWAITING_CHECK),
    (OFFICER, A.MARK_ATTACHMENT, S.AWAITING_CHECK),
    (OFFICER, A.REQUEST_CORRECTION, S.AWAITING_CORRECTION),
    (MEMBER, A.UPLOAD_ATTACHMENT, S.AWAITING_CORRECTION),
    (MEMBER, A.RESUBMIT, S.AWAITING_RECHECK),
    (OFFICER, A.MARK_ATTACHMENT, S.AWAITING_RECHECK),
    (OFFICER, A.REQUEST_CORRECTION, S.AWAITING_CORRECTION),
    (MEMBER, A.RESUBMIT, S.AWAITING_RECHECK),
    (OFFICER, A.DOCUMENTS_COMPLETE, S.AWAITING_CONSIDERATION),
    (OFFICER, A.MARK_ATTACHMENT, S.AWAITING_CONSIDERATION),
    (OFFICER, A.APPROVE, S.AWAITING_ISSUANCE),
    (OFFICER, A.SCHEDULE_PICKUP, S.AWAITING_ISSUANCE),
    (OFFICER, A.SEND_FOR_SIGNING, S.AWAITING_SIGNATURE),
    (OFFICER, A.UPLOAD_CERTIFICATE, S.AWAITING_SIGNATURE),
    (OFFICER, A.COMPLETE, S.COMPLETED),
]


@pytest.mark.parametrize(
    "path",
    [pytest.param(HAPPY_PATH, id="happy"), pytest.param(CORRECTION_PATH, id="correction")],
)
def test_manual_paths_are_legal(path: list[tuple[Actor, Action, Status]]) -> None:
    status = S.DRAFT
    for step, (actor, action, expected) in enumerate(path):
        case = case_in(status)
        assert action in available_actions(actor, case), (step, action, status)
        status = check(action, actor, case, FULL_FACTS)
        assert status is expected, (step, action)
    assert status is S.COMPLETED


def test_side_of_names_who_took_a_logged_action() -> None:
    from bot.workflow import Side, side_of

    assert side_of("withdraw") is Side.FOUNDATION
    assert side_of("approve") is Side.OFFICE
    assert side_of("close_abandoned") is Side.SYSTEM
    assert side_of("create_draft") is None
