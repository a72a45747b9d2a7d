"""Who is told about an action, declared by the action and resolved by the kernel.

An action lists ``Notice``s (``to_members(...)``, ``to_officers(...)``); inside the action's
transaction the kernel turns each into outbox rows for the people it names, adding what every
notification of a case shows (tracking number, volunteer, and for the office the foundation).
The person acting is never told: they see the result in their own reply.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import aiosqlite

from bot.i18n_marker import MsgId
from storage import foundations as foundations_repo
from storage import users as users_repo
from storage.models import Case, User


class Audience(Enum):
    MEMBERS = "members"
    """The case's foundation: every active member."""
    OFFICERS = "officers"
    """The office of the case's province (and the central office)."""


@dataclass(frozen=True, slots=True)
class Notice:
    """One notification to queue: to whom, of which kind (the outbox's buttons and files
    follow the kind), which catalog message, with what."""

    audience: Audience
    kind: str
    msg_id: MsgId
    params: Mapping[str, Any] = field(default_factory=dict)
    attachment_id: int | None = None


Notices = Sequence[Notice] | Callable[[], Sequence[Notice]]
"""The notices, or (when they need what the change produced) a function giving them then."""


def to_members(
    kind: str, msg_id: MsgId, *, attachment_id: int | None = None, **params: Any
) -> Notice:
    return Notice(Audience.MEMBERS, kind, msg_id, params, attachment_id)


def to_officers(kind: str, msg_id: MsgId, **params: Any) -> Notice:
    return Notice(Audience.OFFICERS, kind, msg_id, params)


def per_language(th: str, en: str) -> dict[str, str]:
    """A text given in both languages; the outbox picks the recipient's when it sends."""
    return {"th": th, "en": en}


@dataclass(frozen=True, slots=True)
class Letter:
    """A notice resolved for one case: its recipients and every parameter."""

    recipients: list[User]
    notice: Notice
    params: dict[str, Any]


async def resolve(conn: aiosqlite.Connection, case: Case, notices: Notices) -> list[Letter]:
    letters: list[Letter] = []
    for notice in notices() if callable(notices) else notices:
        params: dict[str, Any] = {"tracking_no": case.tracking_no, "volunteer": case.volunteer_name}
        if notice.audience is Audience.MEMBERS:
            recipients = await users_repo.members_of(conn, case.foundation_id)
        else:
            foundation = await foundations_repo.get(conn, case.foundation_id)
            params["foundation"] = per_language(
                foundation.name_th if foundation else "", foundation.name_en if foundation else ""
            )
            recipients = await users_repo.office_for(conn, case.province)
        letters.append(Letter(recipients, notice, {**params, **notice.params}))
    return letters
