"""Foundations: the privacy notice, registering a foundation, joining one by invitation, and
what its members may read about their cases (list, details, documents, public timeline).

No Telegram here. Every method reads the person from the database first: a button never says
who someone is or which foundation they belong to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, tzinfo

import aiosqlite
from pydantic import BaseModel, ConfigDict, ValidationError

from bot import dates
from bot import workflow as wf
from bot.clock import Clock
from bot.field_rules import FieldError
from bot.i18n_marker import N_
from bot.kernel.errors import CaseNotFound
from bot.kernel.inputs import CERTIFICATE_ITEM
from bot.kernel.kernel import CaseKernel, actor_of
from bot.privacy import PrivacyNotice
from bot.services import wizard
from bot.services.foundation_form import FOUNDATION_FIELDS, FoundationForm
from bot.services.invites import InviteService
from bot.workflow import Action, Role, WorkflowError
from storage import appointments as appointments_repo
from storage import attachments as attachments_repo
from storage import drafts as drafts_repo
from storage import foundation_queries as queries
from storage import foundations as foundations_repo
from storage import privacy as privacy_repo
from storage import users as users_repo
from storage.appointments import Appointment
from storage.db import Database
from storage.foundation_queries import PublicEvent
from storage.models import Attachment, Case, Foundation, User

REGISTRATION = "registration"
PAGE_SIZE = 5


class PrivacyRequired(WorkflowError):
    """The person has not accepted the current privacy notice yet: show it first."""

    def __init__(self) -> None:
        super().__init__(N_("foundation.privacy.required"))


class NotAMember(WorkflowError):
    def __init__(self) -> None:
        super().__init__(N_("foundation.error.not_member"))


class RegistrationDraft(BaseModel):
    model_config = ConfigDict(extra="forbid")

    step: str = FOUNDATION_FIELDS[0].key
    form: FoundationForm = FoundationForm()


@dataclass(frozen=True, slots=True)
class CasePage:
    foundation: Foundation
    cases: list[Case]
    page: int
    pages: int
    total: int


@dataclass(frozen=True, slots=True)
class CaseView:
    case: Case
    documents: list[Attachment]
    timeline: list[PublicEvent]
    actions: tuple[Action, ...]
    appointment: Appointment | None = None
    """The current pickup appointment, with the foundation's answer so far."""


class FoundationService:
    def __init__(
        self,
        db: Database,
        kernel: CaseKernel,
        invites: InviteService,
        notice: PrivacyNotice,
        clock: Clock,
        tz: tzinfo,
    ) -> None:
        self.db = db
        self.kernel = kernel
        self.invites = invites
        self.notice = notice
        self.clock = clock
        self.tz = tz

    def today(self) -> date:
        return dates.to_local(self.clock(), self.tz).date()

    # ----- privacy ----------------------------------------------------------------------------

    async def has_accepted_privacy(self, user_id: int) -> bool:
        return await privacy_repo.has_accepted(self.db.conn, user_id, self.notice.version)

    async def accept_privacy(self, user_id: int) -> None:
        async with self.db.transaction() as conn:
            if not await privacy_repo.has_accepted(conn, user_id, self.notice.version):
                await privacy_repo.accept(conn, user_id, self.notice.version, self.clock())

    async def _require_privacy(self, conn: aiosqlite.Connection, user_id: int) -> None:
        if not await privacy_repo.has_accepted(conn, user_id, self.notice.version):
            raise PrivacyRequired()

    # ----- registering a foundation -----------------------------------------------------------

    async def _newcomer(self, conn: aiosqlite.Connection, user_id: int) -> User:
        user = await users_repo.get(conn, user_id)
        if user is None or not user.active:
            raise wf.NotAllowed(N_("error.not_allowed"))
        if user.role is Role.MEMBER:
            raise wf.NotAllowed(N_("foundation.error.already_member"))
        if user.role is not Role.NONE:
            raise wf.NotAllowed(N_("error.not_allowed"))
        await self._require_privacy(conn, user_id)
        return user

    async def _registration(self, conn: aiosqlite.Connection, user_id: int) -> RegistrationDraft:
        stored = await drafts_repo.load(conn, user_id, REGISTRATION)
        if stored is not None:
            try:
                return RegistrationDraft.model_validate(stored.data)
            except ValidationError:
                pass  # written by an older version of the form: start again
        return RegistrationDraft()

    async def _save(
        self, conn: aiosqlite.Connection, user_id: int, draft: RegistrationDraft
    ) -> None:
        await drafts_repo.save(
            conn, user_id, REGISTRATION, draft.model_dump(mode="json"), self.clock()
        )

    async def registration(self, user_id: int) -> RegistrationDraft:
        """The person's registration so far (a new one if none): where to carry on."""
        async with self.db.transaction() as conn:
            await self._newcomer(conn, user_id)
            draft = await self._registration(conn, user_id)
            await self._save(conn, user_id, draft)
        return draft

    async def registration_started(self, user_id: int) -> bool:
        return await drafts_repo.load(self.db.conn, user_id, REGISTRATION) is not None

    async def registration_answer(
        self, user_id: int, raw: str, button_field: str | None = None
    ) -> RegistrationDraft:
        """Fill the field being asked; ``button_field`` when the answer came from a button."""
        async with self.db.transaction() as conn:
            await self._newcomer(conn, user_id)
            draft = await self._registration(conn, user_id)
            form = wizard.take(
                FOUNDATION_FIELDS, draft.step, button_field, raw, draft.form, self.today()
            )
            if (
                draft.step == "registration_no"
                and form.registration_no is not None
                and await queries.registration_taken(conn, form.registration_no)
            ):
                raise FieldError(N_("foundation.error.registration_taken"))
            step = wizard.first_empty(form, FOUNDATION_FIELDS) or wizard.SUMMARY
            draft = RegistrationDraft(step=step, form=form)
            await self._save(conn, user_id, draft)
        return draft

    async def registration_edit(self, user_id: int, key: str) -> RegistrationDraft:
        """From the summary, ask one field again."""
        async with self.db.transaction() as conn:
            await self._newcomer(conn, user_id)
            draft = await self._registration(conn, user_id)
            if draft.step != wizard.SUMMARY or wizard.spec_of(FOUNDATION_FIELDS, key) is None:
                raise wizard.StaleStep()
            draft = RegistrationDraft(step=key, form=draft.form)
            await self._save(conn, user_id, draft)
        return draft

    async def register(self, user_id: int) -> Foundation:
        """Create the foundation from the confirmed summary; the person becomes its member."""
        now = self.clock()
        async with self.db.transaction() as conn:
            await self._newcomer(conn, user_id)
            draft = await self._registration(conn, user_id)
            form = draft.form
            if draft.step != wizard.SUMMARY or not form.complete:
                raise wizard.StaleStep()
            assert form.kind and form.name_th and form.name_en and form.registration_no
            assert form.province and form.address and form.phone and form.email
            if await queries.registration_taken(conn, form.registration_no):
                raise FieldError(N_("foundation.error.registration_taken"))
            foundation = await foundations_repo.create(
                conn,
                kind=form.kind,
                name_th=form.name_th,
                name_en=form.name_en,
                registration_no=form.registration_no,
                province=form.province,
                address=form.address,
                phone=form.phone,
                email=form.email,
                now=now,
            )
            await users_repo.set_role(conn, user_id, Role.MEMBER, now, foundation_id=foundation.id)
            await drafts_repo.delete(conn, user_id, REGISTRATION)
        return foundation

    # ----- membership ---------------------------------------------------------------------------

    async def join(self, user_id: int, code: str) -> Foundation:
        """Use a colleague's invitation, once the person has accepted the privacy notice."""
        await self._require_privacy(self.db.conn, user_id)
        invite = await self.invites.redeem(user_id, code)
        assert invite.foundation_id is not None  # member invitations always carry one
        foundation = await foundations_repo.get(self.db.conn, invite.foundation_id)
        assert foundation is not None
        return foundation

    async def member(self, user_id: int) -> tuple[User, Foundation]:
        user = await users_repo.get(self.db.conn, user_id)
        if user is None or not user.active or user.role is not Role.MEMBER:
            raise NotAMember()
        assert user.foundation_id is not None
        foundation = await foundations_repo.get(self.db.conn, user.foundation_id)
        assert foundation is not None
        return user, foundation

    async def invite_link_code(self, user_id: int) -> str:
        await self.member(user_id)
        return await self.invites.create(user_id, "member")

    # ----- reading cases ------------------------------------------------------------------------

    async def cases_page(self, user_id: int, page: int) -> CasePage:
        _, foundation = await self.member(user_id)
        total = await queries.count_submitted(self.db.conn, foundation.id)
        pages = max(1, -(-total // PAGE_SIZE))
        page = min(max(page, 0), pages - 1)
        cases = await queries.submitted_page(
            self.db.conn, foundation.id, PAGE_SIZE, page * PAGE_SIZE
        )
        return CasePage(foundation, cases, page, pages, total)

    async def case_view(self, user_id: int, case_id: int) -> CaseView:
        """The case as its foundation's members see it; anyone else learns only 'not found'."""
        user = await users_repo.get(self.db.conn, user_id)
        actor = actor_of(user, user_id)
        if actor.role is not Role.MEMBER:
            raise CaseNotFound()
        case = await self.kernel.get_visible(user_id, case_id)
        # In checklist order, as the foundation attached them; the certificate scan last.
        order = {item.key: i for i, item in enumerate(self.kernel.checklist.items)}
        documents = sorted(
            await attachments_repo.current(self.db.conn, case_id),
            key=lambda a: (order.get(a.item, len(order)), a.slot),
        )
        if case.status is not wf.Status.COMPLETED:
            # The signed scan is the office's until it confirms sending it (completion).
            documents = [a for a in documents if a.item != CERTIFICATE_ITEM]
        timeline = await queries.public_events(self.db.conn, case_id, wf.PUBLIC_ACTIONS)
        ref = wf.CaseRef(case.status, case.foundation_id, case.province)
        appointment = await appointments_repo.latest_for_case(self.db.conn, case_id)
        return CaseView(case, documents, timeline, wf.available_actions(actor, ref), appointment)
