"""The authorization matrix: every command and every button the application registers, played
by each kind of person, through the real bot and the fake Telegram.

Each row of ``COMMANDS`` and ``BUTTONS`` is a reviewed access rule: who may use it, and a
recipe that builds what a real button carries (the real encoders, for a fresh case in a state
where the action makes sense, after the steps a person takes to get there). A handler the
application registers without a row here fails ``test_every_handler_has_a_reviewed_rule``.

For every (row, kind of person), with fresh people each time: the allowed get their screen or
answer, never a refusal; everyone else is refused in their own language, every press is
answered, and nothing changes (cases, events, attachments, appointments, foundations,
invitations, roles, and notifications to anyone else).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from telegram.ext import CallbackQueryHandler

from bot import app as bot_app
from bot.callbacks import Button
from bot.field_rules import FieldError
from bot.kernel.kernel import actor_of
from bot.sandbox import samples
from bot.services.volunteer_form import VOLUNTEER_FIELDS
from bot.testing.fake_telegram import FakeTelegram, FakeUser
from bot.testing.harness import BotUnderTest
from bot.workflow import CaseRef, Status, WorkflowError, may_see
from handlers import common
from handlers.common import Language
from handlers.digest import Digest
from handlers.foundation import buttons as fb
from handlers.foundation import buttons as pb
from handlers.officer import buttons as ic
from handlers.officer import buttons as oc
from handlers.officer.issuance_draft import IssuanceDraft, ScanFile
from handlers.officer.prompts import Pending
from storage import cases as cases_repo
from storage import users as users_repo
from tests.button_data import encode
from tests.conftest import World, seed_world
from tests.foundation_steps import volunteer_answers
from tests.security_support import (
    ALL,
    LANGUAGE,
    MEMBERS,
    OFFICE,
    STAFF,
    Kind,
    Reply,
    Stages,
    add_person,
    all_handlers,
    all_refusal_texts,
    anchor,
    bookable,
    differences,
    file_meta,
    press,
    refusal_texts,
    registered_commands,
    registered_heads,
    retire,
    send_document,
    send_text,
    settle,
    snapshot,
    unthrottle,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

SCAN = samples.pdf("Signed certificate scan")


@dataclass
class Check:
    """One kind of person about to use one command or button."""

    bot: BotUnderTest
    world: World
    kind: Kind
    user: FakeUser
    allowed: bool
    message_id: int = 0
    others: list[int] = field(default_factory=list)
    """People made for the check besides the actor (retired with them)."""

    @property
    def uid(self) -> int:
        return self.user.id

    @property
    def services(self) -> Any:
        return self.bot.services

    @property
    def stages(self) -> Stages:
        return Stages(self.bot, self.world)

    async def press(self, data: str) -> Reply:
        return await press(self.bot, self.user, data, self.message_id)

    async def type(self, text: str) -> Reply:
        return await send_text(self.bot, self.user, text)

    async def privacy(self) -> None:
        await self.services.foundations.accept_privacy(self.uid)

    def forge(self, key: str, value: object) -> None:
        """Someone refused is also given the typed-so-far state an allowed person would have
        (as if they got it somehow): their press must still change nothing."""
        if not self.allowed:
            self.bot.application.user_data[self.uid][key] = value

    async def helper_member(self) -> int:
        person = await add_person(self.bot, self.world, Kind.MEMBER)
        self.others.append(person.id)
        return person.id

    async def target_officer(self) -> int:
        person = await add_person(self.bot, self.world, Kind.OFFICER)
        self.others.append(person.id)
        return person.id


async def attempt(step: Coroutine[Any, Any, Any]) -> Any:
    """A service step of a recipe that the person may well be refused: then nothing."""
    try:
        return await step
    except (WorkflowError, FieldError):
        return None


Prepare = Callable[[Check], Awaitable[str]]


@dataclass(frozen=True)
class Rule:
    allowed: frozenset[Kind]
    prepare: Prepare
    changes: bool = False
    """An allowed use changes the database (the refused ones never may)."""
    silent: bool = False
    """An allowed press is only answered (a calendar's weekday label): nothing to show."""


# ----- recipes: officer screens ---------------------------------------------------------------


def on_submitted(spec: type[Button], *values: int | str) -> Prepare:
    """A button about a freshly submitted case: ``values`` follow the case id."""

    async def prepare(c: Check) -> str:
        case = await c.stages.submitted()
        return encode(spec, case.id, *values)

    return prepare


def case_act(spec: type[Button], act: str) -> Prepare:
    async def prepare(c: Check) -> str:
        case = await c.stages.submitted()
        return encode(spec, act, case.id, case.version, 0)

    return prepare


def fixed(data_of: Callable[[], str]) -> Prepare:
    async def prepare(c: Check) -> str:
        return data_of()

    return prepare


async def open_file(c: Check) -> str:
    case = await c.stages.submitted()
    attachment = (await c.services.kernel.current_attachments(case.id))[0]
    return encode(oc.OpenFile, case.id, attachment.id)


async def skip_text(c: Check) -> str:
    case = await c.stages.all_correct()
    await c.press(encode(oc.PromptAct, "appr", case.id, case.version, 0))
    pending = Pending(act="appr", case_id=case.id, version=case.version)
    c.forge(Pending.key, pending.model_dump(mode="json"))
    return encode(oc.SkipText, case.id, case.version)


async def confirm_note(c: Check) -> str:
    case = await c.stages.submitted()
    await c.press(encode(oc.PromptAct, "note", case.id, case.version, 0))
    await c.type("Phoned the foundation about the CV")
    pending = Pending(
        act="note", case_id=case.id, version=case.version, expects="confirm", text="x"
    )
    c.forge(Pending.key, pending.model_dump(mode="json"))
    return encode(oc.ConfirmText, case.id, case.version, 1)


def on_approved(
    spec: type[Button],
    *before: int | str,
    versioned: bool = True,
    after: tuple[int, ...] = (),
) -> Prepare:
    """A button about an approved case: ``before`` its id, then its version, then ``after``."""

    async def prepare(c: Check) -> str:
        case = await c.stages.approved()
        values = (case.id, case.version) if versioned else (case.id,)
        return encode(spec, *before, *values, *after)

    return prepare


def yyyymmdd(when: Any) -> int:
    return int(when.strftime("%Y%m%d"))


async def pickup_day(c: Check) -> str:
    case = await c.stages.approved()
    return encode(ic.PickupDay, case.id, case.version, yyyymmdd(bookable(c.bot)))


def pickup_time_data(case_id: int, version: int, c: Check) -> str:
    when = bookable(c.bot)
    return encode(ic.PickupTime, case_id, version, yyyymmdd(when), when.hour * 100 + when.minute)


def pickup_step(expects: str, *presses: type[Button], then: type[Button]) -> Prepare:
    """The pickup chosen so far by pressing ``presses`` after a time; ``then`` is pressed."""

    async def prepare(c: Check) -> str:
        case = await c.stages.approved()
        await c.press(pickup_time_data(case.id, case.version, c))
        for spec in presses:
            await c.press(encode(spec, case.id, case.version))
        draft = IssuanceDraft(
            kind="pickup",
            case_id=case.id,
            version=case.version,
            expects=expects,  # type: ignore[arg-type]
            starts_at=bookable(c.bot),
        )
        c.forge(IssuanceDraft.key, draft.model_dump(mode="json"))
        return encode(then, case.id, case.version)

    return prepare


async def pickup_time(c: Check) -> str:
    case = await c.stages.approved()
    return pickup_time_data(case.id, case.version, c)


async def attach_scan(c: Check) -> str:
    case = await c.stages.signing()
    await c.press(encode(ic.AskScan, case.id, case.version))
    await send_document(c.bot, c.user, SCAN, "signed.pdf", "application/pdf")
    meta = file_meta(c.bot, "signed-scan")
    draft = IssuanceDraft(
        kind="scan",
        case_id=case.id,
        version=case.version,
        expects="send",
        scan=ScanFile(
            file_name=meta.file_name, mime_type=meta.mime_type, size=meta.size, sha256=meta.sha256
        ),
    )
    c.forge(IssuanceDraft.key, draft.model_dump(mode="json"))
    return encode(ic.AttachScan, case.id, case.version, 0)


async def scan_prompt(c: Check) -> str:
    case = await c.stages.signing()
    return encode(ic.AskScan, case.id, case.version)


def on_officer(spec: type[Button], *after: int | str) -> Prepare:
    """An admin button about another officer (a fresh one each time)."""

    async def prepare(c: Check) -> str:
        return encode(spec, await c.target_officer(), *after)

    return prepare


# ----- recipes: the foundation side ---------------------------------------------------------


async def registering(c: Check) -> None:
    await c.privacy()
    await c.press(encode(fb.Register))


async def registration_summary(c: Check) -> None:
    await c.privacy()
    foundations = c.services.foundations
    answers: list[tuple[str, str | None]] = [
        ("foundation", "kind"),
        ("มูลนิธิเพื่อการทดสอบ", None),
        ("Foundation For Testing", None),
        (f"ชม {c.uid}/2560", None),
        ("50", "province"),
        ("99 ถนนห้วยแก้ว ตำบลสุเทพ อำเภอเมือง เชียงใหม่ 50200", None),
        ("053 123 456", None),
        ("office@example.org", None),
    ]
    for raw, button in answers:
        await attempt(foundations.registration_answer(c.uid, raw, button))
    await c.press(encode(fb.Register))


def in_registration(spec: type[Button], *values: int | str, summary: bool = False) -> Prepare:
    async def prepare(c: Check) -> str:
        await (registration_summary(c) if summary else registering(c))
        return encode(spec, *values)

    return prepare


CHOICES = {"sex": "f", "work_province": "50", "allowance": "no"}


async def fill_application(c: Check, until: str) -> None:
    """A new application for the person, answered up to the step ``until`` (a field's key,
    "consent", "documents" (at the first optional item) or "summary"), then shown by the bot
    (the person is in the application's conversation)."""
    await c.privacy()
    applications = c.services.applications
    if await attempt(applications.start(c.uid, discard=True)) is not None:
        answers = volunteer_answers(c.bot)
        for spec in VOLUNTEER_FIELDS:
            if spec.key == until:
                break
            if spec.key in CHOICES:
                await applications.answer(c.uid, CHOICES[spec.key], spec.key)
            else:
                await applications.answer(c.uid, answers[spec.key], None)
        else:
            if until != "consent":
                await applications.consent(c.uid)
                for item in applications.checklist.required:
                    await applications.add_file(c.uid, file_meta(c.bot, f"{c.uid}-{item.key}"))
                if until == "summary":
                    await applications.next_item(c.uid)
                    await applications.next_item(c.uid)
    await c.press(encode(fb.ContinueApplication))


def in_application(until: str, spec: type[Button], *values: int | str) -> Prepare:
    async def prepare(c: Check) -> str:
        await fill_application(c, until)
        return encode(spec, *values)

    return prepare


async def draft_started(c: Check) -> None:
    await c.privacy()
    await attempt(c.services.applications.start(c.uid, discard=True))


def with_draft(spec: type[Button]) -> Prepare:
    async def prepare(c: Check) -> str:
        await draft_started(c)
        return encode(spec)

    return prepare


async def submit_application(c: Check) -> str:
    """Submit from the summary: one's own draft case, or (for those who have none) a member's
    draft case, exactly as its summary's button carries it."""
    await fill_application(c, "summary")
    applications = c.services.applications
    summary = await attempt(applications.summary(c.uid))
    if summary is None:
        owner = await c.helper_member()
        helper = Check(c.bot, c.world, Kind.MEMBER, c.bot.fake.user(owner), True)
        await fill_application(helper, "summary")
        summary = await applications.summary(owner)
    assert summary.case is not None
    return encode(fb.Submit, summary.case.id, summary.case.version)


async def privacy_then_apply(c: Check) -> str:
    return encode(fb.AcceptPrivacy, "app")


async def withdrawing(c: Check, then: Callable[[int, int], str], reason: bool) -> str:
    case = await c.stages.submitted()
    await c.press(encode(fb.Withdraw, case.id, case.version))
    if reason:
        await c.type("The volunteer changed plans")
    return then(case.id, case.version)


def in_withdrawal(then: Callable[[int, int], str], *, reason: bool) -> Prepare:
    async def prepare(c: Check) -> str:
        return await withdrawing(c, then, reason)

    return prepare


async def correcting(c: Check, replaced: bool) -> int:
    """A case sent back for correction, opened for correcting; the flagged CV replaced."""
    case = await c.stages.correction()
    await c.press(encode(fb.StartCorrecting, case.id))
    if replaced:
        await attempt(c.services.corrections.add_file(c.uid, file_meta(c.bot, f"cv-{c.uid}")))
    return case.id


def in_correction(
    spec: type[Button], *values: int | str, replaced: bool = True, edit: str | None = None
) -> Prepare:
    async def prepare(c: Check) -> str:
        await correcting(c, replaced)
        if edit is not None:
            await attempt(c.services.corrections.edit(c.uid, edit))
        return encode(spec, *values)

    return prepare


async def resubmit(c: Check) -> str:
    case_id = await correcting(c, True)
    case = await cases_repo.get(c.services.db.conn, case_id)
    assert case is not None
    return encode(fb.Resubmit, case.id, case.version)


async def correction_start(c: Check) -> str:
    case = await c.stages.correction()
    return encode(fb.StartCorrecting, case.id)


def on_appointment(spec: type[Button], *, reason: bool | None = None) -> Prepare:
    """A button under the pickup appointment; ``reason`` True/False: after asking for another
    time (with the reason typed, or not yet)."""

    async def prepare(c: Check) -> str:
        case, appointment = await c.stages.scheduled()
        if reason is not None:
            await c.press(encode(pb.AskReschedule, case.id, appointment))
            if reason:
                await c.type("We cannot come that day")
        if spec is pb.KeepAppointment:  # the only one that names nothing
            return encode(spec)
        return encode(spec, case.id, appointment)

    return prepare


# ----- the table ----------------------------------------------------------------------------

NOBODY: frozenset[Kind] = frozenset()
ONLY_MEMBER = frozenset({Kind.MEMBER})
STRANGER = frozenset({Kind.STRANGER})
ADMIN = frozenset({Kind.ADMIN})
OFFICERS = frozenset({Kind.OFFICER, Kind.OTHER_OFFICER})

BUTTONS: dict[str, Rule] = {
    # Everyone's.
    "lang": Rule(ALL, fixed(lambda: encode(Language, "en"))),
    "rd": Rule(OFFICERS, fixed(lambda: encode(Digest, "off"))),
    # Officer screens: the office of the case's province, and admins (every province).
    "od": Rule(STAFF, fixed(lambda: encode(oc.ShowDashboard))),
    "oq": Rule(STAFF, fixed(lambda: encode(oc.Queue, "waiting_for_officer", 0))),
    "oo": Rule(OFFICE, on_submitted(oc.OpenCase)),
    "oc": Rule(OFFICE, on_submitted(oc.ShowCase)),
    "oh": Rule(OFFICE, on_submitted(oc.Timeline)),
    "of": Rule(OFFICE, open_file),
    "oa": Rule(OFFICE, case_act(oc.AskAct, "claim")),
    "ox": Rule(OFFICE, case_act(oc.DoAct, "claim"), changes=True),
    "op": Rule(OFFICE, case_act(oc.PromptAct, "note")),
    "os": Rule(OFFICE, skip_text),
    "oy": Rule(OFFICE, confirm_note, changes=True),
    "on": Rule(OFFICE, on_submitted(oc.CancelAct)),
    # Issuance.
    "oip": Rule(OFFICE, on_approved(ic.PrintPack, versioned=False)),
    "oia": Rule(OFFICE, on_approved(ic.AskIssuance, ic.SIGN)),
    "oix": Rule(OFFICE, on_approved(ic.DoIssuance, ic.SIGN), changes=True),
    "oic": Rule(OFFICE, on_approved(ic.PickupCalendar, after=(0,))),
    "oid": Rule(OFFICE, pickup_day),
    "oit": Rule(OFFICE, pickup_time),
    "oio": Rule(OFFICE, pickup_step("place", then=ic.OfficePlace)),
    "oin": Rule(OFFICE, pickup_step("note", ic.OfficePlace, then=ic.NoNote)),
    "oiy": Rule(
        OFFICE,
        pickup_step("confirm", ic.OfficePlace, ic.NoNote, then=ic.SavePickup),
        changes=True,
    ),
    "oiu": Rule(OFFICE, scan_prompt),
    "oif": Rule(OFFICE, attach_scan, changes=True),
    "oiq": Rule(OFFICE, on_approved(ic.CancelIssuance, versioned=False)),
    "oiw": Rule(STAFF, fixed(lambda: encode(ic.Ignore)), silent=True),
    # Admins only.
    "ao": Rule(ADMIN, fixed(lambda: encode(oc.Officers, 0))),
    "au": Rule(ADMIN, on_officer(oc.OfficerDetail)),
    "ap": Rule(ADMIN, fixed(lambda: encode(oc.PickProvince, "inv", 0, 0))),
    "ac": Rule(ADMIN, fixed(lambda: encode(oc.ProvincePicked, "inv", 0, "50")), changes=True),
    "am": Rule(ADMIN, on_officer(oc.MoveOfficer, "83"), changes=True),
    "aq": Rule(ADMIN, on_officer(oc.AskActive, 0)),
    "aw": Rule(ADMIN, on_officer(oc.SetActive, 0), changes=True),
    "aa": Rule(ADMIN, fixed(lambda: encode(oc.AdminInvite, 1)), changes=True),
    # The privacy notice: anyone may decline; accepting leads into an application.
    "fpa": Rule(MEMBERS, privacy_then_apply),
    "fpd": Rule(ALL, fixed(lambda: encode(fb.DeclinePrivacy))),
    # Registering a foundation: newcomers only.
    "frs": Rule(STRANGER, in_registration(fb.Register)),
    "fw:reg": Rule(STRANGER, in_registration(fb.Choice, "reg", "kind", "foundation")),
    "fwp:reg": Rule(STRANGER, in_registration(fb.ProvincePage, "reg", "province", 1)),
    "fwe:reg": Rule(STRANGER, in_registration(fb.EditField, "reg", "email", summary=True)),
    "fwl:reg": Rule(STRANGER, in_registration(fb.Fields, "reg")),
    "fwb:reg": Rule(STRANGER, in_registration(fb.BackToSummary, "reg")),
    "frc": Rule(STRANGER, in_registration(fb.ConfirmRegistration, summary=True), changes=True),
    # A new application: any member, for their own foundation.
    "fan": Rule(MEMBERS, with_draft(fb.NewApplication)),
    "fad": Rule(MEMBERS, with_draft(fb.DiscardAndNew)),
    "fac": Rule(MEMBERS, with_draft(fb.ContinueApplication)),
    "fw:app": Rule(MEMBERS, in_application("sex", fb.Choice, "app", "sex", "f")),
    "fwp:app": Rule(
        MEMBERS, in_application("full_name", fb.ProvincePage, "app", "work_province", 1)
    ),
    "fwe:app": Rule(MEMBERS, in_application("summary", fb.EditField, "app", "email")),
    "fwl:app": Rule(MEMBERS, in_application("full_name", fb.Fields, "app")),
    "fwb:app": Rule(MEMBERS, in_application("summary", fb.BackToSummary, "app")),
    "fag": Rule(MEMBERS, in_application("consent", fb.Consent)),
    "fas": Rule(MEMBERS, in_application("documents", fb.NextItem)),
    "fal": Rule(MEMBERS, in_application("summary", fb.DocumentsMenu)),
    "far": Rule(MEMBERS, in_application("summary", fb.ReplaceFile, "cv", 0)),
    "fay": Rule(MEMBERS, submit_application, changes=True),
    # Following one's foundation's cases.
    "fcl": Rule(MEMBERS, fixed(lambda: encode(fb.Cases, 0))),
    "fco": Rule(ONLY_MEMBER, on_submitted(fb.CaseOpen)),
    "fcw": Rule(ONLY_MEMBER, in_withdrawal(lambda c, v: encode(fb.Withdraw, c, v), reason=False)),
    "fcy": Rule(
        ONLY_MEMBER,
        in_withdrawal(lambda c, v: encode(fb.ConfirmWithdraw, c, v), reason=True),
        changes=True,
    ),
    "fcn": Rule(ONLY_MEMBER, in_withdrawal(lambda c, v: encode(fb.KeepCase), reason=False)),
    "fin": Rule(MEMBERS, fixed(lambda: encode(fb.Invite)), changes=True),
    # Correcting a case sent back: its foundation's members.
    "fxs": Rule(ONLY_MEMBER, correction_start),
    "fw:fix": Rule(ONLY_MEMBER, in_correction(fb.Choice, "fix", "sex", "m", edit="sex")),
    # The correction form has no province field: no page of provinces is ever right.
    "fwp:fix": Rule(NOBODY, in_correction(fb.ProvincePage, "fix", "work_province", 0)),
    "fwe:fix": Rule(ONLY_MEMBER, in_correction(fb.EditField, "fix", "email")),
    "fwl:fix": Rule(ONLY_MEMBER, in_correction(fb.Fields, "fix", replaced=False)),
    "fwb:fix": Rule(ONLY_MEMBER, in_correction(fb.BackToSummary, "fix", replaced=False)),
    "fxr": Rule(ONLY_MEMBER, resubmit, changes=True),
    # The pickup appointment: its foundation's members answer it.
    "fuc": Rule(ONLY_MEMBER, on_appointment(pb.PickupSummary)),
    "fuy": Rule(ONLY_MEMBER, on_appointment(pb.ConfirmPickup), changes=True),
    "fur": Rule(ONLY_MEMBER, on_appointment(pb.AskReschedule)),
    "fus": Rule(ONLY_MEMBER, on_appointment(pb.SendReschedule, reason=True), changes=True),
    "fun": Rule(MEMBERS, on_appointment(pb.KeepAppointment, reason=False)),
}


async def no_args(c: Check) -> str:
    return ""


async def find_case(c: Check) -> str:
    case = await c.stages.submitted()
    return case.tracking_no


async def with_privacy(c: Check) -> str:
    await c.privacy()
    return ""


COMMANDS: dict[str, Rule] = {
    # A deactivated officer is told so, not offered to register a foundation.
    "start": Rule(ALL - {Kind.INACTIVE_OFFICER}, no_args),
    "help": Rule(ALL, no_args),
    "language": Rule(ALL, no_args),
    "cancel": Rule(ALL, no_args),
    "continue": Rule(ALL, no_args),
    "dashboard": Rule(STAFF, no_args),
    "find": Rule(STAFF, find_case),
    "officers": Rule(ADMIN, no_args),
    "digest": Rule(OFFICERS, no_args),
    "new": Rule(MEMBERS, with_privacy),
    "cases": Rule(MEMBERS, no_args),
    "invite": Rule(MEMBERS, no_args, changes=True),
}


# ----- running the checks -------------------------------------------------------------------


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def running(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[tuple[Any, World]]:
    data_dir: Path = tmp_path_factory.mktemp("matrix")
    # Notifications go out at once: waiting for them is most of what a check waits for.
    fast = {"outbox_interval_seconds": 0.01}
    async with FakeTelegram() as fake, BotUnderTest.start(fake, data_dir, **fast) as bot:
        unthrottle(bot)
        world = await seed_world(bot.services.db, bot.services.clock())
        yield bot, world


async def newest_case(bot: BotUnderTest) -> int:
    row = await bot.services.db.fetchone("SELECT ifnull(max(id), 0) FROM cases")
    assert row is not None
    return int(row[0])


async def hidden_words(bot: BotUnderTest, user_id: int, after: int) -> list[str]:
    """Tracking numbers and volunteer names of the cases made since ``after`` that this person
    may not see (names also on a case they may see are not counted)."""
    user = await users_repo.get(bot.services.db.conn, user_id)
    actor = actor_of(user, user_id)
    hidden: set[str] = set()
    shown: set[str] = set()
    for row in await bot.services.db.fetchall("SELECT * FROM cases WHERE id > ?", (after,)):
        ref = CaseRef(Status(row["status"]), row["foundation_id"], row["province"])
        words = {str(row["tracking_no"]), str(row["volunteer_name"])}
        (shown if may_see(actor, ref) else hidden).update(words)
    return sorted(hidden - shown)


def mentions(text: str, case_words: list[str]) -> bool:
    return any(word and word in text for word in case_words)


async def play(
    bot: BotUnderTest, world: World, name: str, rule: Rule, kind: Kind, command: bool
) -> list[str]:
    """One kind of person uses one row; what went wrong (nothing: an empty list)."""
    allowed = kind in rule.allowed
    user = await add_person(bot, world, kind)
    check = Check(bot, world, kind, user, allowed)
    check.message_id = await anchor(bot, user)
    problems: list[str] = []
    try:
        first = await newest_case(bot)
        data = await rule.prepare(check)
        await settle(bot)
        before = await snapshot(bot, user.id)
        if command:
            reply = await send_text(bot, user, f"/{name} {data}".strip())
        else:
            reply = await press(bot, user, data, check.message_id)
        after = await snapshot(bot, user.id)
        texts = reply.texts
        label = f"{kind.value}: {'/' + name if command else repr(data)}"
        if not command and len(reply.answers) != 1:
            problems.append(f"{label}: answered {len(reply.answers)} times")
        if allowed:
            refused = [t for t in texts if any(r in t for r in all_refusal_texts(bot))]
            if refused:
                problems.append(f"{label}: allowed but refused: {reply.describe()}")
            elif not texts and not reply.edited and not rule.silent:
                problems.append(f"{label}: allowed but nothing shown: {reply.describe()}")
            if rule.changes and not differences(before, after):
                problems.append(f"{label}: allowed but nothing changed: {reply.describe()}")
        else:
            refusals = refusal_texts(bot, LANGUAGE[kind])
            said = reply.answer if not command else None
            if said not in refusals and not any(any(r in t for r in refusals) for t in texts):
                problems.append(f"{label}: not refused in its language: {reply.describe()}")
            changed = differences(before, after)
            if changed:
                problems.append(f"{label}: refused but changed {changed}")
        # Whatever they were shown, allowed or not: nothing of a case they may not see (what
        # they typed themselves, say the number they searched for, may be repeated to them).
        hidden = [w for w in await hidden_words(bot, user.id, first) if w not in data]
        leaked = [t for t in texts if mentions(t, hidden)]
        if leaked:
            problems.append(f"{label}: told about a case they may not see: {leaked}")
    finally:
        await retire(bot, user.id, *check.others)
    return problems


async def test_every_handler_has_a_reviewed_rule(running: tuple[BotUnderTest, World]) -> None:
    bot, _ = running
    application = bot.application
    commands, heads = registered_commands(application), registered_heads(application)
    assert commands - set(COMMANDS) == set(), "commands without an access rule in COMMANDS"
    assert set(COMMANDS) - commands == set(), "rules for commands nobody registers"
    assert heads - set(BUTTONS) == set(), "buttons without an access rule in BUTTONS"
    assert set(BUTTONS) - heads == set(), "rules for buttons nobody registers"
    # Every button kind a feature makes is handled somewhere, and every pattern is a kind's.
    prefixes = set(bot_app.codec(bot_app.features()).kinds)
    assert {h.split(":")[0] for h in heads} == prefixes
    # Only two handlers take any press at all: the guard before the features, and the
    # catch-all after them. A feature's button handler without a pattern would bypass the table.
    takes_all = [
        h.callback
        for h in all_handlers(application)
        if isinstance(h, CallbackQueryHandler) and h.pattern is None
    ]
    assert len(takes_all) == 2 and isinstance(takes_all[0], common.ButtonGuard)
    assert takes_all[1] == common.stale_button


@pytest.mark.parametrize("name", sorted(BUTTONS))
async def test_button(name: str, running: tuple[BotUnderTest, World]) -> None:
    bot, world = running
    rule = BUTTONS[name]
    problems: list[str] = []
    for kind in Kind:
        problems += await play(bot, world, name, rule, kind, command=False)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", sorted(COMMANDS))
async def test_command(name: str, running: tuple[BotUnderTest, World]) -> None:
    bot, world = running
    rule = COMMANDS[name]
    problems: list[str] = []
    for kind in Kind:
        problems += await play(bot, world, name, rule, kind, command=True)
    assert not problems, "\n".join(problems)
