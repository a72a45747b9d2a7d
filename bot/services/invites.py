"""One-time invitations as deep links: ``/start m_<token>`` (foundation member) or
``/start o_<token>`` (officer) or ``/start a_<token>`` (admin).

Only the SHA-256 of a code is stored, so a copy of the database cannot be used to join. A code
works once, for 7 days, unless revoked; failed attempts are counted per person and a person
who keeps guessing is made to wait.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.i18n_marker import N_
from bot.workflow import Role, WorkflowError
from storage import invites as invites_repo
from storage import users as users_repo
from storage.db import Database
from storage.models import Invite, InviteKind

INVITE_TTL = timedelta(days=7)
FAILURE_WINDOW = timedelta(hours=1)
MAX_FAILURES = 5
PREFIX: dict[InviteKind, str] = {"member": "m", "officer": "o", "admin": "a"}
_KIND_OF_PREFIX = {v: k for k, v in PREFIX.items()}
# Telegram's start parameter: 64 characters at most, A-Z a-z 0-9 _ -.
CODE_RE = re.compile(r"^([moa])_([A-Za-z0-9_-]{20,60})$")


class InviteError(WorkflowError):
    """An invitation that cannot be used; ``msg_id`` says why."""


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def kind_of(code: str) -> InviteKind | None:
    """The kind a code claims to be, from its shape alone (nothing is looked up)."""
    match = CODE_RE.match(code)
    return _KIND_OF_PREFIX[match.group(1)] if match else None


class InviteService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def create(
        self,
        creator_id: int,
        kind: InviteKind,
        *,
        province: str | None = None,
    ) -> str:
        """A new code; members invite to their own foundation, admins invite staff."""
        now = self.clock()
        code = f"{PREFIX[kind]}_{secrets.token_urlsafe(32)}"
        async with self.db.transaction() as conn:
            creator = await users_repo.get(conn, creator_id)
            if creator is None or not creator.active:
                raise InviteError(N_("error.not_allowed"))
            foundation_id = None
            if kind == "member":
                if creator.role is not Role.MEMBER:
                    raise InviteError(N_("error.not_allowed"))
                foundation_id = creator.foundation_id
                province = None
            elif creator.role is not Role.ADMIN:
                raise InviteError(N_("error.not_allowed"))
            await invites_repo.create(
                conn,
                code_hash=_hash(code),
                kind=kind,
                created_by=creator_id,
                now=now,
                expires_at=now + INVITE_TTL,
                foundation_id=foundation_id,
                province=province if kind == "officer" else None,
            )
        return code

    async def redeem(self, user_id: int, code: str) -> Invite:
        """Use the code for this person and give them the role it carries, in one transaction."""
        now = self.clock()
        async with self.db.transaction() as conn:
            failures = await invites_repo.recent_failures(conn, user_id, now, FAILURE_WINDOW)
            if failures >= MAX_FAILURES:
                raise InviteError(N_("error.invite_too_many_attempts"))
            invite = await invites_repo.by_hash(conn, _hash(code)) if kind_of(code) else None
            problem = self._problem(invite, now)
            user = await users_repo.get(conn, user_id)
            if problem is None and invite is not None and user is not None:
                problem = self._conflict(invite, user.role, user.foundation_id)
            if problem is not None or invite is None or user is None:
                if problem in (None, N_("error.invite_invalid")):
                    await invites_repo.record_failure(conn, user_id, now)
                failure = InviteError(problem or N_("error.invite_invalid"))
            else:
                if not await invites_repo.mark_used(conn, invite.id, user_id, now):
                    raise InviteError(N_("error.invite_used"))
                await users_repo.set_role(
                    conn,
                    user_id,
                    Role(invite.kind),
                    now,
                    foundation_id=invite.foundation_id,
                    province=invite.province,
                )
                return invite
        # Raised outside the transaction so the failure count above is kept.
        raise failure

    @staticmethod
    def _problem(invite: Invite | None, now: datetime) -> str | None:
        if invite is None:
            return N_("error.invite_invalid")
        if invite.revoked_at is not None:
            return N_("error.invite_revoked")
        if invite.used_at is not None:
            return N_("error.invite_used")
        if invite.expires_at <= now:
            return N_("error.invite_expired")
        return None

    @staticmethod
    def _conflict(invite: Invite, role: Role, foundation_id: int | None) -> str | None:
        """A person keeps one role: an officer cannot also join a foundation, and so on."""
        if role is Role.NONE:
            return None
        if invite.kind == "member":
            if role is Role.MEMBER and foundation_id == invite.foundation_id:
                return N_("error.invite_already_member")
            return N_("error.invite_role_conflict")
        if role is Role.MEMBER:
            return N_("error.invite_role_conflict")
        return None  # staff may be moved or promoted by a new invite

    async def revoke(self, admin_id: int, code: str) -> None:
        async with self.db.transaction() as conn:
            admin = await users_repo.get(conn, admin_id)
            invite = await invites_repo.by_hash(conn, _hash(code))
            if invite is None:
                raise InviteError(N_("error.invite_invalid"))
            allowed = (
                admin is not None
                and admin.active
                and (admin.role is Role.ADMIN or invite.created_by == admin_id)
            )
            if not allowed:
                raise InviteError(N_("error.not_allowed"))
            await invites_repo.revoke(conn, invite.id, self.clock())
