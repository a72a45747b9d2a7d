"""The reminder scan: what has waited too long, computed from the database each time it runs.

Nothing is kept in memory between runs, so a restart neither loses nor repeats a reminder:
every reminder is written to ``reminder_log`` under a key (kind, case or person, day) in the
same transaction as its outbox rows, and a key that exists is never sent again. Reminders are
not urgent: they wait out quiet hours (``not_before``) instead of waking anyone at night.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import aiosqlite

from bot.i18n import Catalogs, encode_params
from bot.i18n_marker import N_, MsgId
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
from bot.services.cases import CaseService, Clock
from bot.services.errors import VersionConflict
from bot.workdays import WorkCalendar
from bot.workflow import STATUS_LABEL, TERMINAL, Bucket, Role, WorkflowError
from storage import appointments as appointments_repo
from storage import cases as cases_repo
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


class ReminderService:
    def __init__(
        self,
        db: Database,
        cases: CaseService,
        catalogs: Catalogs,
        settings: ReminderSettings,
        calendar: WorkCalendar,
        clock: Clock,
    ) -> None:
        self.db = db
        self.cases = cases
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
        await self._start_missing_clocks(today_ord)
        # Officers are reminded on working days only; the applicant's wait counts every day.
        if self.calendar.is_working_day(today):
            await self._officer_reminders(now, today, today_ord, report)
            if now.astimezone(self.calendar.tz).time() >= self.settings.digest_time:
                await self._digests(now, today, today_ord, report)
        await self._applicant_reminders(now, today, report)
        await self._pickup_reminders(now, today, report)
        if report.queued or report.closed:
            logger.info("reminder scan: %s, closed %s", report.queued, report.closed)
        return report

    def _release(self, now: dt.datetime) -> dt.datetime:
        s = self.settings
        return quiet_release(now, self.calendar.tz, s.quiet_start, s.quiet_end)

    async def _queue(
        self,
        conn: aiosqlite.Connection,
        recipients: Sequence[User],
        kind: str,
        msg_id: str,
        params: dict[str, Any],
        now: dt.datetime,
        case_id: int | None = None,
    ) -> int:
        encoded = encode_params(params)
        for person in recipients:
            await outbox_repo.enqueue(
                conn,
                recipient_id=person.id,
                case_id=case_id,
                kind=kind,
                msg_id=msg_id,
                params=encoded,
                now=now,
                urgent=False,
                not_before=self._release(now),
            )
        return len(recipients)

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

    async def _office_of(self, conn: aiosqlite.Connection, province: str) -> list[User]:
        local = await users_repo.officers_for(conn, province)
        return local or await users_repo.central_staff(conn)

    async def _officer_reminders(
        self, now: dt.datetime, today: dt.date, today_ord: int, report: ScanReport
    ) -> None:
        s = self.settings
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
                    sent = await self._officer_alert(
                        case, stage, alert, elapsed, threshold, now, today
                    )
                    if sent:
                        report.add(alert.value, sent)

    async def _officer_alert(
        self,
        case: WaitingCase,
        stage: Stage,
        alert: OfficerAlert,
        elapsed: int,
        threshold: int,
        now: dt.datetime,
        today: dt.date,
    ) -> int:
        """Queue one officer alert unless already done today; how many people it went to."""
        params = {
            "tracking_no": case.tracking_no,
            "volunteer": case.volunteer_name,
            "foundation": {"th": case.foundation_th, "en": case.foundation_en},
            "status": STATUS_LABEL[case.status],
            "stage": STAGE_LABEL[stage],
            "days": elapsed,
            "threshold": threshold,
        }
        key = f"{alert.value}:{case.id}:{today.isoformat()}"
        async with self.db.transaction() as conn:
            if not await reminders_repo.log_once(conn, key, alert.value, now, case_id=case.id):
                return 0
            if alert is OfficerAlert.OVERDUE:
                recipients = await self._office_of(conn, case.province)
                msg_id = N_("notify.officer.reminder_overdue")
            else:
                recipients = await users_repo.admins(conn)
                msg_id = N_("notify.officer.reminder_escalation")
            return await self._queue(conn, recipients, alert.value, msg_id, params, now, case.id)

    async def _digests(
        self, now: dt.datetime, today: dt.date, today_ord: int, report: ScanReport
    ) -> None:
        for user_id, province in await reminders_repo.digest_readers(self.db.conn):
            key = f"digest:{user_id}:{today.isoformat()}"
            if await reminders_repo.was_logged(self.db.conn, key):
                continue
            params = await self._digest_params(province, today_ord)
            async with self.db.transaction() as conn:
                if not await reminders_repo.log_once(conn, key, "digest", now, user_id=user_id):
                    continue
                reader = await users_repo.get(conn, user_id)
                if reader is None:
                    continue
                await self._queue(
                    conn, [reader], "digest", N_("reminder.officer.digest"), params, now
                )
            report.add("digest")

    async def _digest_params(self, province: str | None, today_ord: int) -> dict[str, Any]:
        conn = self.db.conn
        counts = await queue_repo.status_counts(conn, province)
        oldest = await queue_repo.bucket_page(
            conn, province, Bucket.WAITING_FOR_OFFICER, 0, DIGEST_OLDEST
        )
        overdue = 0
        for stage in Stage:
            overdue += await reminders_repo.count_running_over(
                conn, province, stage.value, today_ord - self.settings.officer_days[stage]
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
        self, now: dt.datetime, today: dt.date, report: ScanReport
    ) -> None:
        s = self.settings
        first = min([*s.applicant_reminder_days, *_abandon_days(s)], default=None)
        if first is None:
            return
        horizon = now - dt.timedelta(days=first - 1)
        for case in await reminders_repo.applicant_waiting_since_before(self.db.conn, horizon):
            assert case.applicant_since is not None
            since = self.calendar.local_date(case.applicant_since)
            days = (today - since).days
            due = applicant_steps(days, s)
            if not due:
                continue
            keys = [f"{d.step.value}:{d.day}:{case.id}:{since.isoformat()}" for d in due]
            latest, latest_key = due[-1], keys[-1]
            if await reminders_repo.was_logged(self.db.conn, latest_key):
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
                members = await users_repo.members_of(conn, case.foundation_id)
                sent = await self._queue(
                    conn, members, latest.step.value, msg_id, params, now, case.id
                )
            report.add(latest.step.value, sent)

    async def _abandon(self, case: WaitingCase, days: int) -> bool:
        try:
            await self.cases.close_abandoned(case.id, case.version, days)
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

    async def _pickup_reminders(self, now: dt.datetime, today: dt.date, report: ScanReport) -> None:
        """The working day before, and the morning of, each pickup: foundation and officer."""
        if self.calendar.is_working_day(today):
            eve = self._day_bounds(self.calendar.next_working_day(today))
            for appointment in await appointments_repo.upcoming(self.db.conn, *eve):
                await self._pickup_reminder(appointment, "pickup_eve", now, today, report)
        _, tonight = self._day_bounds(today)
        for appointment in await appointments_repo.upcoming(self.db.conn, now, tonight):
            await self._pickup_reminder(appointment, "pickup_today", now, today, report)

    async def _pickup_reminder(
        self,
        appointment: Appointment,
        kind: str,
        now: dt.datetime,
        today: dt.date,
        report: ScanReport,
    ) -> None:
        if self.calendar.local_date(appointment.created_at) == today:
            return  # set today: the appointment message itself has just told them
        key = f"{kind}:{appointment.id}"
        async with self.db.transaction() as conn:
            case = await cases_repo.get(conn, appointment.case_id)
            if case is None or not await reminders_repo.log_once(
                conn, key, kind, now, case_id=case.id
            ):
                return
            params = {
                "tracking_no": case.tracking_no,
                "volunteer": case.volunteer_name,
                "when": appointment.starts_at,
                "place": {"th": appointment.place, "en": appointment.place_in("en")},
            }
            member_msg, officer_msg = _PICKUP_MESSAGES[kind]
            members = await users_repo.members_of(conn, case.foundation_id)
            scheduler = await users_repo.get(conn, appointment.created_by)
            officers = (
                [scheduler]
                if scheduler is not None and scheduler.active and scheduler.role is not Role.MEMBER
                else await self._office_of(conn, case.province)
            )
            sent = await self._queue(conn, members, kind, member_msg, params, now, case.id)
            sent += await self._queue(conn, officers, kind, officer_msg, params, now, case.id)
        report.add(kind, sent)

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
