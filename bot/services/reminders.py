"""The reminder scan: what has waited too long, computed from the database each time it runs.

Nothing is kept in memory between runs, so a restart neither loses nor repeats a reminder:
every reminder is written to ``reminder_log`` under a key (kind, case or person, day) in the
same transaction as its outbox rows, and a key that exists is never sent again. Reminders are
not urgent: they wait out quiet hours (``not_before``) instead of waking anyone at night.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import aiosqlite

from bot.clock import Clock
from bot.i18n import Catalogs, encode_params
from bot.i18n_marker import N_, MsgId
from bot.kernel.errors import VersionConflict
from bot.kernel.kernel import CaseKernel, Outcome
from bot.kernel.notices import to_members, to_officers
from bot.reminders import (
    STAGE_OF,
    ApplicantStep,
    OfficerAlert,
    ReminderSettings,
    Stage,
    applicant_steps,
    officer_alerts,
    quiet_release,
)
from bot.workdays import WorkCalendar
from bot.workflow import STATUS_LABEL, TERMINAL, Action, Bucket, Role, WorkflowError
from storage import appointments as appointments_repo
from storage import outbox as outbox_repo
from storage import queue as queue_repo
from storage import reminders as reminders_repo
from storage import users as users_repo
from storage.appointments import Appointment
from storage.db import Database
from storage.models import User
from storage.reminders import WaitingCase

logger = logging.getLogger(__name__)

STAGE_LABEL: dict[Stage, MsgId] = {
    Stage.PRELIMINARY: N_("stage.preliminary"),
    Stage.CONSIDERATION: N_("stage.consideration"),
    Stage.ISSUANCE: N_("stage.issuance"),
}
DIGEST_OLDEST = 3
_PICKUP_MESSAGES: dict[str, tuple[MsgId, MsgId]] = {
    "pickup_eve": (
        N_("notify.member.pickup_reminder_eve"),
        N_("notify.officer.pickup_reminder_eve"),
    ),
    "pickup_today": (
        N_("notify.member.pickup_reminder_today"),
        N_("notify.officer.pickup_reminder_today"),
    ),
}


@dataclass
class ScanReport:
    """What one scan queued, by reminder kind (for logs and tests)."""

    queued: dict[str, int] = field(default_factory=dict)
    closed: list[int] = field(default_factory=list)

    def add(self, kind: str, recipients: int = 1) -> None:
        self.queued[kind] = self.queued.get(kind, 0) + recipients


class _People:
    """Who reminders go to, read once per scan: a morning scan queues thousands of reminders,
    and asking the database for a province's officers for each of them was most of its work.
    Active officers and admins are read at once; members per batch of foundations."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn
        self._staff: dict[int, User] | None = None
        self._office: dict[str, list[User]] = {}
        self._members: dict[int, list[User]] = {}

    async def _active_staff(self) -> dict[int, User]:
        if self._staff is None:
            self._staff = {u.id: u for u in await reminders_repo.active_staff(self.conn)}
        return self._staff

    async def office(self, province: str) -> list[User]:
        """The province's officers; if it has none yet, the central office and admins (as
        ``users.officers_for`` / ``users.central_staff``)."""
        if province not in self._office:
            staff = (await self._active_staff()).values()
            local = [u for u in staff if u.role is Role.OFFICER and u.province == province]
            self._office[province] = local or [
                u
                for u in staff
                if u.role is Role.ADMIN or (u.role is Role.OFFICER and u.province is None)
            ]
        return self._office[province]

    async def admins(self) -> list[User]:
        return [u for u in (await self._active_staff()).values() if u.role is Role.ADMIN]

    async def load_members(self, foundation_ids: Iterable[int]) -> None:
        wanted = {f for f in foundation_ids if f not in self._members}
        if wanted:
            self._members.update(await reminders_repo.members_of_foundations(self.conn, wanted))

    async def members(self, foundation_id: int) -> list[User]:
        await self.load_members([foundation_id])
        return self._members[foundation_id]

    async def user(self, user_id: int) -> User | None:
        staff = await self._active_staff()
        return staff[user_id] if user_id in staff else await users_repo.get(self.conn, user_id)


@dataclass(frozen=True, slots=True)
class _Due:
    """One reminder the scan found due, before its once-only key is checked."""

    key: str
    kind: str
    case_id: int | None
    user_id: int | None
    item: Any
    """What the reminder is about (a waiting case with its alert, a reader, an appointment)."""


# Reminders written per transaction: the morning's thousands in a few short transactions
# rather than one each (or one long one that would keep people's own changes waiting).
BATCH = 500


class ReminderService:
    def __init__(
        self,
        db: Database,
        kernel: CaseKernel,
        catalogs: Catalogs,
        settings: ReminderSettings,
        calendar: WorkCalendar,
        clock: Clock,
    ) -> None:
        self.db = db
        self.kernel = kernel
        self.catalogs = catalogs
        self.settings = settings
        self.calendar = calendar
        self.clock = clock

    # ----- the scan -------------------------------------------------------------------------

    async def scan(self) -> ScanReport:
        now = self.clock()
        today = self.calendar.local_date(now)
        today_ord = self.calendar.ordinal(today)
        report = ScanReport()
        people = _People(self.db.conn)
        await self._start_missing_clocks(today_ord)
        # Officers are reminded on working days only; the applicant's wait counts every day.
        if self.calendar.is_working_day(today):
            await self._officer_reminders(now, today, today_ord, report, people)
            if now.astimezone(self.calendar.tz).time() >= self.settings.digest_time:
                await self._digests(now, today, today_ord, report)
        await self._applicant_reminders(now, today, report, people)
        await self._pickup_reminders(now, today, report, people)
        if report.queued or report.closed:
            logger.info("reminder scan: %s, closed %s", report.queued, report.closed)
        return report

    def _release(self, now: dt.datetime) -> dt.datetime:
        s = self.settings
        return quiet_release(now, self.calendar.tz, s.quiet_start, s.quiet_end)

    def _messages(
        self,
        recipients: Sequence[User],
        kind: str,
        msg_id: str,
        params: dict[str, Any],
        case_id: int | None = None,
    ) -> list[outbox_repo.Queued]:
        encoded = encode_params(params)
        return [outbox_repo.Queued(p.id, kind, msg_id, encoded, case_id) for p in recipients]

    async def _queue(
        self, conn: aiosqlite.Connection, messages: Sequence[outbox_repo.Queued], now: dt.datetime
    ) -> None:
        if messages:
            await outbox_repo.enqueue_many(
                conn, messages, now=now, urgent=False, not_before=self._release(now)
            )

    async def _once(
        self,
        due: Sequence[_Due],
        now: dt.datetime,
        write: Callable[[aiosqlite.Connection, list[_Due]], Awaitable[list[outbox_repo.Queued]]],
    ) -> list[outbox_repo.Queued]:
        """Queue each due reminder whose key is not recorded yet, recording it in the same
        transaction; ``write`` makes the messages of those. Returns what was queued.

        Most scans find everything already recorded: one read says so, and no write
        transaction is opened. Keys are checked again under the write lock, so another
        process (a second bot, a restart) never makes a reminder go out twice.
        """
        recorded = await reminders_repo.logged(self.db.conn, (d.key for d in due))
        todo = [d for d in due if d.key not in recorded]
        queued: list[outbox_repo.Queued] = []
        for start in range(0, len(todo), BATCH):
            chunk = todo[start : start + BATCH]
            async with self.db.transaction() as conn:
                recorded = await reminders_repo.logged(conn, (d.key for d in chunk))
                fresh = [d for d in chunk if d.key not in recorded]
                entries = [
                    reminders_repo.LogEntry(
                        key=d.key, kind=d.kind, case_id=d.case_id, user_id=d.user_id
                    )
                    for d in fresh
                ]
                await reminders_repo.log_many(conn, entries, now)
                messages = await write(conn, fresh)
                await self._queue(conn, messages, now)
            queued += messages
        return queued

    async def _start_missing_clocks(self, today_ord: int) -> None:
        """Cases open before clocks existed start counting today (never backdated)."""
        missing = await reminders_repo.clocks_not_started(self.db.conn)
        if not missing:
            return
        async with self.db.transaction() as conn:
            for case_id, status in missing:
                stage = STAGE_OF[status]
                await reminders_repo.start_clock(conn, case_id, stage.value, today_ord)

    # ----- officers ---------------------------------------------------------------------------

    async def _officer_reminders(
        self,
        now: dt.datetime,
        today: dt.date,
        today_ord: int,
        report: ScanReport,
        people: _People,
    ) -> None:
        s = self.settings
        due: list[_Due] = []
        for stage in Stage:
            threshold = s.officer_days[stage]
            # elapsed > threshold  <=>  base < today_ord - threshold
            waiting = await reminders_repo.officer_waiting_since_before(
                self.db.conn, stage.value, today_ord - threshold
            )
            for case in waiting:
                assert case.clock_base is not None
                elapsed = today_ord - case.clock_base
                for alert in officer_alerts(elapsed, threshold, s.escalation_factor):
                    key = f"{alert.value}:{case.id}:{today.isoformat()}"
                    item = (case, stage, alert, elapsed, threshold)
                    due.append(_Due(key, alert.value, case.id, None, item))

        async def write(conn: aiosqlite.Connection, fresh: list[_Due]) -> list[outbox_repo.Queued]:
            messages: list[outbox_repo.Queued] = []
            for d in fresh:
                case, stage, alert, elapsed, threshold = d.item
                params = {
                    "tracking_no": case.tracking_no,
                    "volunteer": case.volunteer_name,
                    "foundation": {"th": case.foundation_th, "en": case.foundation_en},
                    "status": STATUS_LABEL[case.status],
                    "stage": STAGE_LABEL[stage],
                    "days": elapsed,
                    "threshold": threshold,
                }
                if alert is OfficerAlert.OVERDUE:
                    recipients = await people.office(case.province)
                    msg_id = N_("notify.officer.reminder_overdue")
                else:
                    recipients = await people.admins()
                    msg_id = N_("notify.officer.reminder_escalation")
                messages += self._messages(recipients, alert.value, msg_id, params, case.id)
            return messages

        for message in await self._once(due, now, write):
            report.add(message.kind)

    async def _digests(
        self, now: dt.datetime, today: dt.date, today_ord: int, report: ScanReport
    ) -> None:
        readers = await reminders_repo.digest_readers(self.db.conn)
        due = [_Due(f"digest:{r.id}:{today.isoformat()}", "digest", None, r.id, r) for r in readers]
        recorded = await reminders_repo.logged(self.db.conn, (d.key for d in due))
        # Officers of one province read the same digest: made once per province.
        made: dict[str | None, dict[str, Any]] = {}
        overdue: dict[str, int] | None = None
        for d in due:
            province = d.item.province
            if d.key in recorded or province in made:
                continue
            if overdue is None:
                overdue = await self._overdue_by_province(today_ord)
            count = sum(overdue.values()) if province is None else overdue.get(province, 0)
            made[province] = await self._digest_params(province, count)

        async def write(conn: aiosqlite.Connection, fresh: list[_Due]) -> list[outbox_repo.Queued]:
            messages: list[outbox_repo.Queued] = []
            for d in fresh:
                reader, msg_id = d.item, N_("reminder.officer.digest")
                messages += self._messages([reader], "digest", msg_id, made[reader.province])
            return messages

        for message in await self._once(due, now, write):
            report.add(message.kind)

    async def _overdue_by_province(self, today_ord: int) -> dict[str, int]:
        """Cases past their stage's threshold, per province (the digests' "overdue" line)."""
        counts: dict[str, int] = {}
        for stage in Stage:
            found = await reminders_repo.running_over_by_province(
                self.db.conn, stage.value, today_ord - self.settings.officer_days[stage]
            )
            for province, n in found.items():
                counts[province] = counts.get(province, 0) + n
        return counts

    async def _digest_params(self, province: str | None, overdue: int) -> dict[str, Any]:
        conn = self.db.conn
        counts = await queue_repo.status_counts(conn, province)
        oldest = await queue_repo.bucket_page(
            conn, province, Bucket.WAITING_FOR_OFFICER, 0, DIGEST_OLDEST
        )
        texts: dict[str, dict[str, str]] = {"counts": {}, "oldest": {}}
        for lang in ("th", "en"):
            t = self.catalogs.for_language(lang)
            texts["counts"][lang] = "\n".join(
                t.t("reminder.digest.count_line", status=STATUS_LABEL[status], count=n)
                for status, n in counts.items()
                if n and status not in TERMINAL
            ) or t.t("reminder.digest.queue_empty")
            texts["oldest"][lang] = "\n".join(
                t.t(
                    "reminder.digest.oldest_line",
                    tracking_no=row.tracking_no,
                    volunteer=row.volunteer_name,
                    since=row.submitted_at,
                )
                for row in oldest
                if row.submitted_at is not None
            ) or t.t("reminder.digest.none")
        return {"counts": texts["counts"], "oldest": texts["oldest"], "overdue": overdue}

    # ----- foundations ------------------------------------------------------------------------

    async def _applicant_reminders(
        self, now: dt.datetime, today: dt.date, report: ScanReport, people: _People
    ) -> None:
        s = self.settings
        first = min([*s.applicant_reminder_days, *_abandon_days(s)], default=None)
        if first is None:
            return
        horizon = now - dt.timedelta(days=first - 1)
        waiting = []
        for case in await reminders_repo.applicant_waiting_since_before(self.db.conn, horizon):
            assert case.applicant_since is not None
            since = self.calendar.local_date(case.applicant_since)
            days = (today - since).days
            due = applicant_steps(days, s)
            if due:
                keys = [f"{d.step.value}:{d.day}:{case.id}:{since.isoformat()}" for d in due]
                waiting.append((case, since, days, due, keys))
        recorded = await reminders_repo.logged(self.db.conn, (w[4][-1] for w in waiting))
        for case, since, days, due, keys in waiting:
            latest, latest_key = due[-1], keys[-1]
            if latest_key in recorded:
                continue
            if latest.step is ApplicantStep.ABANDON:
                if await self._abandon(case, days):
                    report.closed.append(case.id)
                    async with self.db.transaction() as conn:
                        for key, step in zip(keys, due, strict=True):
                            await reminders_repo.log_once(
                                conn, key, step.step.value, now, case_id=case.id
                            )
                continue
            close_on = since + dt.timedelta(days=s.abandon_after_days)
            params = {
                "tracking_no": case.tracking_no,
                "volunteer": case.volunteer_name,
                "days": days,
                "since": since,
                "close_on": close_on,
            }
            msg_id = (
                N_("notify.member.reminder_final_warning")
                if latest.step is ApplicantStep.FINAL_WARNING
                else N_("notify.member.reminder_correction")
            )
            async with self.db.transaction() as conn:
                # Earlier steps missed while the bot was down are recorded, not sent late.
                for key, step in zip(keys[:-1], due[:-1], strict=True):
                    await reminders_repo.log_once(conn, key, step.step.value, now, case_id=case.id)
                if not await reminders_repo.log_once(
                    conn, latest_key, latest.step.value, now, case_id=case.id
                ):
                    continue
                members = await people.members(case.foundation_id)
                kind = latest.step.value
                await self._queue(conn, self._messages(members, kind, msg_id, params, case.id), now)
            report.add(latest.step.value, len(members))

    async def close_abandoned(self, case_id: int, version: int, days: int) -> Outcome:
        """Close a case whose correction never came (the scan, after a final warning)."""
        return await self.kernel.run(
            Action.CLOSE_ABANDONED,
            0,
            case_id,
            version,
            system=True,
            data={"days": days},
            notify=[
                to_officers("abandoned", N_("notify.officer.abandoned")),
                to_members("abandoned", N_("notify.member.abandoned"), days=days),
            ],
        )

    async def _abandon(self, case: WaitingCase, days: int) -> bool:
        try:
            await self.close_abandoned(case.id, case.version, days)
        except VersionConflict:
            return False  # someone acted on it this very moment; the next scan decides again
        except WorkflowError as error:
            logger.warning("case %s could not be closed as abandoned: %s", case.id, error.msg_id)
            return False
        return True

    # ----- pickup appointments -----------------------------------------------------------------

    def _day_bounds(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        start = dt.datetime.combine(day, dt.time(0), self.calendar.tz).astimezone(dt.UTC)
        return start, start + dt.timedelta(days=1)

    async def _pickup_reminders(
        self, now: dt.datetime, today: dt.date, report: ScanReport, people: _People
    ) -> None:
        """The working day before, and the morning of, each pickup: foundation and officer."""
        due: list[_Due] = []
        windows: list[tuple[str, tuple[dt.datetime, dt.datetime]]] = []
        if self.calendar.is_working_day(today):
            windows.append(("pickup_eve", self._day_bounds(self.calendar.next_working_day(today))))
        windows.append(("pickup_today", (now, self._day_bounds(today)[1])))
        for kind, (start, end) in windows:
            for appointment in await appointments_repo.upcoming(self.db.conn, start, end):
                if self.calendar.local_date(appointment.created_at) == today:
                    continue  # set today: the appointment message itself has just told them
                key = f"{kind}:{appointment.id}"
                due.append(_Due(key, kind, appointment.case_id, None, appointment))

        async def write(conn: aiosqlite.Connection, fresh: list[_Due]) -> list[outbox_repo.Queued]:
            cases = await reminders_repo.cases_by_id(conn, (d.item.case_id for d in fresh))
            await people.load_members(c.foundation_id for c in cases.values())
            messages: list[outbox_repo.Queued] = []
            for d in fresh:
                appointment: Appointment = d.item
                case = cases.get(appointment.case_id)
                if case is None:
                    continue
                params = {
                    "tracking_no": case.tracking_no,
                    "volunteer": case.volunteer_name,
                    "when": appointment.starts_at,
                    "place": {"th": appointment.place, "en": appointment.place_in("en")},
                }
                member_msg, officer_msg = _PICKUP_MESSAGES[d.kind]
                scheduler = await people.user(appointment.created_by)
                officers = (
                    [scheduler]
                    if scheduler is not None
                    and scheduler.active
                    and scheduler.role is not Role.MEMBER
                    else await people.office(case.province)
                )
                members = await people.members(case.foundation_id)
                messages += self._messages(members, d.kind, member_msg, params, case.id)
                messages += self._messages(officers, d.kind, officer_msg, params, case.id)
            return messages

        for message in await self._once(due, now, write):
            report.add(message.kind)

    # ----- preferences ------------------------------------------------------------------------

    async def set_digest(self, user_id: int, enabled: bool) -> None:
        async with self.db.transaction() as conn:
            await reminders_repo.set_digest(conn, user_id, enabled)

    async def digest_enabled(self, user_id: int) -> bool:
        return await reminders_repo.digest_enabled(self.db.conn, user_id)


def _abandon_days(settings: ReminderSettings) -> list[int]:
    if settings.abandon_after_days <= 0:
        return []
    return [max(1, settings.abandon_after_days - settings.final_warning_days_before)]
