"""Start-up time and resident memory of ``python -m bot`` on the seeded database.

    python bench/startup_memory.py [--starts 5] [--cases 200]

The bot runs as in production: ``python -m bot`` in its own process, settings from
``CERTBOT_*`` variables (defaults otherwise: reminders on, outbox every 2 s), its data directory
a copy of the seeded database (``bench/seed.py``), Telegram replaced by ``FakeTelegram`` in this
process on 127.0.0.1.

- start-up: from spawning the process to the fake recording its first ``getUpdates``, several
  times (each start stops the previous bot with SIGTERM first, as systemd or Docker would);
- memory: the resident set size (``VmRSS`` in ``/proc/<pid>/status``) right after start-up, and
  again after warming up the flows people use (officer dashboards, queue pages including the
  last one, ``--cases`` case views, members starting an application and typing into it), with
  the reminder scan run meanwhile (its thousands of reminders are held by quiet hours set to
  the whole day, so that each reply waited for is the bot's answer); ``VmHWM`` is the peak.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import sqlite3
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import load, machine, median
from bench.seed import describe, ensure_seeded, seeded_copy
from bot.testing.fake_telegram import FakeEvent, FakeTelegram, FakeUser
from handlers.officer import buttons as oc

ROOT = Path(__file__).resolve().parent.parent
STARTUP_TARGET = 2.0
MEMORY_TARGET_MB = 200
REPLIES = frozenset({"sendMessage", "editMessageText", "sendDocument"})


def status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


class Watcher:
    """Timestamps of what the bot asks the fake for, to wait on."""

    def __init__(self, fake: FakeTelegram) -> None:
        self.waiting: tuple[int, asyncio.Event] | None = None
        fake.add_listener(self._on_event)

    def _on_event(self, event: FakeEvent) -> None:
        if (
            event.kind == "request"
            and self.waiting is not None
            and event.chat_id == self.waiting[0]
            and event.data.method in REPLIES
        ):
            self.waiting[1].set()

    async def exchange(self, user: FakeUser, act: Callable[[], Awaitable[object]]) -> None:
        """Send one update and wait for the bot's reply in that chat."""
        replied = asyncio.Event()
        self.waiting = (user.id, replied)
        await act()
        await asyncio.wait_for(replied.wait(), 30)
        self.waiting = None


async def spawn(fake: FakeTelegram, data_dir: Path, workdir: Path) -> asyncio.subprocess.Process:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(ROOT),
        "CERTBOT_BOT_TOKEN": fake.token,
        "CERTBOT_API_BASE_URL": fake.base_url,
        "CERTBOT_API_FILE_URL": fake.file_url,
        "CERTBOT_DATA_DIR": str(data_dir),
        # The reminder scan runs (and queues the day's reminders), but they wait as in the
        # night: a reminder to an officer would otherwise pass for the reply we wait for.
        "CERTBOT_QUIET_HOURS_START": "00:00",
        "CERTBOT_QUIET_HOURS_END": "23:59",
    }
    with (workdir / "bot.log").open("ab") as log:  # the bot logs to stderr
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            cwd=workdir,  # no .env there
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=log,
        )


async def stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(process.wait(), 30)
    except TimeoutError:
        process.kill()
        await process.wait()


async def start(
    fake: FakeTelegram, data_dir: Path, workdir: Path
) -> tuple[asyncio.subprocess.Process, float]:
    """Spawn the bot; how long until its first ``getUpdates`` reached the fake.

    The fake records a call when it answers, which for a long poll is up to its timeout later,
    so the arrival is read from ``last_poll_time`` (``time.monotonic()`` when it came in).
    """
    fake.last_poll_time = None
    began = time.monotonic()
    process = await spawn(fake, data_dir, workdir)
    while fake.last_poll_time is None:
        if process.returncode is not None:
            error = (workdir / "bot.log").read_text(errors="replace")
            raise RuntimeError(f"the bot exited with {process.returncode}:\n{error[-3000:]}")
        await asyncio.sleep(0.001)
    return process, fake.last_poll_time - began


def people(
    db: Path, cases: int
) -> tuple[list[tuple[int, str, str | None]], list[int], list[tuple[int, str, str | None]]]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        person = "SELECT id, display_name, telegram_language FROM users"
        officers = conn.execute(
            f"{person} WHERE role = 'officer' AND (province = '10' OR province IS NULL)"
            " ORDER BY province IS NULL, id LIMIT 2"
        ).fetchall()
        case_ids = [
            int(r[0])
            for r in conn.execute(
                "SELECT id FROM cases WHERE province = '10' AND status <> 'draft'"
            )
        ]
        members = conn.execute(
            f"{person} WHERE role = 'member' AND id NOT IN (SELECT user_id FROM drafts)"
        ).fetchall()
    finally:
        conn.close()
    rng = random.Random(3)
    return officers, rng.sample(case_ids, cases), rng.sample(members, 50)


async def warm_up(fake: FakeTelegram, watcher: Watcher, db: Path, cases: int) -> None:
    officers, case_ids, members = people(db, cases)
    for officer_id, name, lang in officers:
        user = fake.user(officer_id, first_name=name, language_code=lang)
        for _ in range(5):
            await watcher.exchange(user, lambda user=user: user.send_command("dashboard"))
        board = user.last_message()
        assert board is not None
        pages = [("waiting_for_officer", p) for p in range(10)] + [
            ("completed", p) for p in range(10)
        ]
        pages.append(("completed", 11_000))  # past the end: the last page
        for bucket, page in pages:
            data = oc.Queue(bucket=bucket, page=page).pack()
            await watcher.exchange(
                user,
                lambda user=user, data=data, at=board.message_id: user.press_data(data, at),
            )
    officer = fake.user(officers[0][0], first_name=officers[0][1], language_code=officers[0][2])
    board = officer.last_message()
    assert board is not None
    for case_id in case_ids:
        data = oc.OpenCase(case=case_id).pack()
        await watcher.exchange(
            officer, lambda data=data: officer.press_data(data, board.message_id)
        )
    for member_id, name, lang in members:
        member = fake.user(member_id, first_name=name, language_code=lang)
        await watcher.exchange(member, lambda member=member: member.send_command("new"))
        for text in ("JOHN SMITH", "British", "GB1234567"):
            await watcher.exchange(member, lambda member=member, text=text: member.send_text(text))


async def main(starts: int, cases: int) -> int:
    seeded = ensure_seeded()
    print(describe(seeded))
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="certbot-bench-") as tmp:
        data_dir = seeded_copy(seeded, Path(tmp) / "data")
        async with FakeTelegram() as fake:
            watcher = Watcher(fake)
            times = []
            for n in range(starts):
                process, seconds = await start(fake, data_dir, Path(tmp))
                times.append(seconds)
                print(f"start {n + 1}: first getUpdates after {seconds:.3f} s")
                if n < starts - 1:
                    await stop(process)
            try:
                await asyncio.sleep(1.0)
                idle = status_kb(process.pid, "VmRSS")
                print(f"resident memory after start-up: {idle / 1024:.1f} MB")
                began = time.perf_counter()
                await warm_up(fake, watcher, data_dir / "bot.sqlite3", cases)
                await asyncio.sleep(2.0)
                rss, peak = status_kb(process.pid, "VmRSS"), status_kb(process.pid, "VmHWM")
                print(
                    f"resident memory after warming up ({time.perf_counter() - began:.0f} s,"
                    f" {len(fake.requests)} Bot API calls): {rss / 1024:.1f} MB,"
                    f" peak {peak / 1024:.1f} MB"
                )
            finally:
                await stop(process)
    print(f"at the end: {load()}")
    print(
        f"start-up to first getUpdates: median {median(times):.3f} s, max {max(times):.3f} s "
        f"(target {STARTUP_TARGET:.0f} s: {'met' if max(times) < STARTUP_TARGET else 'MISSED'})"
    )
    print(
        f"resident memory: {rss / 1024:.1f} MB after warm-up, peak {peak / 1024:.1f} MB "
        f"(target {MEMORY_TARGET_MB} MB: {'met' if peak / 1024 < MEMORY_TARGET_MB else 'MISSED'})"
    )
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--cases", type=int, default=200)
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.starts, args.cases)))
