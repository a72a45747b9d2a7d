"""The certificate workflow as plain rules: statuses, buckets, actions, who may act, and when.

No Telegram, no database: services ask ``check(action, actor, case, facts)`` before they change
anything, and this module answers with the new status or a ``WorkflowError`` that carries a
catalog message id the handler shows in the person's language.

Stages follow ``shared/docs/workflow.md`` (the SRaT back office manual, steps 3-20).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.i18n_marker import N_


class Status(StrEnum):
    DRAFT = "draft"
    """Being filled in by the foundation; not yet visible to officers."""
    AWAITING_CHECK = "awaiting_check"
    """รอตรวจสอบเบื้องต้น"""
    AWAITING_CORRECTION = "awaiting_correction"
    """รอแก้ไขเพื่อตรวจสอบเบื้องต้น"""
    AWAITING_RECHECK = "awaiting_recheck"
    """รอตรวจสอบเบื้องต้นหลังการแก้ไข"""
    AWAITING_CONSIDERATION = "awaiting_consideration"
    AWAITING_ISSUANCE = "awaiting_issuance"
    """Approved: the officer prints the pack and sends it for the governor's signature."""
    AWAITING_SIGNATURE = "awaiting_signature"
    """Sent for signing: the officer schedules pickup and uploads the signed scan."""
    COMPLETED = "completed"
    """เสร็จสิ้น"""
    RETURNED = "returned"
    """คืนเรื่อง: not eligible under the DSDW announcement; no certificate."""
    NOT_APPROVED = "not_approved"
    WITHDRAWN = "withdrawn"
    ABANDONED = "abandoned"
    """Closed by the bot: the foundation did not correct within the configured time."""


class Bucket(StrEnum):
    """The officer dashboard's three groups, plus drafts that only the foundation sees."""

    DRAFT = "draft"
    WAITING_FOR_OFFICER = "waiting_for_officer"
    WAITING_FOR_APPLICANT = "waiting_for_applicant"
    COMPLETED = "completed"


BUCKET_OF: dict[Status, Bucket] = {
    Status.DRAFT: Bucket.DRAFT,
    Status.AWAITING_CHECK: Bucket.WAITING_FOR_OFFICER,
    Status.AWAITING_CORRECTION: Bucket.WAITING_FOR_APPLICANT,
    Status.AWAITING_RECHECK: Bucket.WAITING_FOR_OFFICER,
    Status.AWAITING_CONSIDERATION: Bucket.WAITING_FOR_OFFICER,
    Status.AWAITING_ISSUANCE: Bucket.WAITING_FOR_OFFICER,
    Status.AWAITING_SIGNATURE: Bucket.WAITING_FOR_OFFICER,
    Status.COMPLETED: Bucket.COMPLETED,
    Status.RETURNED: Bucket.COMPLETED,
    Status.NOT_APPROVED: Bucket.COMPLETED,
    Status.WITHDRAWN: Bucket.COMPLETED,
    Status.ABANDONED: Bucket.COMPLETED,
}

TERMINAL: frozenset[Status] = frozenset(s for s, b in BUCKET_OF.items() if b is Bucket.COMPLETED)
OPEN: frozenset[Status] = frozenset(Status) - TERMINAL - {Status.DRAFT}


def bucket_of(status: Status) -> Bucket:
    return BUCKET_OF[status]


def statuses_in(bucket: Bucket) -> tuple[Status, ...]:
    return tuple(s for s in Status if BUCKET_OF[s] is bucket)


# Catalog ids of the labels people read. Thai labels are the ones SRaT shows officers.
STATUS_LABEL: dict[Status, str] = {
    Status.DRAFT: N_("status.draft"),
    Status.AWAITING_CHECK: N_("status.awaiting_check"),
    Status.AWAITING_CORRECTION: N_("status.awaiting_correction"),
    Status.AWAITING_RECHECK: N_("status.awaiting_recheck"),
    Status.AWAITING_CONSIDERATION: N_("status.awaiting_consideration"),
    Status.AWAITING_ISSUANCE: N_("status.awaiting_issuance"),
    Status.AWAITING_SIGNATURE: N_("status.awaiting_signature"),
    Status.COMPLETED: N_("status.completed"),
    Status.RETURNED: N_("status.returned"),
    Status.NOT_APPROVED: N_("status.not_approved"),
    Status.WITHDRAWN: N_("status.withdrawn"),
    Status.ABANDONED: N_("status.abandoned"),
}

BUCKET_LABEL: dict[Bucket, str] = {
    Bucket.DRAFT: N_("bucket.draft"),
    Bucket.WAITING_FOR_OFFICER: N_("bucket.waiting_for_officer"),
    Bucket.WAITING_FOR_APPLICANT: N_("bucket.waiting_for_applicant"),
    Bucket.COMPLETED: N_("bucket.completed"),
}


class Action(StrEnum):
    # Foundation side
    EDIT_DRAFT = "edit_draft"
    UPLOAD_ATTACHMENT = "upload_attachment"
    SUBMIT = "submit"
    RESUBMIT = "resubmit"
    WITHDRAW = "withdraw"
    # Officer side, any stage
    CLAIM = "claim"
    ADD_INTERNAL_NOTE = "add_internal_note"
    MARK_ATTACHMENT = "mark_attachment"
    # Preliminary check result (ผลการตรวจสอบ)
    REQUEST_CORRECTION = "request_correction"
    RETURN_NOT_ELIGIBLE = "return_not_eligible"
    DOCUMENTS_COMPLETE = "documents_complete"
    # Consideration result (ผลการพิจารณา)
    APPROVE = "approve"
    NOT_APPROVE = "not_approve"
    # Issuance
    SEND_FOR_SIGNING = "send_for_signing"
    SCHEDULE_PICKUP = "schedule_pickup"
    UPLOAD_CERTIFICATE = "upload_certificate"
    COMPLETE = "complete"
    # Foundation side of the pickup appointment
    CONFIRM_PICKUP = "confirm_pickup"
    REQUEST_RESCHEDULE = "request_reschedule"
    # Done by the bot itself (reminders): a correction never received
    CLOSE_ABANDONED = "close_abandoned"


ACTION_LABEL: dict[Action, str] = {a: N_(f"action.{a.value}") for a in Action}
# The f-string above hides the ids from extraction; list them so the catalog test sees them.
_ACTION_IDS = (
    N_("action.edit_draft"),
    N_("action.upload_attachment"),
    N_("action.submit"),
    N_("action.resubmit"),
    N_("action.withdraw"),
    N_("action.claim"),
    N_("action.add_internal_note"),
    N_("action.mark_attachment"),
    N_("action.request_correction"),
    N_("action.return_not_eligible"),
    N_("action.documents_complete"),
    N_("action.approve"),
    N_("action.not_approve"),
    N_("action.send_for_signing"),
    N_("action.schedule_pickup"),
    N_("action.upload_certificate"),
    N_("action.complete"),
    N_("action.confirm_pickup"),
    N_("action.request_reschedule"),
    N_("action.close_abandoned"),
)


class Side(StrEnum):
    """Which side of the counter may take an action."""

    FOUNDATION = "foundation"
    OFFICE = "office"
    SYSTEM = "system"
    """The bot itself, acting on a schedule (never a person, never a button)."""


@dataclass(frozen=True, slots=True)
class Rule:
    side: Side
    allowed_from: frozenset[Status]
    # None: the status does not change (marking, notes, uploads, scheduling).
    to: Status | None


_OFFICER_REVIEW = frozenset({Status.AWAITING_CHECK, Status.AWAITING_RECHECK})
_ISSUANCE = frozenset({Status.AWAITING_ISSUANCE, Status.AWAITING_SIGNATURE})

RULES: dict[Action, Rule] = {
    Action.EDIT_DRAFT: Rule(Side.FOUNDATION, frozenset({Status.DRAFT}), None),
    Action.UPLOAD_ATTACHMENT: Rule(
        Side.FOUNDATION, frozenset({Status.DRAFT, Status.AWAITING_CORRECTION}), None
    ),
    Action.SUBMIT: Rule(Side.FOUNDATION, frozenset({Status.DRAFT}), Status.AWAITING_CHECK),
    Action.RESUBMIT: Rule(
        Side.FOUNDATION, frozenset({Status.AWAITING_CORRECTION}), Status.AWAITING_RECHECK
    ),
    # A volunteer may stop coming at any point before the certificate is handed over.
    Action.WITHDRAW: Rule(Side.FOUNDATION, OPEN, Status.WITHDRAWN),
    Action.CLAIM: Rule(Side.OFFICE, OPEN, None),
    # Officers keep notes on closed cases too: the only change a closed case accepts.
    Action.ADD_INTERNAL_NOTE: Rule(Side.OFFICE, OPEN | TERMINAL, None),
    Action.MARK_ATTACHMENT: Rule(
        Side.OFFICE, _OFFICER_REVIEW | {Status.AWAITING_CONSIDERATION}, None
    ),
    Action.REQUEST_CORRECTION: Rule(Side.OFFICE, _OFFICER_REVIEW, Status.AWAITING_CORRECTION),
    Action.RETURN_NOT_ELIGIBLE: Rule(Side.OFFICE, _OFFICER_REVIEW, Status.RETURNED),
    Action.DOCUMENTS_COMPLETE: Rule(Side.OFFICE, _OFFICER_REVIEW, Status.AWAITING_CONSIDERATION),
    Action.APPROVE: Rule(
        Side.OFFICE, frozenset({Status.AWAITING_CONSIDERATION}), Status.AWAITING_ISSUANCE
    ),
    Action.NOT_APPROVE: Rule(
        Side.OFFICE, frozenset({Status.AWAITING_CONSIDERATION}), Status.NOT_APPROVED
    ),
    Action.SEND_FOR_SIGNING: Rule(
        Side.OFFICE, frozenset({Status.AWAITING_ISSUANCE}), Status.AWAITING_SIGNATURE
    ),
    Action.SCHEDULE_PICKUP: Rule(Side.OFFICE, _ISSUANCE, None),
    Action.UPLOAD_CERTIFICATE: Rule(Side.OFFICE, frozenset({Status.AWAITING_SIGNATURE}), None),
    Action.COMPLETE: Rule(Side.OFFICE, frozenset({Status.AWAITING_SIGNATURE}), Status.COMPLETED),
    Action.CONFIRM_PICKUP: Rule(Side.FOUNDATION, _ISSUANCE, None),
    Action.REQUEST_RESCHEDULE: Rule(Side.FOUNDATION, _ISSUANCE, None),
    Action.CLOSE_ABANDONED: Rule(
        Side.SYSTEM, frozenset({Status.AWAITING_CORRECTION}), Status.ABANDONED
    ),
}


class Role(StrEnum):
    NONE = "none"
    MEMBER = "member"
    OFFICER = "officer"
    ADMIN = "admin"
    SYSTEM = "system"
    """The bot's own scheduled work; no user row has this role."""


@dataclass(frozen=True, slots=True)
class Actor:
    """The person asking, as the database knows them right now (never as a button claims)."""

    user_id: int
    role: Role
    active: bool = True
    foundation_id: int | None = None
    # For officers: the province they serve; None means all provinces (central office).
    province: str | None = None


@dataclass(frozen=True, slots=True)
class CaseRef:
    status: Status
    foundation_id: int
    province: str


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """What the guards need to know about the case's content, gathered by the service."""

    missing_required: int = 0
    """Required checklist items without a current file."""
    flagged_attachments: int = 0
    """Current attachments marked 'needs correction'."""
    unreviewed_required: int = 0
    """Current required attachments not marked complete/correct."""
    has_comment: bool = False
    has_reason: bool = False
    has_receipt_number: bool = False
    has_pickup: bool = False
    pickup_reschedule_requested: bool = False
    """The foundation asked for another pickup time and the officer has not set one yet."""
    has_certificate_scan: bool = False
    corrected_flagged: bool = True
    """On resubmit: every flagged attachment has a newer revision."""


class WorkflowError(Exception):
    """An action that may not happen; ``msg_id`` is the catalog message to show."""

    def __init__(self, msg_id: str, **params: object) -> None:
        super().__init__(msg_id)
        self.msg_id = msg_id
        self.params = params


class NotAllowed(WorkflowError):
    """This person may not take this action on this case."""


class IllegalTransition(WorkflowError):
    """The action is not possible in the case's current status."""


class PreconditionFailed(WorkflowError):
    """The case's content does not yet allow the action (e.g. no receipt number)."""


def side_of(action: str) -> Side | None:
    """Who takes the action recorded under this name in the event log (None: not an action)."""
    try:
        return RULES[Action(action)].side
    except ValueError:
        return None


def may_see(actor: Actor, case: CaseRef) -> bool:
    """Whether the person may read the case at all."""
    if not actor.active:
        return False
    if actor.role is Role.SYSTEM:
        return case.status is not Status.DRAFT
    if actor.role in (Role.OFFICER, Role.ADMIN):
        # A draft is the foundation's own work until it is submitted.
        if case.status is Status.DRAFT:
            return False
        return actor.role is Role.ADMIN or actor.province in (None, case.province)
    if actor.role is Role.MEMBER:
        return actor.foundation_id is not None and actor.foundation_id == case.foundation_id
    return False


def _may_act(actor: Actor, case: CaseRef, side: Side) -> bool:
    if not may_see(actor, case):
        return False
    if side is Side.FOUNDATION:
        return actor.role is Role.MEMBER
    if side is Side.SYSTEM:
        return actor.role is Role.SYSTEM
    return actor.role in (Role.OFFICER, Role.ADMIN)


def _guard(action: Action, facts: CaseFacts) -> None:
    """Content rules of the manual, checked after role and status."""
    if action is Action.SUBMIT and facts.missing_required:
        raise PreconditionFailed(
            N_("error.missing_required_documents"), count=facts.missing_required
        )
    if action is Action.RESUBMIT and not facts.corrected_flagged:
        raise PreconditionFailed(N_("error.flagged_documents_not_replaced"))
    if action is Action.REQUEST_CORRECTION and not (facts.flagged_attachments or facts.has_comment):
        raise PreconditionFailed(N_("error.correction_needs_flag_or_comment"))
    if action in (Action.RETURN_NOT_ELIGIBLE, Action.NOT_APPROVE) and not facts.has_reason:
        raise PreconditionFailed(N_("error.reason_required"))
    if action is Action.DOCUMENTS_COMPLETE:
        if facts.unreviewed_required or facts.flagged_attachments:
            raise PreconditionFailed(N_("error.documents_not_all_complete"))
        if not facts.has_receipt_number:
            raise PreconditionFailed(N_("error.receipt_number_required"))
    if action in (Action.CONFIRM_PICKUP, Action.REQUEST_RESCHEDULE) and not facts.has_pickup:
        raise PreconditionFailed(N_("error.pickup_required"))
    if action is Action.REQUEST_RESCHEDULE and not facts.has_reason:
        raise PreconditionFailed(N_("error.reason_required"))
    if action is Action.COMPLETE:
        if not facts.has_certificate_scan:
            raise PreconditionFailed(N_("error.certificate_scan_required"))
        if not facts.has_pickup:
            raise PreconditionFailed(N_("error.pickup_required"))
        if facts.pickup_reschedule_requested:
            # Completing would send the foundation a time they already said they cannot make.
            raise PreconditionFailed(N_("error.pickup_reschedule_pending"))


def check(action: Action, actor: Actor, case: CaseRef, facts: CaseFacts | None = None) -> Status:
    """Return the status the case will have after ``action``, or raise ``WorkflowError``.

    Order matters for what people are told: someone who may not see the case learns nothing
    about its status; a person of the wrong side is refused before the status is discussed.
    """
    rule = RULES[action]
    if not _may_act(actor, case, rule.side):
        raise NotAllowed(N_("error.not_allowed"))
    if case.status not in rule.allowed_from:
        if case.status in TERMINAL:
            raise IllegalTransition(N_("error.case_closed"), status=STATUS_LABEL[case.status])
        raise IllegalTransition(N_("error.wrong_status"), status=STATUS_LABEL[case.status])
    _guard(action, facts if facts is not None else CaseFacts())
    return rule.to if rule.to is not None else case.status


def is_allowed(action: Action, actor: Actor, case: CaseRef, facts: CaseFacts | None = None) -> bool:
    try:
        check(action, actor, case, facts)
    except WorkflowError:
        return False
    return True


def available_actions(actor: Actor, case: CaseRef) -> tuple[Action, ...]:
    """Actions whose role and status rules pass; guards are checked when the action is taken."""
    return tuple(
        a
        for a, rule in RULES.items()
        if _may_act(actor, case, rule.side) and case.status in rule.allowed_from
    )


# ----- rules the feature actions and screens ask besides ``check`` ---------------------------

STAFF = frozenset({Role.OFFICER, Role.ADMIN})

# What a foundation sees happen to its case. Claims, attachment marks and internal notes are
# the office's own work in progress; uploads show in the document list instead.
PUBLIC_ACTIONS: tuple[str, ...] = (
    Action.SUBMIT.value,
    Action.REQUEST_CORRECTION.value,
    Action.RESUBMIT.value,
    Action.RETURN_NOT_ELIGIBLE.value,
    Action.DOCUMENTS_COMPLETE.value,
    Action.APPROVE.value,
    Action.NOT_APPROVE.value,
    Action.SEND_FOR_SIGNING.value,
    Action.SCHEDULE_PICKUP.value,
    Action.CONFIRM_PICKUP.value,
    Action.REQUEST_RESCHEDULE.value,
    Action.COMPLETE.value,
    Action.WITHDRAW.value,
)

# What an officer may print: the approved case, and again while it is out for signature.
PRINTABLE = frozenset({Status.AWAITING_ISSUANCE, Status.AWAITING_SIGNATURE})


def is_staff(actor: Actor) -> bool:
    """An active officer or admin right now: who may work the office's screens."""
    return actor.active and actor.role in STAFF


def check_printable(status: Status) -> None:
    if status not in PRINTABLE:
        raise IllegalTransition(N_("error.wrong_status"), status=STATUS_LABEL[status])


def check_claim(claimed_by: int | None, user_id: int, *, take_over: bool) -> None:
    """Claiming: an unclaimed case is taken; a colleague's claim only by taking it over (the
    screen asks first); a case already yours is neither."""
    if claimed_by == user_id:
        raise PreconditionFailed(N_("officer.error.already_yours"))
    if claimed_by is not None and not take_over:
        raise PreconditionFailed(N_("officer.error.claimed_by_colleague"))


def verdicts_for(status: Status) -> frozenset[str]:
    """The marks an officer may give a document: the preliminary check's ``complete`` /
    ``needs_correction``, the consideration's ``correct`` (ถูกต้อง)."""
    if status is Status.AWAITING_CONSIDERATION:
        return frozenset({"correct"})
    return frozenset({"complete", "needs_correction"})


def remaining_verdict(status: Status) -> str:
    """The mark 'mark the rest' gives at this stage."""
    return "correct" if status is Status.AWAITING_CONSIDERATION else "complete"


def awaits_mark(verdict: str | None, status: Status) -> bool:
    """Whether 'mark the rest' marks a document with this verdict: in the preliminary check
    the unmarked ones (flagged ones keep their mark), in consideration every one not yet
    ``correct``."""
    if remaining_verdict(status) == "complete":
        return verdict is None
    return verdict != "correct"


def check_all_correct(verdicts: list[str | None]) -> None:
    """Approval needs every document marked correct (manual: consideration, ถูกต้อง)."""
    if any(v != "correct" for v in verdicts):
        raise PreconditionFailed(N_("officer.error.not_all_correct"))


def check_before_typing(
    action: Action,
    available: tuple[Action, ...],
    status: Status,
    facts: CaseFacts,
    *,
    flagging: bool,
    not_correct: int,
) -> None:
    """Refuse before an officer types a reason, note or receipt what could not be saved
    anyway. ``flagging``: the text is a document's needs-correction reason; ``not_correct``:
    documents not yet marked correct."""
    if action not in available:
        raise IllegalTransition(N_("common.stale_button"))
    if flagging and status is Status.AWAITING_CONSIDERATION:
        raise IllegalTransition(N_("error.verdict_not_for_stage"))
    if action is Action.DOCUMENTS_COMPLETE and (
        facts.unreviewed_required or facts.flagged_attachments
    ):
        raise PreconditionFailed(N_("error.documents_not_all_complete"))
    if action is Action.APPROVE and not_correct:
        raise PreconditionFailed(N_("officer.error.not_all_correct"))


# The appointment state each of the foundation's answers to a pickup time leaves.
PICKUP_ANSWER: dict[Action, str] = {
    Action.CONFIRM_PICKUP: "confirmed",
    Action.REQUEST_RESCHEDULE: "reschedule_requested",
}


def pickup_answer_refusal(
    action: Action, appointment_id: int, current_id: int | None, current_state: str | None
) -> str | None:
    """Why an answer to the pickup time ``appointment_id`` changes nothing (None: it does).

    The answer is to one appointment, not to a case version: a newer time supersedes it, and
    the same answer twice (a double tap) is said once."""
    if current_id is None or current_id != appointment_id:
        return N_("issuance.error.appointment_superseded")
    if current_state == PICKUP_ANSWER[action]:
        if action is Action.CONFIRM_PICKUP:
            return N_("issuance.error.already_confirmed")
        return N_("issuance.error.already_asked")
    return None
