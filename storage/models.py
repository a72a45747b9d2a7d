"""Pydantic models for what crosses the storage boundary. Rows in, typed objects out."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal, Self

import aiosqlite
from pydantic import BaseModel, ConfigDict, field_validator

from bot.workflow import Role, Status

Verdict = Literal["complete", "needs_correction", "correct"]
OutboxState = Literal["pending", "sent", "unreachable", "failed"]


class _Row(BaseModel):
    model_config = ConfigDict(frozen=True)

    @classmethod
    def from_row(cls, row: aiosqlite.Row) -> Self:
        return cls.model_validate(dict(row))


def _json_dict(value: object) -> object:
    return json.loads(value) if isinstance(value, str) else value


class User(_Row):
    id: int
    display_name: str
    role: Role
    active: bool
    language: Literal["th", "en"] | None
    telegram_language: str | None
    foundation_id: int | None
    province: str | None
    reachable: bool
    created_at: datetime
    updated_at: datetime


class Foundation(_Row):
    id: int
    kind: Literal["foundation", "association"]
    name_th: str
    name_en: str
    registration_no: str
    province: str
    address: str
    phone: str
    email: str
    created_at: datetime


class Case(_Row):
    id: int
    tracking_no: str
    foundation_id: int
    province: str
    status: Status
    version: int
    volunteer_name: str
    passport_no: str
    details: dict[str, Any]
    receipt_no: str | None
    claimed_by: int | None
    created_by: int
    created_at: datetime
    submitted_at: datetime | None
    updated_at: datetime
    closed_at: datetime | None
    # The officers' working-day clock (bot/reminders.py); added by migration 0005.
    clock_stage: str | None = None
    clock_base: int | None = None
    clock_carried: int = 0
    applicant_since: datetime | None = None

    _details = field_validator("details", mode="before")(_json_dict)


class Attachment(_Row):
    id: int
    case_id: int
    item: str
    slot: int
    revision: int
    file_name: str
    mime_type: str
    size: int
    sha256: str
    telegram_file_id: str
    uploaded_by: int
    uploaded_at: datetime
    verdict: Verdict | None
    verdict_reason: str | None
    verdict_by: int | None
    verdict_at: datetime | None


class CaseEvent(_Row):
    id: int
    case_id: int
    actor_id: int | None
    action: str
    from_status: Status | None
    to_status: Status | None
    public_comment: str | None
    internal_note: str | None
    data: dict[str, Any]
    created_at: datetime

    _data = field_validator("data", mode="before")(_json_dict)


class OutboxMessage(_Row):
    id: int
    recipient_id: int
    case_id: int | None
    event_id: int | None
    attachment_id: int | None
    kind: str
    msg_id: str
    params: str
    urgent: bool
    state: OutboxState
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


InviteKind = Literal["member", "officer", "admin"]


class Invite(_Row):
    id: int
    code_hash: str
    kind: InviteKind
    foundation_id: int | None
    province: str | None
    created_by: int
    created_at: datetime
    expires_at: datetime
    used_by: int | None
    used_at: datetime | None
    revoked_at: datetime | None


class Draft(_Row):
    user_id: int
    kind: str
    data: dict[str, Any]
    updated_at: datetime

    _data = field_validator("data", mode="before")(_json_dict)
