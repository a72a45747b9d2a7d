"""Correcting a case the office sent back: only the documents the officer flagged are asked
for, each as a new revision (the reviewed one stays as it was), the volunteer's details may be
fixed when the officer asked, and the case goes back with one resubmission.

The person's progress is a ``CorrectionDraft`` in ``drafts``; which documents are still to
replace is read from the case itself (the current revision of a flagged item is the flagged one
until a new one is attached), so the draft cannot disagree with what the officer sees.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo

import aiosqlite
from pydantic import BaseModel, ConfigDict, ValidationError

from bot import dates
from bot.actions.application import ApplicationActions
from bot.actions.correction import CorrectionActions
from bot.clock import Clock
from bot.field_rules import FieldError
from bot.i18n_marker import N_
from bot.kernel.inputs import CERTIFICATE_ITEM, FileMeta
from bot.kernel.kernel import CaseKernel, Outcome
from bot.services import wizard
from bot.services.foundations import NotAMember
from bot.services.volunteer_form import CORRECTABLE_FIELDS, VolunteerForm
from bot.workflow import STATUS_LABEL, IllegalTransition, Role, Status, WorkflowError
from storage import attachments as attachments_repo
from storage import drafts as drafts_repo
from storage import foundation_queries as queries
from storage import users as users_repo
from storage.db import Database
from storage.models import Attachment, Case

CORRECTION = "correction"
DOCUMENTS = "documents"


class CorrectionDraft(BaseModel):
    model_config = ConfigDict(extra="forbid")

    case_id: int
    step: str = DOCUMENTS
    form: VolunteerForm = VolunteerForm()


@dataclass(frozen=True, slots=True)
class CorrectionView:
    draft: CorrectionDraft
    case: Case
    flagged: list[Attachment]
    """Flagged documents not yet replaced, in checklist order."""
    replaced: list[Attachment]
    """New revisions attached in this round."""
    comment: str | None
    changed: list[str]
    """Keys of the details the person changed."""


def _form_of(case: Case) -> VolunteerForm:
    try:
        return VolunteerForm.from_details(case.details)
    except ValidationError:
        return VolunteerForm()  # details the form cannot read: fields cannot be fixed here


class CorrectionService:
    def __init__(
        self,
        db: Database,
        kernel: CaseKernel,
        uploads: ApplicationActions,
        actions: CorrectionActions,
        clock: Clock,
        tz: tzinfo,
    ) -> None:
        self.db = db
        self.kernel = kernel
        self.uploads = uploads
        self.actions = actions
        self.clock = clock
        self.tz = tz

    async def _case(self, user_id: int, case_id: int) -> Case:
        """The case, if this member may correct it now; the reason in words otherwise."""
        user = await users_repo.get(self.db.conn, user_id)
        if user is None or not user.active or user.role is not Role.MEMBER:
            raise NotAMember()
        case = await self.kernel.get_visible(user_id, case_id)
        if case.status is not Status.AWAITING_CORRECTION:
            raise IllegalTransition(
                N_("foundation.correct.not_waiting"), status=STATUS_LABEL[case.status]
            )
        return case

    async def _load(self, conn: aiosqlite.Connection, user_id: int) -> CorrectionDraft | None:
        stored = await drafts_repo.load(conn, user_id, CORRECTION)
        if stored is None:
            return None
        try:
            return CorrectionDraft.model_validate(stored.data)
        except ValidationError:
            return None

    async def _save(self, conn: aiosqlite.Connection, user_id: int, draft: CorrectionDraft) -> None:
        await drafts_repo.save(
            conn, user_id, CORRECTION, draft.model_dump(mode="json"), self.clock()
        )

    async def _draft(self, user_id: int) -> tuple[CorrectionDraft, Case]:
        draft = await self._load(self.db.conn, user_id)
        if draft is None:
            raise NoCorrection()
        return draft, await self._case(user_id, draft.case_id)

    async def flagged(self, case: Case) -> tuple[list[Attachment], list[Attachment]]:
        """(still flagged, replaced since the officer's request), in checklist order."""
        current = [
            a
            for a in await attachments_repo.current(self.db.conn, case.id)
            if a.item != CERTIFICATE_ITEM
        ]
        order = {item.key: i for i, item in enumerate(self.kernel.checklist.items)}
        current.sort(key=lambda a: (order.get(a.item, len(order)), a.slot))
        asked = await queries.public_events(self.db.conn, case.id, ("request_correction",))
        since = asked[-1].created_at if asked else None
        still = [a for a in current if a.verdict == "needs_correction"]
        replaced = [
            a
            for a in current
            if a.verdict is None and a.revision > 1 and since is not None and a.uploaded_at >= since
        ]
        return still, replaced

    async def start(self, user_id: int, case_id: int) -> CorrectionView:
        """Begin (or carry on) correcting this case."""
        case = await self._case(user_id, case_id)
        async with self.db.transaction() as conn:
            draft = await self._load(conn, user_id)
            if draft is None or draft.case_id != case.id:
                draft = CorrectionDraft(case_id=case.id, form=_form_of(case))
            await self._save(conn, user_id, draft)
        return await self._settle(user_id, draft, case)

    async def view(self, user_id: int) -> CorrectionView:
        draft, case = await self._draft(user_id)
        return await self._settle(user_id, draft, case)

    async def _settle(self, user_id: int, draft: CorrectionDraft, case: Case) -> CorrectionView:
        """Move to the summary once every flagged document has a new revision."""
        still, replaced = await self.flagged(case)
        if draft.step == DOCUMENTS and not still:
            draft = draft.model_copy(update={"step": wizard.SUMMARY})
            async with self.db.transaction() as conn:
                await self._save(conn, user_id, draft)
        asked = await queries.public_events(self.db.conn, case.id, ("request_correction",))
        comment = asked[-1].public_comment if asked else None
        original = _form_of(case).details()
        changed = [k for k, v in draft.form.details().items() if v != original.get(k)]
        return CorrectionView(draft, case, still, replaced, comment, changed)

    async def add_file(self, user_id: int, meta: FileMeta) -> CorrectionView:
        """The next flagged document's new revision."""
        draft, case = await self._draft(user_id)
        still, _ = await self.flagged(case)
        if draft.step != DOCUMENTS or not still:
            raise wizard.StaleStep()
        target = still[0]
        await self.uploads.upload_attachment(
            user_id, case.id, case.version, target.item, meta, target.slot
        )
        return await self.view(user_id)

    async def edit(self, user_id: int, key: str) -> CorrectionView:
        draft, case = await self._draft(user_id)
        if draft.step != wizard.SUMMARY or wizard.spec_of(CORRECTABLE_FIELDS, key) is None:
            raise wizard.StaleStep()
        draft = draft.model_copy(update={"step": key})
        async with self.db.transaction() as conn:
            await self._save(conn, user_id, draft)
        return await self._settle(user_id, draft, case)

    async def answer(
        self, user_id: int, raw: str, button_field: str | None = None
    ) -> CorrectionView:
        draft, case = await self._draft(user_id)
        if draft.step == DOCUMENTS:
            raise FieldError(N_("foundation.error.file_expected"))
        today = dates.to_local(self.clock(), self.tz).date()
        form = wizard.take(CORRECTABLE_FIELDS, draft.step, button_field, raw, draft.form, today)
        draft = draft.model_copy(update={"form": form, "step": wizard.SUMMARY})
        async with self.db.transaction() as conn:
            await self._save(conn, user_id, draft)
        return await self._settle(user_id, draft, case)

    async def back(self, user_id: int) -> CorrectionView:
        draft, case = await self._draft(user_id)
        still, _ = await self.flagged(case)
        draft = draft.model_copy(update={"step": DOCUMENTS if still else wizard.SUMMARY})
        async with self.db.transaction() as conn:
            await self._save(conn, user_id, draft)
        return await self._settle(user_id, draft, case)

    async def resubmit(self, user_id: int, case_id: int, version: int) -> Outcome:
        # Not ``_draft``: a case a colleague already resubmitted must come back as a version
        # conflict (and be shown as it is now), not as a refusal.
        draft = await self._load(self.db.conn, user_id)
        if draft is None or draft.case_id != case_id:
            raise wizard.StaleStep()
        case = await self.kernel.get_visible(user_id, case_id)
        original = _form_of(case).details()
        changes = {k: v for k, v in draft.form.details().items() if v != original.get(k)}
        outcome = await self.actions.resubmit(user_id, case_id, version, details=changes or None)
        async with self.db.transaction() as conn:
            await drafts_repo.delete(conn, user_id, CORRECTION)
        return outcome


class NoCorrection(WorkflowError):
    def __init__(self) -> None:
        super().__init__(N_("foundation.correct.nothing_open"))
