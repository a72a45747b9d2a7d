"""Invitations: one use, seven days, revocable, hashed, and guessing is slowed down."""

from __future__ import annotations

import hashlib

import pytest

from bot.services.invites import MAX_FAILURES, InviteError, InviteService, kind_of
from bot.testing.clock import ManualClock
from bot.workflow import Role
from storage import invites as invites_repo
from storage import users as users_repo
from storage.db import Database
from tests.conftest import World


@pytest.fixture
def invites(db: Database, clock: ManualClock) -> InviteService:
    return InviteService(db, clock)


async def newcomer(db: Database, clock: ManualClock, user_id: int = 7001) -> int:
    async with db.transaction() as conn:
        await users_repo.touch(conn, user_id, "New Person", "en", clock())
    return user_id


async def test_a_member_invites_a_colleague_who_joins_the_same_foundation(
    invites: InviteService, db: Database, clock: ManualClock, world: World
) -> None:
    code = await invites.create(world.member, "member")
    assert kind_of(code) == "member" and code.startswith("m_") and len(code) <= 64
    # Only the hash is stored.
    assert await invites_repo.by_hash(db.conn, code) is None
    stored = await invites_repo.by_hash(db.conn, hashlib.sha256(code.encode()).hexdigest())
    assert stored is not None and stored.foundation_id == world.foundation_id

    person = await newcomer(db, clock)
    invite = await invites.redeem(person, code)
    assert invite.kind == "member"
    joined = await users_repo.get(db.conn, person)
    assert joined is not None
    assert (joined.role, joined.foundation_id) == (Role.MEMBER, world.foundation_id)

    other = await newcomer(db, clock, 7002)
    with pytest.raises(InviteError) as used:
        await invites.redeem(other, code)
    assert used.value.msg_id == "error.invite_used"


async def test_officer_invites_are_for_admins_and_carry_the_province(
    invites: InviteService, db: Database, clock: ManualClock, world: World
) -> None:
    with pytest.raises(InviteError):
        await invites.create(world.officer, "officer", province="50")
    with pytest.raises(InviteError):
        await invites.create(world.member, "officer", province="50")
    code = await invites.create(world.admin, "officer", province="10")
    person = await newcomer(db, clock)
    await invites.redeem(person, code)
    officer = await users_repo.get(db.conn, person)
    assert officer is not None and (officer.role, officer.province) == (Role.OFFICER, "10")
    central = await invites.create(world.admin, "officer", province=None)
    await invites.redeem(person, central)  # an officer may be moved by a new invite
    officer = await users_repo.get(db.conn, person)
    assert officer is not None and officer.province is None


async def test_expired_revoked_and_conflicting_invites_are_refused(
    invites: InviteService, db: Database, clock: ManualClock, world: World
) -> None:
    person = await newcomer(db, clock)
    old = await invites.create(world.member, "member")
    clock.advance(days=7, seconds=1)
    with pytest.raises(InviteError) as expired:
        await invites.redeem(person, old)
    assert expired.value.msg_id == "error.invite_expired"

    revoked = await invites.create(world.member, "member")
    await invites.revoke(world.member, revoked)
    with pytest.raises(InviteError) as cancelled:
        await invites.redeem(person, revoked)
    assert cancelled.value.msg_id == "error.invite_revoked"

    staff = await invites.create(world.member, "member")
    with pytest.raises(InviteError) as conflict:
        await invites.redeem(world.officer, staff)
    assert conflict.value.msg_id == "error.invite_role_conflict"
    with pytest.raises(InviteError) as already:
        await invites.redeem(world.colleague, staff)
    assert already.value.msg_id == "error.invite_already_member"
    unchanged = await users_repo.get(db.conn, person)
    assert unchanged is not None and unchanged.role is Role.NONE


async def test_guessing_is_slowed_down(
    invites: InviteService, db: Database, clock: ManualClock, world: World
) -> None:
    person = await newcomer(db, clock)
    real = await invites.create(world.member, "member")
    for guess in ["m_" + "A" * 43, "nonsense", "o_" + "b" * 43, "", "m_" + "x" * 200][
        :MAX_FAILURES
    ]:
        with pytest.raises(InviteError) as wrong:
            await invites.redeem(person, guess)
        assert wrong.value.msg_id == "error.invite_invalid"
    with pytest.raises(InviteError) as throttled:
        await invites.redeem(person, real)
    assert throttled.value.msg_id == "error.invite_too_many_attempts"
    clock.advance(hours=1, seconds=1)
    await invites.redeem(person, real)
