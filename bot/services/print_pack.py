"""What the print pack is made from, gathered from a case as officers see it: the office and
wording from ``office.toml``, the foundation and volunteer, the public history, and the
attachments that are PDFs or images, read from the file store off the event loop."""

from __future__ import annotations

import asyncio
import datetime as dt

import aiosqlite
from pydantic import ValidationError

from bot.checklist import Checklist
from bot.files import FileStore
from bot.i18n import Translator
from bot.i18n_marker import N_
from bot.issuance.config import IssuanceConfig
from bot.issuance.model import (
    FoundationInfo,
    HistoryEntry,
    PackAttachment,
    PrintPackInput,
    VolunteerInfo,
)
from bot.kernel.errors import InvalidInput
from bot.services.officers import CaseView
from bot.workflow import ACTION_LABEL, PUBLIC_ACTIONS, Action
from storage import foundation_queries as queries

PACK_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png"})


async def pack_input(
    view: CaseView,
    *,
    config: IssuanceConfig,
    t: Translator,
    checklist: Checklist,
    files: FileStore,
    conn: aiosqlite.Connection,
    prepared_on: dt.date,
) -> PrintPackInput:
    """The pack's input, its labels in ``t``'s language (the officer's); ``InvalidInput`` if
    the case lacks the volunteer's details."""
    case, foundation = view.case, view.foundation
    assert foundation is not None  # a case always has its foundation
    details = case.details
    try:
        return PrintPackInput(
            office=config.office_for(case.province),
            memo=config.memo,
            certificate=config.certificate,
            foundation=FoundationInfo(
                name_th=foundation.name_th,
                name_en=foundation.name_en or foundation.name_th,
                registration_no=foundation.registration_no,
                address=foundation.address or "-",
            ),
            volunteer=VolunteerInfo(
                name=str(details.get("full_name") or case.volunteer_name),
                nationality=str(details.get("nationality") or ""),
                passport_no=case.passport_no,
                date_of_birth=details.get("date_of_birth"),
                position=str(details.get("position") or ""),
                duties=str(details.get("duties") or ""),
                place_of_work=str(details.get("work_address") or ""),
                period_start=details.get("start_date"),
                period_end=details.get("end_date"),
            ),
            tracking_no=case.tracking_no,
            receipt_no=case.receipt_no or "-",
            prepared_on=prepared_on,
            history=await _history(conn, case.id, t),
            attachments=await _attachments(view, checklist, files, t),
        )
    except ValidationError:
        # Only a case made outside the application wizard can lack these details.
        raise InvalidInput(N_("issuance.error.details_incomplete")) from None


async def _history(
    conn: aiosqlite.Connection, case_id: int, t: Translator
) -> tuple[HistoryEntry, ...]:
    # The pack leaves the officer's hands: only what the applicant may see, never notes.
    events = await queries.public_events(conn, case_id, PUBLIC_ACTIONS)
    return tuple(
        HistoryEntry(
            when=e.created_at,
            action=t.t(ACTION_LABEL[Action(e.action)]),
            comment=e.public_comment or "",
        )
        for e in events
    )


async def _attachments(
    view: CaseView, checklist: Checklist, files: FileStore, t: Translator
) -> tuple[PackAttachment, ...]:
    parts: list[PackAttachment] = []
    for a in view.documents:  # in checklist order; the signed scan is not part of the pack
        if a.mime_type not in PACK_TYPES:
            continue
        item = checklist.get(a.item)
        title = t.pick(item.name_th, item.name_en) if item else a.item
        if a.slot:
            title += f" ({a.slot + 1})"
        data = await asyncio.to_thread(files.get, a.sha256)
        parts.append(PackAttachment(title=title, mime_type=a.mime_type, data=data))
    return tuple(parts)
