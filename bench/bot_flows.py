"""In-bot handling time per update at 100,000 cases, through the fake Bot API, beside a bare echo.

    python bench/bot_flows.py [--iterations 200] [--warmup 20]

The real application (``BotUnderTest``: ``bot.app.running`` against ``FakeTelegram`` on
127.0.0.1) runs on a copy of the seeded database (``bench/seed.py``), and beside it a bare
echo bot against a second ``FakeTelegram`` in the same process. The flows take turns, one
update each (so that whatever else the machine does at a given moment hits them all alike);
each update is sent alone, the bot's handling awaited, then 30 ms of pause (so PTB's rate
limiter never holds a request back and the bot is idle in ``getUpdates`` when the next one
comes). The first ``--warmup`` rounds are not counted. The flows:

- ``/dashboard`` by an officer of Bangkok (the busiest province) and by a central officer
  (every province);
- a queue page: pressing "next" on the waiting-for-officer list (wrapping to the first page
  after the last), same two officers; the central office's completed list from its first page
  on (newest first since issue 17: the recent cases people look for); and, as a worst case,
  paging that list near its end (about 90,000 cases deep, now the oldest cases);
- a case view: "open" on a Bangkok case waiting for an officer (a different case each time);
- one submission-wizard step: a member (a different one each time, each after ``/new``) types
  the volunteer's full name, which is checked, saved in the draft and answered with the next
  question;
- a bare echo bot: a minimal PTB ``Application`` with one ``MessageHandler`` that replies,
  against the same ``FakeTelegram``.

Per update it reports, median and 99th percentile, in milliseconds:

- in-bot: from the start of ``Application.process_update`` to the end of the last handler
  group (identify, feature, persistence), *minus* the time spent waiting for Bot API responses
  (measured around ``HTTPXRequest.do_request``): the bot's own work;
- in-bot incl. API: the same without that subtraction (the fake answers on the same event
  loop, so this includes its work);
- end-to-end: from the update being queued at the fake to the last Bot API call the bot made
  for it being recorded there (long-poll wake-up, PTB parsing, handling, replies).

It also gives, per update (medians): Bot API calls; SQL statements (``execute``/``executemany``);
hops to aiosqlite's database thread (each execute, fetch and cursor close is one) and the time
spent waiting for them ("DB ms", part of the in-bot time).
Scheduled reminders are off (as in the test harness) and the outbox runs every 2 s (the
default); nothing in these flows queues notifications.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import contextvars
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiosqlite
from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters
from telegram.request import HTTPXRequest

from bench.common import load, machine, median, ms, percentile
from bench.seed import describe, ensure_seeded, seeded_copy
from bot.testing.fake_telegram import FakeEvent, FakeTelegram, FakeUser
from bot.testing.harness import BotUnderTest
from handlers.officer import buttons as oc

PACE = 0.03
PROVINCE = "10"  # Bangkok: the most cases of any province


@dataclass
class Sample:
    total: float = 0.0
    api: float = 0.0
    api_calls: int = 0
    sql: int = 0
    db: float = 0.0
    hops: int = 0
    e2e: float = 0.0

    @property
    def own(self) -> float:
        return self.total - self.api


_CURRENT: contextvars.ContextVar[Sample | None] = contextvars.ContextVar("sample", default=None)


def instrument() -> None:
    """Time Bot API waits and count SQL statements of the update being handled (bench only)."""
    do_request = HTTPXRequest.do_request

    async def timed_request(self: HTTPXRequest, *args: Any, **kwargs: Any) -> Any:
        sample = _CURRENT.get()
        start = time.perf_counter()
        try:
            return await do_request(self, *args, **kwargs)
        finally:
            if sample is not None:
                sample.api += time.perf_counter() - start
                sample.api_calls += 1

    HTTPXRequest.do_request = timed_request  # type: ignore[method-assign]

    def counting(method: Any) -> Any:
        def counted(self: aiosqlite.Connection, *args: Any, **kwargs: Any) -> Any:
            sample = _CURRENT.get()
            if sample is not None:
                sample.sql += 1
            return method(self, *args, **kwargs)

        return counted

    aiosqlite.Connection.execute = counting(aiosqlite.Connection.execute)  # type: ignore[method-assign]
    aiosqlite.Connection.executemany = counting(aiosqlite.Connection.executemany)  # type: ignore[method-assign]
    run_in_thread = aiosqlite.Connection._execute

    async def timed_db(self: aiosqlite.Connection, *args: Any, **kwargs: Any) -> Any:
        sample = _CURRENT.get()
        start = time.perf_counter()
        try:
            return await run_in_thread(self, *args, **kwargs)
        finally:
            if sample is not None:
                sample.db += time.perf_counter() - start
                sample.hops += 1

    aiosqlite.Connection._execute = timed_db  # type: ignore[method-assign]


class Driver:
    """Sends one update at a time and measures it (``process_update`` is wrapped)."""

    def __init__(self, fake: FakeTelegram) -> None:
        self.fake = fake
        self.done = asyncio.Event()
        self.last: Sample | None = None
        self.last_request = 0.0
        fake.add_listener(self._on_event)

    def _on_event(self, event: FakeEvent) -> None:
        if event.kind == "request" and event.data.method != "getUpdates":
            self.last_request = time.perf_counter()

    def attach(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        original = application.process_update

        async def timed(update: object) -> None:
            sample = Sample()
            token = _CURRENT.set(sample)
            start = time.perf_counter()
            try:
                await original(update)
            finally:
                sample.total = time.perf_counter() - start
                _CURRENT.reset(token)
                self.last = sample
                self.done.set()

        application.process_update = timed  # type: ignore[method-assign]

    async def one(self, act: Callable[[], Awaitable[object]]) -> Sample:
        self.done.clear()
        start = time.perf_counter()
        await act()
        await asyncio.wait_for(self.done.wait(), 30)
        sample = self.last
        assert sample is not None
        sample.e2e = self.last_request - start
        await asyncio.sleep(PACE)
        return sample


@dataclass
class Flow:
    name: str
    driver: Driver
    act: Callable[[int], Awaitable[object]]
    """Sends the ``n``-th update of the flow."""
    samples: list[Sample] = field(default_factory=list)


async def interleaved(flows: list[Flow], iterations: int, warmup: int) -> None:
    """One update of each flow in turn, so a noisy moment on the machine hits all alike."""
    for n in range(iterations + warmup):
        for flow in flows:
            sample = await flow.driver.one(lambda flow=flow, n=n: flow.act(n))
            if n >= warmup:
                flow.samples.append(sample)


# ----- people and cases from the seeded database --------------------------------------------


@dataclass(frozen=True)
class Cast:
    officer: tuple[int, str, str | None]
    central: tuple[int, str, str | None]
    members: list[tuple[int, str, str | None]]
    cases: list[int]
    waiting: int
    waiting_all: int
    completed_all: int


def cast(db: Path, count: int) -> Cast:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        person = "SELECT id, display_name, telegram_language FROM users"
        officer = conn.execute(
            f"{person} WHERE role = 'officer' AND province = ? ORDER BY id", (PROVINCE,)
        ).fetchone()
        central = conn.execute(
            f"{person} WHERE role = 'officer' AND province IS NULL ORDER BY id"
        ).fetchone()
        members = conn.execute(
            f"{person} WHERE role = 'member' AND id NOT IN (SELECT user_id FROM drafts) ORDER BY id"
        ).fetchall()
        cases = [
            int(r[0])
            for r in conn.execute(
                "SELECT id FROM cases WHERE province = ? AND bucket = 'waiting_for_officer'",
                (PROVINCE,),
            )
        ]
        waiting_all, completed_all = (
            conn.execute("SELECT COUNT(*) FROM cases WHERE bucket = ?", (bucket,)).fetchone()[0]
            for bucket in ("waiting_for_officer", "completed")
        )
    finally:
        conn.close()
    rng = random.Random(1)
    return Cast(
        officer=tuple(officer),
        central=tuple(central),
        members=rng.sample(members, count),
        cases=rng.sample(cases, min(count, len(cases))) * (count // len(cases) + 1),
        waiting=len(cases),
        waiting_all=int(waiting_all),
        completed_all=int(completed_all),
    )


def fake_user(fake: FakeTelegram, who: tuple[int, str, str | None]) -> FakeUser:
    # The same name and language as stored, so ``identify`` has nothing to write.
    return fake.user(who[0], first_name=who[1], language_code=who[2])


# ----- the flows ------------------------------------------------------------------------------


def pager(
    user: FakeUser, bucket: str, message_id: int, start: int = 0, first: int = 0
) -> Callable[[int], Awaitable[object]]:
    """Each call presses "next" on the queue message (back to ``first`` after the last page)."""
    page = start

    async def press(n: int) -> object:
        nonlocal page
        message = user.fake.message(user.id, message_id)
        assert message is not None
        wanted = oc.Queue(bucket=bucket, page=page + 1).pack()
        buttons = [data for row in message.buttons for _, data in row]
        page = page + 1 if wanted in buttons else first
        return await user.press_data(oc.Queue(bucket=bucket, page=page).pack(), message_id)

    return press


async def bot_flows(fake: FakeTelegram, bot: BotUnderTest, who: Cast, total: int) -> list[Flow]:
    """The flows of the real bot, after the untimed steps that set them up."""
    driver = Driver(fake)
    driver.attach(bot.application)
    officer, central = fake_user(fake, who.officer), fake_user(fake, who.central)

    async def board(user: FakeUser, bucket: str | None = None) -> int:
        """A new dashboard message (showing the first page of ``bucket``): its id."""
        await driver.one(lambda: user.send_command("dashboard"))
        message = user.last_message()
        assert message is not None
        if bucket is not None:
            first = oc.Queue(bucket=bucket, page=0).pack()
            await driver.one(lambda: user.press_data(first, message.message_id))
        return message.message_id

    waiting = "waiting_for_officer"
    officer_list, central_list = await board(officer, waiting), await board(central, waiting)
    # The worst case: the central office's completed list, near its end (OFFSET ~90,000): since
    # issue 17 the oldest cases there, the list being newest first.
    deep = max(1, who.completed_all // 8 - total - 1)
    deep_list = await board(central)
    # The page people want: the completed list's first pages, the most recently closed cases.
    recent_list = await board(central)
    members = [fake_user(fake, m) for m in who.members]
    for member in members:  # each starts an application: untimed
        await driver.one(lambda member=member: member.send_command("new"))

    def command(user: FakeUser, name: str) -> Callable[[int], Awaitable[object]]:
        return lambda n: user.send_command(name)

    def open_case(n: int) -> Awaitable[object]:
        data = oc.OpenCase(case=who.cases[n]).pack()
        return officer.press_data(data, officer_list)

    def type_name(n: int) -> Awaitable[object]:
        return members[n].send_text("JOHN SMITH")

    return [
        Flow("dashboard (Bangkok officer)", driver, command(officer, "dashboard")),
        Flow("dashboard (central officer)", driver, command(central, "dashboard")),
        Flow("queue page (Bangkok officer)", driver, pager(officer, waiting, officer_list)),
        Flow("queue page (central officer)", driver, pager(central, waiting, central_list)),
        Flow(
            "queue page, completed newest first (central)",
            driver,
            pager(central, "completed", recent_list, start=-1, first=0),
        ),
        Flow(
            "queue page, completed ~90k deep (central)",
            driver,
            pager(central, "completed", deep_list, start=deep - 1, first=deep),
        ),
        Flow("case view (Bangkok officer)", driver, open_case),
        Flow("wizard step (member types a field)", driver, type_name),
    ]


class EchoApplication(Application[Any, Any, Any, Any, Any, Any]):
    """PTB's Application, with an instance dict so that ``process_update`` can be wrapped."""


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(update.effective_message.text or "?")


@contextlib.asynccontextmanager
async def echo_bot(fake: FakeTelegram) -> AsyncIterator[Flow]:
    """A minimal PTB Application with one MessageHandler that replies, polling ``fake``."""
    application = fake.application_builder().application_class(EchoApplication).build()
    application.add_handler(MessageHandler(filters.TEXT, echo))
    driver = Driver(fake)
    driver.attach(application)
    user = fake.user(9_999_001, first_name="Echo")
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            yield Flow(
                "bare echo (PTB, one MessageHandler)",
                driver,
                lambda n: user.send_text(f"hello {n}"),
            )
        finally:
            await application.updater.stop()
            await application.stop()


# ----- report ---------------------------------------------------------------------------------


def report(flows: list[Flow], echo: Flow) -> None:
    head = (
        f"{'flow':<44} {'n':>4}  {'in-bot med':>10} {'p99':>7}  {'incl. API':>9} {'p99':>7}"
        f"  {'end-to-end':>10} {'p99':>7}  {'API':>4} {'SQL':>4} {'hops':>4} {'DB ms':>6}"
        f"  {'x echo':>6} {'(incl.)':>7}"
    )
    print(head)
    print("-" * len(head))
    base_own = median([s.own for s in echo.samples])
    base_total = median([s.total for s in echo.samples])
    for flow in [echo, *flows]:
        s = flow.samples
        own, total, e2e = [x.own for x in s], [x.total for x in s], [x.e2e for x in s]
        print(
            f"{flow.name:<44} {len(s):>4}  {ms(median(own)):>10} {ms(percentile(own, 99)):>7}"
            f"  {ms(median(total)):>9} {ms(percentile(total, 99)):>7}"
            f"  {ms(median(e2e)):>10} {ms(percentile(e2e, 99)):>7}"
            f"  {median([x.api_calls for x in s]):>4.0f} {median([x.sql for x in s]):>4.0f}"
            f" {median([x.hops for x in s]):>4.0f} {ms(median([x.db for x in s])):>6}"
            f"  {median(own) / base_own:>6.1f} {median(total) / base_total:>7.1f}"
        )
    print("(milliseconds; in-bot excludes Bot API waits; x echo = median / echo's median)")


async def main(iterations: int, warmup: int) -> int:
    seeded = ensure_seeded()
    print(describe(seeded))
    print(f"machine: {machine()}")
    instrument()
    total = iterations + warmup
    with tempfile.TemporaryDirectory(prefix="certbot-bench-") as tmp:
        data_dir = seeded_copy(seeded, Path(tmp) / "data")
        who = cast(data_dir / "bot.sqlite3", total)
        print(
            f"Bangkok: {who.waiting} cases waiting for an officer; every province: "
            f"{who.waiting_all} waiting, {who.completed_all} completed"
        )
        # Two fakes of the same kind, one per bot: both poll at once, so the updates of all
        # the flows can take turns and share whatever else the machine is doing.
        async with (
            FakeTelegram() as fake,
            FakeTelegram() as echo_fake,
            BotUnderTest.start(fake, data_dir, outbox_interval_seconds=2.0) as bot,
            echo_bot(echo_fake) as echo,
        ):
            flows = await bot_flows(fake, bot, who, total)
            await interleaved([echo, *flows], iterations, warmup)
    print(f"at the end: {load()}")
    report(flows, echo)
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.iterations, args.warmup)))
