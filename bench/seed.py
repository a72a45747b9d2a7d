"""A realistic database for the benchmarks: 100,000 cases, 77 provinces, 2,000 foundations.

    python bench/seed.py [--cases 100000] [--foundations 2000] [--rebuild]

The schema comes from ``storage.migrate`` (every migration applied, as the bot would); the rows
are then inserted directly with SQL in one transaction (``sqlite3`` and ``executemany``), which
takes a minute instead of the hours the services would need for the same history.

What is seeded, over about two years of submissions that end at ``as_of`` (the seeding time):

- 2,000 foundations and associations, weighted towards the provinces where foreign volunteers
  work (Bangkok, Chiang Mai, Tak, Phuket, ...), a few of them far busier than the rest; one to
  four members each, every member with the privacy notice accepted;
- officers in every province (two to six), a central office and admins;
- every case is played through the workflow on working days (``bot.workdays``): submitted
  with nine to twelve documents, checked (a quarter sent back for correction, some returned,
  some abandoned after 30 days), considered, approved or not, sent for signing, a pickup
  appointment made and confirmed, the signed scan uploaded, completed; a few are withdrawn.
  Each step writes its event, its attachment rows and its (sent) notifications as the services
  do, and the stage clocks are kept with ``bot.reminders.next_clock`` as ``CaseKernel`` keeps
  them. Provinces work at different speeds and a few have a backlog, so that at ``as_of`` the
  open cases sit in every status, some of them overdue; about 1 % are drafts still being filled
  in (with the wizard's draft and conversation state, as the bot keeps them);
- reminders already sent to applicants on earlier days are in ``reminder_log``.

The database is cached under ``/tmp/certbot-bench/``, keyed by this file, the migrations and
the sizes; ``seeded_copy(dest)`` gives each benchmark a fresh copy to change.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import contextlib
import datetime as dt
import hashlib
import itertools
import json
import os
import random
import shutil
import sqlite3
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot import provinces
from bot.checklist import load_checklist
from bot.config import REPO_ROOT
from bot.privacy import load_privacy_notice
from bot.reminders import Clock, ReminderSettings, applicant_steps, next_clock
from bot.services.applications import ApplicationDraft
from bot.services.volunteer_form import VolunteerForm
from bot.workdays import WorkCalendar
from bot.workflow import Status
from storage.db import Database
from storage.migrate import MIGRATIONS_DIR, migrate

CACHE_DIR = Path("/tmp/certbot-bench")
DB_NAME = "bot.sqlite3"  # Settings.database_path inside the data directory
SEED_VERSION = 1
"""Part of the cache key with the migrations and the sizes: change it when the data changes."""
MAX_AGE = dt.timedelta(days=3)
"""An older cache is rebuilt: the history should end just before the benchmark runs."""

S = Status
BKK = dt.timedelta(hours=7)  # Asia/Bangkok has no daylight saving time
OFFICE_OPEN, OFFICE_CLOSE = dt.time(8, 30), dt.time(16, 30)

# Where foreign volunteers mostly work: a foundation's province is drawn with these weights.
PROVINCE_WEIGHT = {
    "10": 14.0,  # Bangkok
    "50": 8.0,  # Chiang Mai
    "63": 4.0,  # Tak (border)
    "57": 4.0,  # Chiang Rai
    "83": 3.0,  # Phuket
    "20": 3.0,  # Chon Buri
    "58": 2.0,  # Mae Hong Son
    "71": 2.0,  # Kanchanaburi
    "12": 2.0,  # Nonthaburi
    "11": 2.0,  # Samut Prakan
    "40": 2.0,  # Khon Kaen
    "41": 2.0,  # Udon Thani
    "30": 2.0,  # Nakhon Ratchasima
    "84": 2.0,  # Surat Thani
    "90": 2.0,  # Songkhla
    "34": 1.5,  # Ubon Ratchathani
}
BUSY_OFFICERS = {"10": 6, "50": 4, "63": 3, "57": 3, "83": 3, "20": 3}


def _words(text: str) -> list[str]:
    return text.split()


# Names to draw from.
GIVEN = _words(
    "JOHN EMMA LUCAS AIKO NOAH CHLOE LIAM SOFIA DAVID ANNA OLIVIA JAMES MIA BEN HANNA LEON "
    "YUKI KENJI MARIA JOSE ELENA PIETRO INES LARS INGRID SVEN FREYA TOM SARAH MOHAMED AMINA "
    "PRIYA ARJUN WEI LING MINH THAO SEO JUN CHARLOTTE HUGO ZOE FELIX NORA OSCAR ISLA LOUIS"
)
FAMILY = _words(
    "SMITH JOHANSSON MULLER TANAKA WILLIAMS MARTIN O'BRIEN ROSSI KIM NOWAK BROWN GARCIA "
    "SCHMIDT DUBOIS LARSEN NGUYEN WANG PATEL SATO SUZUKI LOPEZ FERREIRA JENSEN NIELSEN "
    "KOWALSKI HOFFMANN MORENO SILVA COSTA NOVAK HORVAT VARGA PETERSEN BERG LINDQVIST"
)
NATIONALITY = _words(
    "British Swedish German Japanese Australian French Irish Italian American Canadian Dutch "
    "Danish Norwegian Spanish Korean Polish Swiss Belgian Finnish Austrian Filipino Indian"
)
POSITIONS = (
    "English teacher",
    "Nurse",
    "Carpenter",
    "Art teacher",
    "Farm advisor",
    "Social worker",
    "Water engineer",
    "Photographer",
    "Marine biologist",
    "Diving instructor",
    "Physiotherapist",
    "IT trainer",
    "Youth coach",
    "Conservation assistant",
)
TH_WORDS = _words("รักษ์ เด็ก ชนบท พัฒนา อาสา เพื่อน ชุมชน ทะเล ป่า การศึกษา สุขภาพ แสงธรรม ช้าง น้ำใจ")
EN_WORDS = _words(
    "Children Rural Community Sea Forest Education Health Light Elephant Friends Hope Bridge "
    "River Mountain Harvest Future"
)
OFFICE_PLACE = "ศูนย์บริการ สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัด"
FLAG_REASONS = (
    "The passport copy is cut off at the bottom: please scan the whole page.",
    "The photo is blurred; please send a clear one on a white background.",
    "The committee list is not the current one (2 years old).",
    "The request letter is not signed.",
)


def _utc(local: dt.datetime) -> str:
    """A Bangkok wall-clock time as stored (``storage.clock.to_db``)."""
    return (local - BKK).isoformat(timespec="microseconds") + "+00:00"


def _utc_dt(local: dt.datetime) -> dt.datetime:
    return (local - BKK).replace(tzinfo=dt.UTC)


def _sha(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _lang(th: str, en: str) -> dict[str, Any]:
    return {"$lang": {"en": en, "th": th}}


class Days:
    """Working days around the seeded period, precomputed (``WorkCalendar`` is per call)."""

    def __init__(self, calendar: WorkCalendar, first: dt.date, last: dt.date) -> None:
        self.calendar = calendar
        self.ordinal: dict[dt.date, int] = {}
        self.working: list[dt.date] = []
        count = calendar.ordinal(first - dt.timedelta(days=1))
        day = first
        while day <= last:
            if calendar.is_working_day(day):
                count += 1
                self.working.append(day)
            self.ordinal[day] = count
            day += dt.timedelta(days=1)

    def after(self, day: dt.date, n: int) -> dt.date:
        """The ``n``-th working day after ``day`` (``n`` 0: ``day`` if it is one, else the next)."""
        if n <= 0:
            i = bisect.bisect_left(self.working, day)
            return self.working[i]
        i = bisect.bisect_right(self.working, day)
        return self.working[i + n - 1]

    def is_working(self, day: dt.date) -> bool:
        i = bisect.bisect_left(self.working, day)
        return i < len(self.working) and self.working[i] == day


@dataclass
class Person:
    id: int
    name: str
    language: str | None


@dataclass
class Foundation:
    id: int
    name_th: str
    name_en: str
    province: str
    members: list[Person]


@dataclass(frozen=True)
class Seeded:
    path: Path
    as_of: dt.datetime
    """Where the seeded history ends (UTC): nothing happened after it."""
    seconds: float
    """How long building the database took (when it was built, perhaps in an earlier run)."""
    reused: bool
    counts: dict[str, int]
    bytes: int


class _Builder:
    def __init__(self, cases: int, foundations: int, as_of: dt.datetime, seed: int = 7) -> None:
        self.n_cases = cases
        self.n_foundations = foundations
        self.as_of_local = as_of.astimezone(dt.UTC).replace(tzinfo=None) + BKK
        self.rng = random.Random(seed)
        self.calendar = WorkCalendar()
        start = self.as_of_local.date() - dt.timedelta(days=800)
        self.days = Days(self.calendar, start, self.as_of_local.date() + dt.timedelta(days=120))
        self.checklist = load_checklist(REPO_ROOT / "bot" / "checklist.toml")
        self.privacy_version = load_privacy_notice(
            REPO_ROOT / "bot" / "privacy_notice.toml"
        ).version
        self.reminders = ReminderSettings()
        self.drafting: set[int] = set()
        self.rows: dict[str, list[Sequence[Any]]] = {
            k: []
            for k in (
                "foundations",
                "users",
                "privacy_acceptances",
                "cases",
                "attachments",
                "case_events",
                "outbox",
                "appointments",
                "reminder_log",
                "drafts",
                "ptb_state",
            )
        }
        self.attachment_id = itertools.count(1)
        self.event_id = itertools.count(1)
        self.outbox_id = itertools.count(1)
        self.appointment_id = itertools.count(1)
        self.receipts: Counter[tuple[str, int]] = Counter()
        self.officers: dict[str | None, list[Person]] = {}
        self.speed: dict[str, float] = {}
        self.foundations: list[Foundation] = []

    # ----- people -----------------------------------------------------------------------------

    def people(self) -> None:
        rng = self.rng
        epoch = _utc(self.as_of_local - dt.timedelta(days=900))
        codes = [p.code for p in provinces.PROVINCES]
        weights = [PROVINCE_WEIGHT.get(c, rng.uniform(0.4, 1.2)) for c in codes]
        officer_id = itertools.count(2_000_001)
        for code in codes:
            staff = [
                Person(next(officer_id), f"เจ้าหน้าที่ {code}-{n}", "th")
                for n in range(BUSY_OFFICERS.get(code, rng.choice((2, 2, 3))))
            ]
            self.officers[code] = staff
            for person in staff:
                self._user(person, "officer", epoch, province=code)
        central = [Person(next(officer_id), f"ส่วนกลาง {n}", "th") for n in range(3)]
        self.officers[None] = central
        for person in central:
            self._user(person, "officer", epoch)
        for n in range(2):
            self._user(Person(3_000_001 + n, f"Admin {n}", "en"), "admin", epoch)
        # Most provinces keep up; a few run a backlog (their cases wait longer everywhere).
        for code in codes:
            self.speed[code] = rng.uniform(0.6, 1.4)
        for code in rng.sample(codes, 8):
            self.speed[code] = rng.uniform(2.0, 3.0)

        member_id = itertools.count(1_000_001)
        chosen = rng.choices(codes, weights, k=self.n_foundations)
        for fid, code in enumerate(chosen, start=1):
            words = rng.sample(range(len(TH_WORDS)), 2)
            name_th = f"มูลนิธิ{TH_WORDS[words[0]]}{TH_WORDS[words[1]]} {fid}"
            name_en = f"{EN_WORDS[words[0]]} {EN_WORDS[words[1]]} Foundation {fid}"
            created = self.as_of_local - dt.timedelta(days=rng.uniform(760, 900))
            kind = "association" if rng.random() < 0.3 else "foundation"
            if kind == "association":
                name_th = name_th.replace("มูลนิธิ", "สมาคม")
                name_en = name_en.replace("Foundation", "Association")
            place = provinces.name_of(code, "th")
            self.rows["foundations"].append(
                (
                    fid,
                    kind,
                    name_th,
                    name_en,
                    f"{code}/{fid:05d}",
                    code,
                    f"{rng.randint(1, 999)} หมู่ {rng.randint(1, 12)} อำเภอเมือง จังหวัด{place}",
                    f"0{rng.randint(20, 99)}{rng.randint(100000, 999999)}",
                    f"office{fid}@foundation.example.org",
                    _utc(created),
                )
            )
            members = []
            for n in range(rng.choice((1, 1, 2, 2, 2, 3, 4))):
                lang = rng.choice(("th", "th", "th", "en", None))
                person = Person(next(member_id), f"สมาชิก {fid}-{n}", lang)
                members.append(person)
                joined = created + dt.timedelta(days=rng.uniform(0, 30) + n)
                self._user(person, "member", _utc(joined), foundation=fid)
                self.rows["privacy_acceptances"].append(
                    (person.id, self.privacy_version, _utc(joined))
                )
            self.foundations.append(Foundation(fid, name_th, name_en, code, members))

    def _user(
        self,
        person: Person,
        role: str,
        created: str,
        *,
        province: str | None = None,
        foundation: int | None = None,
    ) -> None:
        self.rows["users"].append(
            (
                person.id,
                person.name,
                role,
                1,
                None,
                person.language,
                foundation,
                province,
                1,
                created,
                created,
                1,
            )
        )

    # ----- time -------------------------------------------------------------------------------

    def office_time(self, day: dt.date) -> dt.datetime:
        minutes = self.rng.randint(0, 8 * 60 - 1)
        return dt.datetime.combine(day, OFFICE_OPEN) + dt.timedelta(
            minutes=minutes, seconds=self.rng.random() * 60
        )

    def officer_step(self, prev: dt.datetime, working_days: int) -> dt.datetime:
        """When an officer acts, ``working_days`` after ``prev`` (0: later the same day)."""
        if working_days <= 0:
            later = prev + dt.timedelta(minutes=self.rng.uniform(3, 90))
            if self.days.is_working(later.date()) and later.time() < OFFICE_CLOSE:
                return later
            working_days = 1
        return self.office_time(self.days.after(prev.date(), working_days))

    def member_step(self, prev: dt.datetime, hours: float) -> dt.datetime:
        return prev + dt.timedelta(hours=hours, seconds=self.rng.random() * 60)

    def wait(self, province: str, choices: tuple[int, ...]) -> int:
        return round(self.rng.choice(choices) * self.speed[province] + self.rng.random() * 0.5)

    # ----- cases ------------------------------------------------------------------------------

    def cases(self) -> None:
        rng = self.rng
        n_drafts = self.n_cases // 100
        activity = [min(rng.paretovariate(1.3), 40.0) for _ in self.foundations]
        owners = rng.choices(self.foundations, activity, k=self.n_cases)
        # Submissions over two years, growing a little; drafts are recent and unfinished.
        starts: list[tuple[dt.datetime, bool]] = []
        for n in range(self.n_cases):
            # Drafts are recent; submissions are denser towards the present.
            age = rng.uniform(0.1, 45) if n < n_drafts else 730 * (1 - rng.random() ** 0.8)
            hour = rng.choice((9, 10, 11, 13, 14, 15, 16, 19, 20, 21))
            moment = (self.as_of_local - dt.timedelta(days=age)).replace(
                hour=hour, minute=rng.randint(0, 59)
            )
            if moment > self.as_of_local:
                moment -= dt.timedelta(days=1)
            starts.append((moment, n < n_drafts))
        order = sorted(range(self.n_cases), key=lambda i: starts[i][0])
        drafting: set[int] = set()  # a member has one application draft at a time
        for case_id, index in enumerate(order, start=1):
            moment, is_draft = starts[index]
            foundation = owners[index]
            member = rng.choice(foundation.members)
            if is_draft:
                free = [m for m in foundation.members if m.id not in drafting]
                is_draft = bool(free)
                if free:
                    member = free[0]
                    drafting.add(member.id)
            _Case(self, case_id, foundation, member, moment, is_draft).play()
        self.drafting = drafting

    def receipt(self, province: str, when: dt.datetime) -> str:
        year = when.year + 543
        self.receipts[(province, year)] += 1
        return f"{self.receipts[(province, year)]}/{year}"

    # ----- writing ----------------------------------------------------------------------------

    def write(self, path: Path) -> dict[str, int]:
        conn = sqlite3.connect(path, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode = MEMORY")
            conn.execute("PRAGMA synchronous = OFF")
            conn.execute("PRAGMA cache_size = -400000")
            conn.execute("PRAGMA foreign_keys = OFF")
            conn.execute("BEGIN")
            for table, rows in self.rows.items():
                if not rows:
                    continue
                columns = _COLUMNS[table]
                marks = ", ".join("?" for _ in columns)
                conn.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows
                )
            conn.execute("COMMIT")
            problems = conn.execute("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise RuntimeError(f"seeded rows break foreign keys: {problems[:5]}")
            conn.execute("PRAGMA journal_mode = WAL")  # as Database.open leaves it
        finally:
            conn.close()
        return {table: len(rows) for table, rows in self.rows.items()}


# The columns each table's rows fill, in order.
_COLUMNS: dict[str, list[str]] = {
    "foundations": _words(
        "id kind name_th name_en registration_no province address phone email created_at"
    ),
    "users": _words(
        "id display_name role active language telegram_language foundation_id province "
        "reachable created_at updated_at digest_enabled"
    ),
    "privacy_acceptances": _words("user_id notice_version accepted_at"),
    "cases": _words(
        "id tracking_no foundation_id province status version volunteer_name passport_no "
        "details receipt_no claimed_by created_by created_at submitted_at updated_at "
        "closed_at clock_stage clock_base clock_carried applicant_since"
    ),
    "attachments": _words(
        "id case_id item slot revision file_name mime_type size sha256 telegram_file_id "
        "uploaded_by uploaded_at verdict verdict_reason verdict_by verdict_at"
    ),
    "case_events": _words(
        "id case_id actor_id action from_status to_status public_comment internal_note data "
        "created_at"
    ),
    "outbox": _words(
        "id recipient_id case_id event_id kind msg_id params urgent state attempts "
        "next_attempt_at created_at sent_at"
    ),
    "appointments": _words(
        "id case_id starts_at place state created_by created_at answered_by answered_at"
    ),
    "reminder_log": _words("key kind case_id user_id created_at"),
    "drafts": _words("user_id kind data updated_at"),
    "ptb_state": _words("kind key value"),
}


class _Stop(Exception):
    """The case's history reached ``as_of``: it stays where it is now."""


class _Case:
    """One case played through the workflow; rows are added to the builder as it goes."""

    def __init__(
        self,
        b: _Builder,
        case_id: int,
        foundation: Foundation,
        member: Person,
        start: dt.datetime,
        draft: bool,
    ) -> None:
        self.b = b
        self.id = case_id
        self.foundation = foundation
        self.province = foundation.province
        self.draft = draft
        rng = b.rng
        self.member = member
        self.officer: Person | None = None
        self.status = S.DRAFT
        self.version = 1
        self.clock = Clock()
        self.created = start - dt.timedelta(hours=rng.uniform(0.3, 72))
        self.now = self.created
        self.updated = self.created
        self.submitted: dt.datetime | None = None
        self.closed: dt.datetime | None = None
        self.receipt: str | None = None
        self.submit_at = start
        self.attachments: dict[tuple[str, int], list[Any]] = {}  # current revision rows
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        self.name = f"{given} {family}"
        self.passport = "".join(rng.choices("ABCDEFGHJKLMNPRSTUVWXYZ", k=2)) + str(
            rng.randint(1000000, 9999999)
        )
        self.tracking = f"VC{case_id:06d}"

    # ----- writing one step -------------------------------------------------------------------

    def at(self, moment: dt.datetime) -> None:
        if moment > self.b.as_of_local:
            raise _Stop
        self.now = moment

    def event(
        self,
        action: str,
        actor: Person | None,
        to: Status | None = None,
        data: dict[str, Any] | None = None,
        comment: str | None = None,
    ) -> int:
        event_id = next(self.b.event_id)
        before = self.status
        if to is not None and to is not self.status:
            ordinal = self.b.days.ordinal[self.now.date()]
            self.clock = next_clock(self.clock, to, ordinal, _utc_dt(self.now))
            self.status = to
            if to in (S.COMPLETED, S.RETURNED, S.NOT_APPROVED, S.WITHDRAWN, S.ABANDONED):
                self.closed = self.now
        if action != "create_draft":
            self.version += 1
        self.updated = self.now
        self.b.rows["case_events"].append(
            (
                event_id,
                self.id,
                actor.id if actor else None,
                action,
                None if action == "create_draft" else before.value,
                self.status.value,
                comment,
                None,
                json.dumps(data or {}, ensure_ascii=False),
                _utc(self.now),
            )
        )
        return event_id

    def notify(
        self, event_id: int, people: list[Person], kind: str, msg_id: str, **extra: Any
    ) -> None:
        params: dict[str, Any] = {"tracking_no": self.tracking, "volunteer": self.name, **extra}
        text = json.dumps(params, ensure_ascii=False, sort_keys=True)
        sent = _utc(self.now + dt.timedelta(seconds=self.b.rng.uniform(0.5, 30)))
        at = _utc(self.now)
        tail = (1, "sent", 1, at, at, sent)
        for person in people:
            self.b.rows["outbox"].append(
                (next(self.b.outbox_id), person.id, self.id, event_id, kind, msg_id, text, *tail)
            )

    def to_members(self, event_id: int, kind: str, msg_id: str, **extra: Any) -> None:
        people = [m for m in self.foundation.members if m is not self.member]
        self.notify(event_id, people, kind, msg_id, **extra)

    def to_officers(self, event_id: int, kind: str, msg_id: str) -> None:
        people = self.b.officers[self.province] or self.b.officers[None]
        f = self.foundation
        self.notify(event_id, people, kind, msg_id, foundation=_lang(f.name_th, f.name_en))

    def upload(self, item: str, slot: int, revision: int) -> None:
        name = "photo.jpg" if item == "photo" else f"{item}.pdf"
        mime = "image/jpeg" if item == "photo" else "application/pdf"
        sha = _sha(self.id, item, slot, revision)
        row = [
            next(self.b.attachment_id),
            self.id,
            item,
            slot,
            revision,
            name,
            mime,
            self.b.rng.randint(80_000, 4_000_000),
            sha,
            f"BQAC{self.id:07d}{item[:3]}{slot}{revision}",
            self.member.id,
            _utc(self.now),
            None,
            None,
            None,
            None,
        ]
        self.b.rows["attachments"].append(row)
        self.attachments[(item, slot)] = row
        data = {"item": item, "slot": slot, "sha256": sha, "file_name": name}
        self.event("upload_attachment", self.member, data=data)

    def mark(self, verdict: str, rows: list[list[Any]], reason: str | None = None) -> list[int]:
        assert self.officer is not None
        for row in rows:
            row[12:16] = [verdict, reason, self.officer.id, _utc(self.now)]
        return [int(r[0]) for r in rows]

    # ----- the workflow -----------------------------------------------------------------------

    def play(self) -> None:
        with contextlib.suppress(_Stop):
            self._play()
        self._finish()

    def _documents(self) -> list[tuple[str, int]]:
        rng = self.b.rng
        wanted = [(i.key, 0) for i in self.b.checklist.required]
        if rng.random() < 0.2:
            wanted.append(("power_of_attorney", 0))
        if rng.random() < 0.35:
            wanted += [("other", n) for n in range(rng.choice((1, 1, 2)))]
        return wanted

    def _play(self) -> None:
        b, rng = self.b, self.b.rng
        self.at(self.created)
        self.event("create_draft", self.member, to=S.DRAFT)
        documents = self._documents()
        required = len(b.checklist.required)
        uploads = documents[: rng.randint(0, required - 1)] if self.draft else documents
        span = (self.submit_at - self.created) / (len(documents) + 1)
        for n, (item, slot) in enumerate(uploads, start=1):
            self.at(self.created + span * n)
            self.upload(item, slot, 1)
        if self.draft:
            return
        self.at(self.submit_at)
        self.submitted = self.now
        event = self.event("submit", self.member, to=S.AWAITING_CHECK)
        self.to_officers(event, "new_case", "notify.officer.new_case")
        self.to_members(event, "submitted", "notify.member.submitted")
        withdraw_at = rng.randint(1, 6) if rng.random() < 0.012 else 0
        # The preliminary check, perhaps a correction round.
        self.at(b.officer_step(self.now, b.wait(self.province, (0, 0, 1, 1, 1, 2, 2, 3, 4, 6))))
        self.officer = rng.choice(b.officers[self.province])
        self.event("claim", self.officer, data={"claimed_by": self.officer.id})
        if withdraw_at == 1:
            return self._withdraw()
        self.at(b.officer_step(self.now, 0))
        roll = rng.random()
        if roll < 0.03:
            reason = "The work described is paid employment, not volunteer work."
            event = self.event("return_not_eligible", self.officer, S.RETURNED, comment=reason)
            self.to_members(event, "returned", "notify.member.returned", reason=reason)
            return None
        if roll < 0.28:
            self._correction_round()
            if self.status is S.ABANDONED:
                return None
            self.at(b.officer_step(self.now, b.wait(self.province, (0, 1, 1, 2, 2, 3))))
            if withdraw_at == 2:
                return self._withdraw()
        rows = [r for r in self.attachments.values() if r[12] is None]
        ids = self.mark("complete", rows)
        self.event(
            "mark_attachment", self.officer, data={"verdict": "complete", "attachment_ids": ids}
        )
        self.receipt = b.receipt(self.province, self.now)
        event = self.event(
            "documents_complete",
            self.officer,
            S.AWAITING_CONSIDERATION,
            data={"receipt_no": self.receipt},
        )
        self.to_members(
            event,
            "documents_complete",
            "notify.member.documents_complete",
            comment="",
            receipt_no=self.receipt,
        )
        # Consideration.
        self.at(b.officer_step(self.now, b.wait(self.province, (0, 1, 1, 2, 2, 3, 4, 5))))
        if withdraw_at == 3:
            return self._withdraw()
        if rng.random() < 0.02:
            reason = "The work plan duplicates paid positions at the foundation."
            event = self.event("not_approve", self.officer, S.NOT_APPROVED, comment=reason)
            self.to_members(event, "not_approved", "notify.member.not_approved", reason=reason)
            return None
        ids = self.mark("correct", list(self.attachments.values()))
        self.event(
            "mark_attachment", self.officer, data={"verdict": "correct", "attachment_ids": ids}
        )
        self.at(b.officer_step(self.now, 0))
        event = self.event("approve", self.officer, S.AWAITING_ISSUANCE)
        self.to_members(event, "approved", "notify.member.approved", comment="")
        # Issuance: signing, the pickup appointment, the signed scan, completion.
        self.at(b.officer_step(self.now, b.wait(self.province, (0, 0, 1, 1, 2))))
        if withdraw_at == 4:
            return self._withdraw()
        event = self.event("send_for_signing", self.officer, S.AWAITING_SIGNATURE)
        self.to_members(event, "signing", "notify.member.sent_for_signing")
        self.at(b.officer_step(self.now, rng.choice((0, 1, 2))))
        pickup_day = b.days.after(self.now.date(), rng.randint(3, 8))
        pickup = dt.datetime.combine(pickup_day, rng.choice((dt.time(10), dt.time(13, 30))))
        place = OFFICE_PLACE + provinces.name_of(self.province, "th")
        appointment = self._appointment(pickup, place)
        data = {
            "when": (pickup.isoformat() + "+07:00"),
            "place": place,
            "place_en": None,
            "note": None,
            "appointment_id": appointment[0],
            "replaces": None,
        }
        event = self.event("schedule_pickup", self.officer, data=data)
        place_text = _lang(place, place)
        self.to_members(event, "pickup", "notify.member.pickup_scheduled", place=place_text)
        if rng.random() < 0.85:
            self.at(b.member_step(self.now, rng.uniform(0.5, 30)))
            appointment[4:9] = ["confirmed", *appointment[5:7], self.member.id, _utc(self.now)]
            event = self.event(
                "confirm_pickup", self.member, data={"appointment_id": appointment[0]}
            )
            self.to_officers(event, "pickup_confirmed", "notify.officer.pickup_confirmed")
        if withdraw_at == 5:
            return self._withdraw()
        self.at(max(self.now, pickup - dt.timedelta(days=rng.choice((0, 1, 2)), hours=1)))
        sha = _sha(self.id, "certificate")
        name = f"certificate-{self.tracking}.pdf"
        row = [next(b.attachment_id), self.id, "certificate", 0, 1, name, "application/pdf"]
        row += [rng.randint(100_000, 900_000), sha, "", self.officer.id, _utc(self.now)]
        b.rows["attachments"].append((*row, None, None, None, None))
        self.event("upload_certificate", self.officer, data={"sha256": sha, "file_name": name})
        self.at(max(self.now, pickup + dt.timedelta(minutes=rng.uniform(5, 90))))
        event = self.event("complete", self.officer, S.COMPLETED)
        self.to_members(event, "completed", "notify.member.completed", comment="", place=place_text)
        return None

    def _correction_round(self) -> None:
        b, rng = self.b, self.b.rng
        assert self.officer is not None
        documents = [k for k in self.attachments if k[0] != "other"]
        flagged = rng.sample(documents, rng.choice((1, 1, 1, 2)))
        items = []
        for key in flagged:
            reason = rng.choice(FLAG_REASONS)
            (attachment_id,) = self.mark("needs_correction", [self.attachments[key]], reason)
            data = {"attachment_id": attachment_id, "verdict": "needs_correction", "reason": reason}
            self.event("mark_attachment", self.officer, data=data)
            spec = b.checklist.get(key[0])
            items.append(
                {
                    "item": key[0],
                    "th": spec.name_th if spec else key[0],
                    "en": spec.name_en if spec else key[0],
                    "reason": reason,
                }
            )
        comment = "Please send the documents marked below again."
        event = self.event(
            "request_correction",
            self.officer,
            S.AWAITING_CORRECTION,
            data={"flagged": items},
            comment=comment,
        )
        self.to_members(event, "correction", "notify.member.correction_requested", comment=comment)
        waited = rng.lognormvariate(1.2, 0.9)  # days; median about 3.3, a long tail
        if waited >= b.reminders.abandon_after_days:
            self.at(self.now + dt.timedelta(days=b.reminders.abandon_after_days, hours=2))
            days = b.reminders.abandon_after_days
            event = self.event("close_abandoned", None, S.ABANDONED, data={"days": days})
            self.to_officers(event, "abandoned", "notify.officer.abandoned")
            return
        start = self.now
        for n, key in enumerate(flagged, start=1):
            self.at(start + dt.timedelta(days=waited * n / (len(flagged) + 1)))
            self.upload(key[0], key[1], 2)
        self.at(start + dt.timedelta(days=waited))
        event = self.event("resubmit", self.member, S.AWAITING_RECHECK, data={"changed_fields": []})
        self.to_officers(event, "resubmitted", "notify.officer.resubmitted")

    def _appointment(self, starts: dt.datetime, place: str) -> list[Any]:
        assert self.officer is not None
        row: list[Any] = [next(self.b.appointment_id), self.id, _utc(starts), place, "proposed"]
        row += [self.officer.id, _utc(self.now), None, None]
        self.b.rows["appointments"].append(row)
        return row

    def _withdraw(self) -> None:
        reason = "The volunteer cannot come after all."
        self.at(self.b.member_step(self.now, self.b.rng.uniform(1, 48)))
        event = self.event("withdraw", self.member, S.WITHDRAWN, comment=reason)
        self.to_officers(event, "withdrawn", "notify.officer.withdrawn")

    # ----- the case row and what the bot keeps beside it --------------------------------------

    def _finish(self) -> None:
        b = self.b
        details = {
            "full_name": self.name,
            "nationality": b.rng.choice(NATIONALITY),
            "passport_no": self.passport,
            "passport_expiry": (self.created.date() + dt.timedelta(days=1800)).isoformat(),
            "date_of_birth": dt.date(
                b.rng.randint(1960, 2002), b.rng.randint(1, 12), 14
            ).isoformat(),
            "sex": b.rng.choice(("m", "f")),
            "email": f"{self.name.split()[0].lower()}{self.id}@volunteer.example.org",
            "position": b.rng.choice(POSITIONS),
            "duties": "Teaching and community work with the foundation's programme, weekdays.",
            "work_address": "99 หมู่ 4 ตำบลในเมือง อำเภอเมือง",
            "work_province": self.province,
            "start_date": (self.created.date() + dt.timedelta(days=45)).isoformat(),
            "end_date": (self.created.date() + dt.timedelta(days=345)).isoformat(),
            "allowance": b.rng.random() < 0.3,
        }
        if self.draft:
            self._wizard_state(details)
        else:
            details["consent_at"] = _utc(self.created)
            details["consent_by"] = self.member.id
        clock = self.clock
        b.rows["cases"].append(
            (
                self.id,
                self.tracking,
                self.foundation.id,
                self.province,
                self.status.value,
                self.version,
                self.name,
                self.passport,
                json.dumps(details, ensure_ascii=False),
                self.receipt,
                self.officer.id if self.officer else None,
                self.member.id,
                _utc(self.created),
                _utc(self.submitted) if self.submitted else None,
                _utc(self.updated),
                _utc(self.closed) if self.closed else None,
                clock.stage.value if clock.stage else None,
                clock.base,
                clock.carried,
                clock.applicant_since.isoformat(timespec="microseconds")
                if clock.applicant_since
                else None,
            )
        )
        if self.status is S.AWAITING_CORRECTION and clock.applicant_since is not None:
            self._reminders_sent(clock.applicant_since)

    def _wizard_state(self, details: dict[str, Any]) -> None:
        """The member is in the application wizard, at the documents step (bot/persistence)."""
        b = self.b
        form = VolunteerForm.model_validate(
            {k: v for k, v in details.items() if k in VolunteerForm.model_fields}
        )
        uploaded = {item for item, _ in self.attachments}
        position = next(
            (n for n, i in enumerate(b.checklist.items) if i.key not in uploaded),
            len(b.checklist.items),
        )
        draft = ApplicationDraft(
            step="documents",
            form=form,
            consent_at=_utc_dt(self.created),
            case_id=self.id,
            item=position,
        )
        data = json.dumps(draft.model_dump(mode="json"), ensure_ascii=False)
        b.rows["drafts"].append((self.member.id, "application", data, _utc(self.updated)))
        key = json.dumps([self.member.id, self.member.id], separators=(",", ":"))
        b.rows["ptb_state"].append(("conversation:foundation", key, '"applying"'))

    def _reminders_sent(self, since_utc: dt.datetime) -> None:
        """Applicant reminders due on earlier days were sent then (``ReminderService``)."""
        b = self.b
        since = (since_utc.replace(tzinfo=None) + BKK).date()
        last_day = b.as_of_local.date()  # the scans of that day have run
        for step in applicant_steps((last_day - since).days, b.reminders):
            key = f"{step.step.value}:{step.day}:{self.id}:{since.isoformat()}"
            sent = dt.datetime.combine(since + dt.timedelta(days=step.day), dt.time(9, 0, 5))
            b.rows["reminder_log"].append((key, step.step.value, self.id, None, _utc(sent)))


# ----- the cache ------------------------------------------------------------------------------


def _cache_key(cases: int, foundations: int) -> str:
    digest = hashlib.sha256(f"seed {SEED_VERSION}".encode())
    for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
        digest.update(path.name.encode() + path.read_bytes())
    digest.update(f"{cases}:{foundations}".encode())
    return digest.hexdigest()[:12]


async def _schema(path: Path) -> None:
    db = await Database.open(path)
    try:
        await migrate(db)
    finally:
        await db.close()


def build(path: Path, cases: int, foundations: int, as_of: dt.datetime) -> dict[str, int]:
    """Create the schema with the bot's migrations, then insert the seeded history."""
    asyncio.run(_schema(path))
    builder = _Builder(cases, foundations, as_of)
    builder.people()
    builder.cases()
    return builder.write(path)


def ensure_seeded(
    cases: int = 100_000, foundations: int = 2_000, *, rebuild: bool = False
) -> Seeded:
    """The cached database for these sizes, built first if missing, stale or asked for."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    key = _cache_key(cases, foundations)
    path = CACHE_DIR / f"seed-{key}.sqlite3"
    meta_path = path.with_suffix(".json")
    now = dt.datetime.now(dt.UTC)
    if not rebuild and path.exists() and meta_path.exists():
        meta = json.loads(meta_path.read_text())
        as_of = dt.datetime.fromisoformat(meta["as_of"])
        if now - as_of < MAX_AGE:
            return Seeded(path, as_of, meta["seconds"], True, meta["counts"], path.stat().st_size)
    # This key's old files, and any cache nobody has used for a while (1.5 GB each).
    stale = time.time() - MAX_AGE.total_seconds()
    for old in CACHE_DIR.glob("seed-*"):
        if old.name.startswith(path.stem) or old.stat().st_mtime < stale:
            old.unlink()
    as_of = now.replace(microsecond=0)
    partial = path.with_suffix(".partial")
    started = time.perf_counter()
    counts = build(partial, cases, foundations, as_of)
    seconds = time.perf_counter() - started
    partial.rename(path)
    meta = {"as_of": as_of.isoformat(), "seconds": seconds, "counts": counts}
    meta_path.write_text(json.dumps(meta))
    return Seeded(path, as_of, seconds, False, counts, path.stat().st_size)


def seeded_copy(seeded: Seeded, data_dir: Path) -> Path:
    """A data directory (``CERTBOT_DATA_DIR``) holding a fresh copy of the seeded database."""
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    (data_dir / "files").mkdir(exist_ok=True, mode=0o700)
    target = data_dir / DB_NAME
    shutil.copyfile(seeded.path, target)
    # On disk before anything is measured: otherwise the bot's first WAL checkpoint (its
    # fsync) also writes out the 1.5 GB the copy left in the page cache, a third of a second.
    with target.open("rb+") as copy:
        os.fsync(copy.fileno())
    return data_dir


def describe(seeded: Seeded) -> str:
    how = "reused from cache (built in" if seeded.reused else "built in"
    tail = ")" if seeded.reused else ""
    return (
        f"seeded database: {seeded.path} ({seeded.bytes / 1e6:.0f} MB), {how} "
        f"{seeded.seconds:.1f} s{tail}, history up to {seeded.as_of:%Y-%m-%d %H:%M} UTC"
    )


def status_summary(path: Path) -> list[tuple[str, int]]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [
            (str(s), int(n))
            for s, n in conn.execute(
                "SELECT status, COUNT(*) FROM cases GROUP BY status ORDER BY COUNT(*) DESC"
            )
        ]
    finally:
        conn.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--foundations", type=int, default=2_000)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    seeded = ensure_seeded(args.cases, args.foundations, rebuild=args.rebuild)
    print(describe(seeded))
    for table, count in seeded.counts.items():
        print(f"  {table:<20} {count:>10,}")
    print("cases by status:")
    for status, count in status_summary(seeded.path):
        print(f"  {status:<24} {count:>8,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
