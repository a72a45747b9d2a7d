"""A new application, step by step: the volunteer's details, the consent declaration, the
document checklist one item at a time, then a summary to check and submit.

Where the person is and what they typed is a pydantic ``ApplicationDraft`` saved in ``drafts``
after every step, so closing Telegram or restarting the bot resumes exactly there. Files go to
a draft case (``cases`` with status draft) from the first document on, as attachment revisions.

Steps: each volunteer field by key, then ``consent``, ``documents``, ``summary``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo

import aiosqlite
from pydantic import BaseModel, ConfigDict, ValidationError

from bot import dates
from bot.actions.application import ApplicationActions
from bot.checklist import ChecklistItem
from bot.clock import Clock
from bot.field_rules import FieldError
from bot.i18n_marker import N_
from bot.kernel.inputs import FileMeta
from bot.kernel.kernel import CaseKernel, Outcome
from bot.services import wizard
from bot.services.foundations import NotAMember, PrivacyRequired
from bot.services.volunteer_form import VOLUNTEER_FIELDS, VolunteerForm
from bot.workflow import Role, Status, WorkflowError
from storage import attachments as attachments_repo
from storage import cases as cases_repo
from storage import drafts as drafts_repo
from storage import privacy as privacy_repo
from storage import users as users_repo
from storage.db import Database
from storage.models import Attachment, Case

APPLICATION = "application"
CONSENT = "consent"
DOCUMENTS = "documents"


class DraftExists(WorkflowError):
    """A new application was asked for while one is unfinished: continue it or discard it."""

    def __init__(self) -> None:
        super().__init__(N_("foundation.apply.draft_exists"))


class NoDraft(WorkflowError):
    def __init__(self) -> None:
        super().__init__(N_("foundation.apply.no_draft"))


class DocTarget(BaseModel):
    """One file to replace (or add) from the summary."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    item: str
    slot: int


class ApplicationDraft(BaseModel):
    model_config = ConfigDict(extra="forbid")

    step: str = VOLUNTEER_FIELDS[0].key
    form: VolunteerForm = VolunteerForm()
    consent_at: datetime | None = None
    case_id: int | None = None
    item: int = 0
    """During the documents step: the index of the checklist item being asked."""
    target: DocTarget | None = None
    documents_done: bool = False


@dataclass(frozen=True, slots=True)
class Summary:
    draft: ApplicationDraft
    case: Case | None
    documents: list[Attachment]


class ApplicationService:
    def __init__(
        self,
        db: Database,
        kernel: CaseKernel,
        actions: ApplicationActions,
        privacy_version: str,
        clock: Clock,
        tz: tzinfo,
    ) -> None:
        self.db = db
        self.kernel = kernel
        self.actions = actions
        self.privacy_version = privacy_version
        self.checklist = kernel.checklist
        self.clock = clock
        self.tz = tz

    def today(self) -> date:
        return dates.to_local(self.clock(), self.tz).date()

    # ----- the draft ----------------------------------------------------------------------------

    async def _member(self, conn: aiosqlite.Connection, user_id: int) -> None:
        user = await users_repo.get(conn, user_id)
        if user is None or not user.active or user.role is not Role.MEMBER:
            raise NotAMember()

    async def _load(self, conn: aiosqlite.Connection, user_id: int) -> ApplicationDraft | None:
        stored = await drafts_repo.load(conn, user_id, APPLICATION)
        if stored is None:
            return None
        try:
            draft = ApplicationDraft.model_validate(stored.data)
        except ValidationError:
            return None  # written by an older form: the person starts again
        if draft.case_id is not None:
            case = await cases_repo.get(conn, draft.case_id)
            if case is None or case.status is not Status.DRAFT:
                return None  # submitted already (the bot stopped before forgetting the draft)
        return draft

    async def _save(
        self, conn: aiosqlite.Connection, user_id: int, draft: ApplicationDraft
    ) -> None:
        await drafts_repo.save(
            conn, user_id, APPLICATION, draft.model_dump(mode="json"), self.clock()
        )

    async def _draft(self, conn: aiosqlite.Connection, user_id: int) -> ApplicationDraft:
        await self._member(conn, user_id)
        draft = await self._load(conn, user_id)
        if draft is None:
            raise NoDraft()
        return draft

    async def current(self, user_id: int) -> ApplicationDraft | None:
        await self._member(self.db.conn, user_id)
        return await self._load(self.db.conn, user_id)

    async def start(self, user_id: int, *, discard: bool = False) -> ApplicationDraft:
        """A fresh application; ``DraftExists`` unless the unfinished one is to be dropped."""
        async with self.db.transaction() as conn:
            await self._member(conn, user_id)
            # A new version of the notice is accepted before more personal data is collected.
            if not await privacy_repo.has_accepted(conn, user_id, self.privacy_version):
                raise PrivacyRequired()
            if not discard and await self._load(conn, user_id) is not None:
                raise DraftExists()
            draft = ApplicationDraft()
            await self._save(conn, user_id, draft)
        return draft

    # ----- the volunteer's details ------------------------------------------------------------

    def _next_step(self, draft: ApplicationDraft) -> str:
        empty = wizard.first_empty(draft.form, VOLUNTEER_FIELDS)
        if empty is not None:
            return empty
        if draft.consent_at is None:
            return CONSENT
        if not draft.documents_done:
            return DOCUMENTS
        return wizard.SUMMARY

    async def answer(
        self, user_id: int, raw: str, button_field: str | None = None
    ) -> ApplicationDraft:
        async with self.db.transaction() as conn:
            draft = await self._draft(conn, user_id)
            if draft.step == DOCUMENTS:
                raise FieldError(N_("foundation.error.file_expected"))
            form = wizard.take(
                VOLUNTEER_FIELDS, draft.step, button_field, raw, draft.form, self.today()
            )
            draft = draft.model_copy(update={"form": form})
            draft.step = self._next_step(draft)
            await self._save(conn, user_id, draft)
        if draft.case_id is not None:
            await self._sync_case(user_id, draft)
        return draft

    async def edit(self, user_id: int, key: str) -> ApplicationDraft:
        async with self.db.transaction() as conn:
            draft = await self._draft(conn, user_id)
            if draft.step != wizard.SUMMARY or wizard.spec_of(VOLUNTEER_FIELDS, key) is None:
                raise wizard.StaleStep()
            draft.step = key
            await self._save(conn, user_id, draft)
        return draft

    async def _sync_case(
        self, user_id: int, draft: ApplicationDraft, seen_version: int | None = None
    ) -> int:
        """Keep the draft case's details (and so its office) in step with the form.

        Returns the case's version afterwards. ``seen_version`` checks the case against what
        the person saw; without it the current version is taken (the person's own draft).
        """
        assert draft.case_id is not None
        case = await self.kernel.get_visible(user_id, draft.case_id)
        form = draft.form
        assert form.full_name and form.passport_no and form.work_province
        details = {**case.details, **form.details()}
        if details == case.details and case.province == form.work_province:
            return case.version if seen_version is None else seen_version
        outcome = await self.actions.update_draft(
            user_id,
            case.id,
            case.version if seen_version is None else seen_version,
            volunteer_name=form.full_name,
            passport_no=form.passport_no,
            details=details,
            province=form.work_province,
        )
        return outcome.case.version

    # ----- consent ------------------------------------------------------------------------------

    async def consent(self, user_id: int) -> ApplicationDraft:
        """The member declares the volunteer agreed; the draft case is created with it."""
        draft = await self._draft(self.db.conn, user_id)
        if draft.step != CONSENT:
            raise wizard.StaleStep()
        now = self.clock()
        form = draft.form
        assert form.full_name and form.passport_no
        details = {**form.details(), "consent_at": now.isoformat(), "consent_by": user_id}
        case = await self.actions.create_draft(
            user_id, volunteer_name=form.full_name, passport_no=form.passport_no, details=details
        )
        async with self.db.transaction() as conn:
            draft = draft.model_copy(update={"consent_at": now, "case_id": case.id, "item": 0})
            draft.step = self._next_step(draft)
            await self._save(conn, user_id, draft)
        return draft

    # ----- documents ----------------------------------------------------------------------------

    def item_at(self, draft: ApplicationDraft) -> ChecklistItem | None:
        """The checklist item the person is asked for now, if any."""
        if draft.step != DOCUMENTS:
            return None
        if draft.target is not None:
            return self.checklist.get(draft.target.item)
        items = self.checklist.items
        return items[draft.item] if draft.item < len(items) else None

    async def files_of(self, case_id: int, item: str) -> list[Attachment]:
        return [a for a in await attachments_repo.current(self.db.conn, case_id) if a.item == item]

    async def add_file(self, user_id: int, meta: FileMeta) -> tuple[ApplicationDraft, Attachment]:
        """Attach a checked, stored file to the item being asked, then move on."""
        draft = await self._draft(self.db.conn, user_id)
        item = self.item_at(draft)
        if item is None or draft.case_id is None:
            raise wizard.StaleStep()
        if draft.target is not None:
            slot = draft.target.slot
        else:
            slot = len(await self.files_of(draft.case_id, item.key)) if item.multiple else 0
        case = await self.kernel.get_visible(user_id, draft.case_id)
        _, attachment = await self.actions.upload_attachment(
            user_id, case.id, case.version, item.key, meta, slot
        )
        async with self.db.transaction() as conn:
            if draft.target is not None:
                draft = draft.model_copy(update={"target": None})
            elif not item.multiple:
                draft = draft.model_copy(update={"item": draft.item + 1})
            draft = self._after_item(draft)
            await self._save(conn, user_id, draft)
        return draft, attachment

    def _after_item(self, draft: ApplicationDraft) -> ApplicationDraft:
        if draft.target is None and draft.item >= len(self.checklist.items):
            draft = draft.model_copy(update={"documents_done": True})
        if draft.target is None and draft.documents_done:
            draft = draft.model_copy(update={"step": wizard.SUMMARY})
        return draft

    async def next_item(self, user_id: int) -> ApplicationDraft:
        """Skip an optional item, or finish an item that takes several files."""
        async with self.db.transaction() as conn:
            draft = await self._draft(conn, user_id)
            item = self.item_at(draft)
            if item is None or draft.case_id is None or draft.target is not None:
                raise wizard.StaleStep()
            has_files = bool(await self.files_of(draft.case_id, item.key))
            if item.required and not has_files:
                raise FieldError(N_("foundation.error.document_required"))
            draft = self._after_item(draft.model_copy(update={"item": draft.item + 1}))
            await self._save(conn, user_id, draft)
        return draft

    async def replace(self, user_id: int, item_key: str, slot: int) -> ApplicationDraft:
        """From the summary: send a new file for one item (a new revision, or another file)."""
        async with self.db.transaction() as conn:
            draft = await self._draft(conn, user_id)
            item = self.checklist.get(item_key)
            if draft.step != wizard.SUMMARY or item is None or draft.case_id is None:
                raise wizard.StaleStep()
            count = len(await self.files_of(draft.case_id, item.key))
            if slot < 0 or slot > (count if item.multiple else 0):
                raise wizard.StaleStep()
            draft = draft.model_copy(
                update={"step": DOCUMENTS, "target": DocTarget(item=item.key, slot=slot)}
            )
            await self._save(conn, user_id, draft)
        return draft

    async def back_to_summary(self, user_id: int) -> ApplicationDraft:
        """Leave a replacement or a field edit without changing anything."""
        async with self.db.transaction() as conn:
            draft = await self._draft(conn, user_id)
            if not draft.documents_done:
                raise wizard.StaleStep()
            draft = draft.model_copy(update={"target": None, "step": wizard.SUMMARY})
            await self._save(conn, user_id, draft)
        return draft

    # ----- summary and submission ---------------------------------------------------------------

    async def summary(self, user_id: int) -> Summary:
        draft = await self._draft(self.db.conn, user_id)
        if draft.case_id is None:
            return Summary(draft, None, [])
        case = await self.kernel.get_visible(user_id, draft.case_id)
        return Summary(draft, case, await attachments_repo.current(self.db.conn, case.id))

    async def submit(self, user_id: int, case_id: int, version: int) -> Outcome:
        """Submit the draft case as shown on the summary (its id and version)."""
        draft = await self._draft(self.db.conn, user_id)
        if draft.case_id != case_id or draft.step != wizard.SUMMARY or not draft.form.complete:
            raise wizard.StaleStep()
        # The summary showed the form; should an earlier sync have failed, the case catches up
        # first, so what is submitted is what the person confirmed.
        version = await self._sync_case(user_id, draft, version)
        outcome = await self.actions.submit(user_id, case_id, version)
        async with self.db.transaction() as conn:
            await drafts_repo.delete(conn, user_id, APPLICATION)
        return outcome

    async def discard(self, user_id: int) -> None:
        async with self.db.transaction() as conn:
            await self._member(conn, user_id)
            await drafts_repo.delete(conn, user_id, APPLICATION)
