"""Officer work: the dashboard, queue pages, search, a case as an officer sees it, and the
officer accounts admins manage. No Telegram types here.

Who may do what is read from the database on every call: an officer sees their province's
cases, a central officer (no province) and an admin every province's. Changes to a case are
the feature actions' (``bot.actions``): this service reads what the officer screens show.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from datetime import datetime, tzinfo

import aiosqlite

from bot import provinces
from bot.i18n_marker import N_
from bot.kernel.errors import InvalidInput
from bot.kernel.inputs import CERTIFICATE_ITEM
from bot.kernel.kernel import CaseKernel, actor_of
from bot.workflow import (
    Action,
    Actor,
    Bucket,
    CaseFacts,
    CaseRef,
    NotAllowed,
    Role,
    Status,
    available_actions,
    is_staff,
    statuses_in,
)
from storage import appointments as appointments_repo
from storage import attachments as attachments_repo
from storage import events as events_repo
from storage import foundations as foundations_repo
from storage import officers as officers_repo
from storage import queue as queue_repo
from storage import users as users_repo
from storage.appointments import Appointment
from storage.models import Attachment, Case, CaseEvent, Foundation, User
from storage.queue import QueueRow

PAGE_SIZE = 8
SEARCH_LIMIT = 8
MIN_SEARCH_LENGTH = 2
MAX_SEARCH_LENGTH = 100
OFFICE_BUCKETS = (Bucket.WAITING_FOR_OFFICER, Bucket.WAITING_FOR_APPLICANT, Bucket.COMPLETED)


def scope_of(user: User) -> str | None:
    """The province whose cases this person works on; None for every province."""
    return user.province if user.role is Role.OFFICER else None


@dataclass(frozen=True, slots=True)
class Dashboard:
    province: str | None
    counts: dict[Status, int]

    def total(self, bucket: Bucket) -> int:
        return sum(self.counts.get(s, 0) for s in statuses_in(bucket))


@dataclass(frozen=True, slots=True)
class QueueItem:
    row: QueueRow
    days_waiting: int | None
    """Whole days since submission, in the office's zone (None if never submitted)."""


@dataclass(frozen=True, slots=True)
class QueuePage:
    bucket: Bucket
    page: int
    pages: int
    total: int
    items: list[QueueItem]


@dataclass(frozen=True, slots=True)
class SearchResult:
    term: str
    items: list[QueueItem]
    more: bool
    """More cases match than are shown."""


@dataclass(frozen=True, slots=True)
class CaseView:
    """Everything the case screen shows."""

    actor: Actor
    case: Case
    foundation: Foundation | None
    attachments: list[Attachment]
    """The current revision of each document (and the certificate scan, if any)."""
    history: list[Attachment]
    """Every revision, for the verdicts given to earlier files."""
    events: list[CaseEvent]
    names: dict[int, str]
    facts: CaseFacts
    actions: tuple[Action, ...]
    appointment: Appointment | None = None
    """The current pickup appointment (issuance), as the foundation last heard of it."""

    @property
    def documents(self) -> list[Attachment]:
        return [a for a in self.attachments if a.item != CERTIFICATE_ITEM]

    @property
    def not_correct(self) -> int:
        """Documents not yet marked correct (ถูกต้อง) in consideration."""
        return sum(1 for a in self.documents if a.verdict != "correct")

    @property
    def unmarked(self) -> int:
        return sum(1 for a in self.documents if a.verdict is None)

    def last_change_by(self, user_id: int) -> bool:
        """Whether this person made the latest change (a double tap, not a colleague)."""
        return bool(self.events) and self.events[-1].actor_id == user_id


@dataclass(frozen=True, slots=True)
class AttachmentView:
    case: Case
    attachment: Attachment
    earlier: list[Attachment]
    position: int
    count: int
    actions: tuple[Action, ...]


@dataclass(frozen=True, slots=True)
class OfficerPage:
    page: int
    pages: int
    officers: list[User]


def _days(since: datetime | None, now: datetime, tz: tzinfo) -> int | None:
    if since is None:
        return None
    return (now.astimezone(tz).date() - since.astimezone(tz).date()).days


def search_patterns(text: str) -> tuple[str, ...]:
    """LIKE patterns for a typed term. LIKE already ignores the case of ASCII letters; a term
    with other letters (ü) is also tried in lower and in upper case (see storage)."""
    term = unicodedata.normalize("NFC", " ".join(text.split()))
    forms = (term,) if term.isascii() else (term.lower(), term.upper())
    return tuple(dict.fromkeys(queue_repo.like_pattern(t) for t in forms))


class OfficerService:
    def __init__(self, kernel: CaseKernel, tz: tzinfo) -> None:
        self.kernel = kernel
        self.db = kernel.db
        self.clock = kernel.clock
        self.tz = tz

    # ----- who ------------------------------------------------------------------------------

    async def staff(self, user_id: int) -> User:
        """The person, if they are an active officer or admin right now."""
        user = await users_repo.get(self.db.conn, user_id)
        if user is None or not is_staff(actor_of(user, user_id)):
            raise NotAllowed(N_("error.not_allowed"))
        return user

    async def admin(self, user_id: int) -> User:
        user = await self.staff(user_id)
        if user.role is not Role.ADMIN:
            raise NotAllowed(N_("error.not_allowed"))
        return user

    # ----- dashboard, queues, search --------------------------------------------------------

    async def dashboard(self, user_id: int) -> Dashboard:
        province = scope_of(await self.staff(user_id))
        return Dashboard(province, await queue_repo.status_counts(self.db.conn, province))

    async def queue(self, user_id: int, bucket: Bucket, page: int) -> QueuePage:
        if bucket not in OFFICE_BUCKETS:
            raise InvalidInput(N_("common.stale_button"))
        province = scope_of(await self.staff(user_id))
        total = await queue_repo.bucket_size(self.db.conn, province, bucket)
        pages = max(1, math.ceil(total / PAGE_SIZE))
        page = min(max(page, 0), pages - 1)
        rows = await queue_repo.bucket_page(
            self.db.conn, province, bucket, page * PAGE_SIZE, PAGE_SIZE
        )
        return QueuePage(bucket, page, pages, total, self._items(rows))

    async def search(self, user_id: int, text: str) -> SearchResult:
        province = scope_of(await self.staff(user_id))
        term = " ".join(text.split())
        if len(term) < MIN_SEARCH_LENGTH:
            raise InvalidInput(N_("officer.find.too_short"), minimum=MIN_SEARCH_LENGTH)
        if len(term) > MAX_SEARCH_LENGTH:
            raise InvalidInput(N_("error.text_too_long"), limit=MAX_SEARCH_LENGTH)
        rows = await queue_repo.search(
            self.db.conn, province, search_patterns(term), SEARCH_LIMIT + 1
        )
        return SearchResult(term, self._items(rows[:SEARCH_LIMIT]), len(rows) > SEARCH_LIMIT)

    def _items(self, rows: list[QueueRow]) -> list[QueueItem]:
        now = self.clock()
        return [QueueItem(r, _days(r.submitted_at, now, self.tz)) for r in rows]

    # ----- one case -------------------------------------------------------------------------

    async def case_view(self, user_id: int, case_id: int) -> CaseView:
        actor = actor_of(await self.staff(user_id), user_id)
        conn = self.db.conn
        case = await self.kernel.get_visible(user_id, case_id)
        history = await attachments_repo.history(conn, case_id)
        events = await events_repo.for_case(conn, case_id)
        people = {e.actor_id for e in events if e.actor_id is not None}
        people |= {int(e.data["taken_from"]) for e in events if e.data.get("taken_from")}
        people |= {a.verdict_by for a in history if a.verdict_by is not None}
        if case.claimed_by is not None:
            people.add(case.claimed_by)
        ref = CaseRef(case.status, case.foundation_id, case.province)
        return CaseView(
            actor=actor,
            case=case,
            foundation=await foundations_repo.get(conn, case.foundation_id),
            attachments=self._in_checklist_order(await attachments_repo.current(conn, case_id)),
            history=history,
            events=events,
            names=await officers_repo.display_names(conn, people),
            facts=await self.kernel.facts(case_id),
            actions=available_actions(actor, ref),
            appointment=await appointments_repo.latest_for_case(conn, case_id),
        )

    def _in_checklist_order(self, attachments: list[Attachment]) -> list[Attachment]:
        """As the foundation was asked for them; the certificate scan (not listed) last."""
        order = {item.key: n for n, item in enumerate(self.kernel.checklist.items)}
        return sorted(attachments, key=lambda a: (order.get(a.item, len(order)), a.slot))

    async def attachment(self, user_id: int, case_id: int, attachment_id: int) -> AttachmentView:
        view = await self.case_view(user_id, case_id)
        attachment = next((a for a in view.history if a.id == attachment_id), None)
        if attachment is None:
            raise InvalidInput(N_("error.attachment_not_found"))
        current = view.attachments
        latest = next(
            (a for a in current if (a.item, a.slot) == (attachment.item, attachment.slot)), None
        )
        earlier = [
            a
            for a in view.history
            if (a.item, a.slot) == (attachment.item, attachment.slot)
            and a.revision < attachment.revision
        ]
        # Only the latest revision can be marked; an older file is shown for reference.
        actions = view.actions if latest is not None and latest.id == attachment.id else ()
        position = next((i for i, a in enumerate(current, 1) if a.id == attachment.id), 0)
        return AttachmentView(view.case, attachment, earlier, position, len(current), actions)

    # ----- officer accounts (admins) --------------------------------------------------------

    async def officers(self, admin_id: int, page: int) -> OfficerPage:
        await self.admin(admin_id)
        total = await officers_repo.count(self.db.conn)
        pages = max(1, math.ceil(total / PAGE_SIZE))
        page = min(max(page, 0), pages - 1)
        rows = await officers_repo.page(self.db.conn, page * PAGE_SIZE, PAGE_SIZE)
        return OfficerPage(page, pages, rows)

    async def officer(self, admin_id: int, officer_id: int) -> User:
        await self.admin(admin_id)
        user = await users_repo.get(self.db.conn, officer_id)
        if user is None or user.role is not Role.OFFICER:
            raise InvalidInput(N_("officer.error.no_such_officer"))
        return user

    async def move(self, admin_id: int, officer_id: int, province: str | None) -> User:
        if province is not None and provinces.get(province) is None:
            raise InvalidInput(N_("common.stale_button"))
        async with self.db.transaction() as conn:
            await self._admin_in(conn, admin_id)
            moved = await officers_repo.set_province(conn, officer_id, province, self.clock())
        if moved is None:
            raise InvalidInput(N_("officer.error.no_such_officer"))
        return moved

    async def set_active(self, admin_id: int, officer_id: int, active: bool) -> User:
        async with self.db.transaction() as conn:
            await self._admin_in(conn, admin_id)
            changed = await officers_repo.set_active(conn, officer_id, active, self.clock())
        if changed is None:
            raise InvalidInput(N_("officer.error.no_such_officer"))
        return changed

    @staticmethod
    async def _admin_in(conn: aiosqlite.Connection, admin_id: int) -> None:
        """Checked inside the transaction: an admin removed a moment ago changes nothing."""
        admin = await users_repo.get(conn, admin_id)
        if admin is None or not admin.active or admin.role is not Role.ADMIN:
            raise NotAllowed(N_("error.not_allowed"))
