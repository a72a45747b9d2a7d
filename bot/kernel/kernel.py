"""``CaseKernel``: the one path every change to a case takes, and the case as code reads it.

``run`` is one transaction. The person is read from the database inside it (never trusted from
a button), the case's version is compared with the version the person saw, and the UPDATE
itself repeats that comparison, so two decisions on the same version cannot both win even from
two processes. The event and the notifications are written in the same transaction: a crash
leaves either all of them or none.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import aiosqlite

from bot import workflow as wf
from bot.checklist import Checklist
from bot.clock import Clock
from bot.i18n import encode_params
from bot.i18n_marker import N_
from bot.kernel.clocks import clock_fields
from bot.kernel.errors import CaseNotFound, VersionConflict
from bot.kernel.facts import case_facts
from bot.kernel.inputs import FileMeta
from bot.kernel.notices import Notices, resolve
from bot.workdays import WorkCalendar
from bot.workflow import Action, Actor, CaseFacts, CaseRef, Role, Status
from storage import attachments as attachments_repo
from storage import cases as cases_repo
from storage import events as events_repo
from storage import outbox as outbox_repo
from storage import users as users_repo
from storage.cases import StaleVersion
from storage.db import Database
from storage.models import Attachment, Case, CaseEvent, User

Change = Callable[[aiosqlite.Connection, Case, Status], Awaitable[dict[str, Any]]]
"""Extra writes of an action, inside its transaction; returns the case fields to update."""

SYSTEM_ACTOR = Actor(user_id=0, role=Role.SYSTEM)


@dataclass(frozen=True, slots=True)
class Outcome:
    case: Case
    event: CaseEvent | None
    outbox_ids: tuple[int, ...] = ()


def actor_of(user: User | None, user_id: int) -> Actor:
    if user is None:
        return Actor(user_id=user_id, role=Role.NONE)
    return Actor(
        user_id=user.id,
        role=user.role,
        active=user.active,
        foundation_id=user.foundation_id,
        province=user.province,
    )


def ref_of(case: Case) -> CaseRef:
    return CaseRef(status=case.status, foundation_id=case.foundation_id, province=case.province)


class CaseKernel:
    def __init__(
        self,
        db: Database,
        checklist: Checklist,
        clock: Clock,
        calendar: WorkCalendar | None = None,
    ) -> None:
        self.db = db
        self.checklist = checklist
        self.clock = clock
        self.calendar = calendar or WorkCalendar()

    # ----- the case as code reads it --------------------------------------------------------

    async def actor(self, user_id: int) -> Actor:
        return actor_of(await users_repo.get(self.db.conn, user_id), user_id)

    async def get_visible(self, user_id: int, case_id: int) -> Case:
        """The case, if this person may see it; otherwise the same 'not found' as a bad id."""
        case = await cases_repo.get(self.db.conn, case_id)
        if case is None or not wf.may_see(await self.actor(user_id), ref_of(case)):
            raise CaseNotFound()
        return case

    async def seen(self, user_id: int, case_id: int, version: int, *, staff: bool = False) -> Case:
        """The case as it is, if it is still the version the person acted on; ``staff``
        refuses anyone but an active officer or admin first."""
        if staff and not wf.is_staff(await self.actor(user_id)):
            raise wf.NotAllowed(N_("error.not_allowed"))
        case = await self.get_visible(user_id, case_id)
        if case.version != version:
            raise VersionConflict(case.version)
        return case

    async def facts(self, case_id: int) -> CaseFacts:
        return await case_facts(self.db.conn, self.checklist, case_id)

    async def timeline(self, case_id: int) -> list[CaseEvent]:
        return await events_repo.for_case(self.db.conn, case_id)

    async def current_attachments(self, case_id: int) -> list[Attachment]:
        return await attachments_repo.current(self.db.conn, case_id)

    # ----- the one path every change takes --------------------------------------------------

    async def run(
        self,
        action: Action,
        user_id: int,
        case_id: int,
        version: int | None,
        *,
        facts: Mapping[str, bool] | None = None,
        change: Change | None = None,
        comment: str | None = None,
        note: str | None = None,
        data: dict[str, Any] | None = None,
        notify: Notices = (),
        system: bool = False,
    ) -> Outcome:
        """Check, change, log and notify in one transaction.

        ``version`` None is only for actions that do not depend on what was seen (notes, a
        pickup answer). ``facts`` are what the person typed (``has_comment``...), for the
        guards. ``comment`` is shown to the foundation, ``note`` only to the office.
        ``system`` is the bot's own scheduled work: no person acts, the event has no actor.
        """
        now = self.clock()
        async with self.db.transaction() as conn:
            case = await cases_repo.get(conn, case_id)
            actor = (
                SYSTEM_ACTOR if system else actor_of(await users_repo.get(conn, user_id), user_id)
            )
            if case is None or not wf.may_see(actor, ref_of(case)):
                raise CaseNotFound()
            known = await case_facts(conn, self.checklist, case_id, **(facts or {}))
            seen_old = version is not None and version != case.version
            try:
                new_status = wf.check(action, actor, ref_of(case), known)
            except wf.NotAllowed:
                raise
            except wf.WorkflowError:
                # Someone who acted on an old view is shown the case as it is now, rather
                # than told that their action no longer fits a status they never saw.
                if seen_old:
                    raise VersionConflict(case.version) from None
                raise
            if seen_old:
                raise VersionConflict(case.version)
            fields: dict[str, Any] = await change(conn, case, new_status) if change else {}
            if new_status is not case.status:
                fields["status"] = new_status
                if new_status in wf.TERMINAL:
                    fields["closed_at"] = now
                fields.update(clock_fields(case, new_status, now, self.calendar))
            updated = case
            if version is not None:
                try:
                    updated = await cases_repo.update(conn, case_id, version, now, **fields)
                except StaleVersion as stale:
                    raise VersionConflict(stale.current) from None
            event = await events_repo.append(
                conn,
                case_id=case_id,
                actor_id=None if system else user_id,
                action=action.value,
                from_status=case.status,
                to_status=updated.status,
                now=now,
                public_comment=comment,
                internal_note=note,
                data=data,
            )
            outbox_ids: list[int] = []
            for letter in await resolve(conn, updated, notify):
                for person in letter.recipients:
                    if person.id == user_id:
                        continue  # the person acting sees the result in their own reply
                    outbox_ids.append(
                        await outbox_repo.enqueue(
                            conn,
                            recipient_id=person.id,
                            case_id=case_id,
                            event_id=event.id,
                            attachment_id=letter.notice.attachment_id,
                            kind=letter.notice.kind,
                            msg_id=letter.notice.msg_id,
                            params=encode_params(letter.params),
                            now=now,
                        )
                    )
        return Outcome(updated, event, tuple(outbox_ids))

    async def store_file(
        self,
        conn: aiosqlite.Connection,
        case_id: int,
        item: str,
        slot: int,
        file: FileMeta,
        user_id: int,
    ) -> Attachment:
        """A new revision of one document (or the certificate scan), inside a ``change``."""
        return await attachments_repo.add_revision(
            conn,
            case_id=case_id,
            item=item,
            slot=slot,
            file_name=file.file_name,
            mime_type=file.mime_type,
            size=file.size,
            sha256=file.sha256,
            telegram_file_id=file.telegram_file_id,
            uploaded_by=user_id,
            now=self.clock(),
        )
