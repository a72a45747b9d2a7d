"""``python -m bot backup`` while the bot runs and writes, ``restore`` into a new data directory,
and a new bot brought up from it with every case, event, user and stored file intact."""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
import stat
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.backup import MANIFEST, BackupError, Manifest, backup, restore, verify
from bot.i18n import Translator
from bot.services.volunteer_form import VOLUNTEER_FIELDS
from bot.testing.fake_telegram import FakeTelegram
from bot.testing.harness import BotUnderTest
from tests.conftest import World, seed_world
from tests.foundation_steps import submitted_case, tr, volunteer_answers
from tests.process_support import BotProcess, Person, clean_env, read_db

ENV = {
    "CERTBOT_OUTBOX_INTERVAL_SECONDS": "0.1",
    "CERTBOT_OUTBOX_PER_SECOND": "1000",
    "CERTBOT_OUTBOX_PER_CHAT_INTERVAL": "0",
    "CERTBOT_REMINDERS_ENABLED": "false",
}
VOLUNTEERS = ("ANNA MARIA SCHMIDT", "JOHN PAUL SMITH", "MARIE CLAIRE DUPONT")
# What must come back exactly; users are left out as their rows change on every update.
COMPARED = ("foundations", "cases", "case_events", "attachments", "privacy_acceptances")


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


@dataclass
class Seeded:
    world: World
    answers: dict[str, str]
    t: Translator


async def seed(fake: FakeTelegram, data: Path) -> Seeded:
    """Three submitted cases with their documents, and a member free to start another."""
    async with BotUnderTest.start(fake, data) as bot:
        world = await seed_world(bot.services.db, bot.services.clock())
        await bot.services.foundations.accept_privacy(world.member)
        for name in VOLUNTEERS:
            await submitted_case(bot, world.member, name)
        await bot.settle()
        return Seeded(world, volunteer_answers(bot), tr(bot, "en"))


async def cli(*args: str, data: Path) -> tuple[int, str, str]:
    """``python -m bot ARGS`` with nothing but the data directory set: no token."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=data.parent,
        env=clean_env(CERTBOT_DATA_DIR=str(data)),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def rows(database: Path, table: str) -> list[tuple[object, ...]]:
    conn = read_db(database)
    try:
        return [tuple(r) for r in conn.execute(f"SELECT * FROM {table} ORDER BY rowid")]
    finally:
        conn.close()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_private(root: Path) -> None:
    """Readable by the service's user only: 0700 directories, 0600 files."""
    for path in [root, *root.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), f"{path}: {oct(mode)}"


async def test_a_backup_taken_while_the_bot_writes_brings_up_a_new_bot_with_everything(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    data, dest, restored = tmp_path / "data", tmp_path / "backup", tmp_path / "restored"
    seeded = await seed(fake, data)
    world, answers, t = seeded.world, seeded.answers, seeded.t
    member = Person(fake, fake.user(world.member, "Anna", language_code="en"))

    # The member fills in a new application while the backup is taken.
    running = await BotProcess.start(fake, data, env=ENV)
    await member.command("new")
    taking = asyncio.create_task(cli("backup", str(dest), data=data))
    typed = 0
    # However long the backup takes, the field after the last one typed is a typed one too
    # (the sixth question is answered with a button).
    for spec in VOLUNTEER_FIELDS[:4]:
        if taking.done() and typed:
            break
        await member.say(answers[spec.key])
        typed += 1
    code, out, err = await taking
    assert code == 0 and err == "", err
    assert out.startswith(f"backup: {dest}: schema ") and "3 cases" in out
    await member.say(answers[VOLUNTEER_FIELDS[typed].key])  # and goes on after it
    await running.stop()

    # The copy: whole, private, and what its manifest says.
    assert_private(dest)
    manifest = Manifest.model_validate_json((dest / MANIFEST).read_bytes())
    copy = dest / "bot.sqlite3"
    assert manifest.database_sha256 == sha256(copy)
    conn = read_db(copy)
    try:
        assert [tuple(r) for r in conn.execute("PRAGMA integrity_check")] == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        for table, count in manifest.counts.items():
            assert conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == count
        hashes = {r[0] for r in conn.execute("SELECT sha256 FROM attachments")}
    finally:
        conn.close()
    assert manifest.counts["cases"] == 3 and manifest.files == len(hashes) > 0
    # Nothing that existed before the backup is missing or different in it.
    for table in COMPARED:
        assert rows(copy, table) == rows(data / "bot.sqlite3", table), table

    # Restored into a new directory, by the command a person would type.
    code, out, err = await cli("restore", str(dest), data=restored)
    assert code == 0 and err == "" and out.startswith(f"restore: {restored}: "), err
    assert_private(restored)
    assert sha256(restored / "bot.sqlite3") == manifest.database_sha256
    for digest in hashes:
        assert sha256(restored / "files" / digest[:2] / digest) == digest

    # A new bot on a new Telegram: the cases are there, a document comes from the restored
    # files, and the application in progress resumes where the backup caught it.
    async with FakeTelegram() as fresh:
        member = Person(fresh, fresh.user(world.member, "Anna", language_code="en"))
        officer = Person(fresh, fresh.user(world.officer, "Somchai", language_code="th"))
        bot = await BotProcess.start(fresh, restored, env=ENV)
        listing = await member.command("cases")
        cases = rows(restored / "bot.sqlite3", "cases")
        tracking = sorted(str(c[1]) for c in cases)
        assert all(number in listing for number in tracking), listing
        await officer.command("find", tracking[0])
        view = await officer.press(f"1. {tracking[0]}")
        first = next(b for b in officer.buttons if b.startswith("1. "))
        await officer.press(first)
        [document] = [m for m in fresh.messages(world.officer) if m.kind == "document"]
        assert document.document is not None
        assert hashlib.sha256(document.document).hexdigest() in hashes
        assert tracking[0] in view
        resumed = await member.command("continue")
        asked = [spec for spec in VOLUNTEER_FIELDS if t.t(spec.prompt) in resumed]
        # Wherever the snapshot caught it: after /new, and no further than was typed.
        assert len(asked) == 1 and VOLUNTEER_FIELDS.index(asked[0]) <= typed
        await bot.stop()


async def test_restore_refuses_a_used_data_dir_unless_forced_and_never_under_a_running_bot(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    data, dest = tmp_path / "data", tmp_path / "backup"
    await seed(fake, data)
    backup(data, dest)

    code, _, err = await cli("restore", str(dest), data=data)
    assert code == 1 and len(err.strip().splitlines()) == 1 and "--force" in err

    running = await BotProcess.start(fake, data, env=ENV)
    code, _, err = await cli("restore", str(dest), "--force", data=data)
    assert code == 1 and "stop the bot" in err and "Traceback" not in err
    await running.stop()

    code, _, err = await cli("restore", str(dest), "--force", data=data)
    assert code == 0 and err == "", err
    [kept] = data.glob("bot.sqlite3.replaced-*")  # the replaced database is set aside
    assert rows(kept, "cases") == rows(data / "bot.sqlite3", "cases")
    assert_private(data)


async def test_a_damaged_or_incomplete_backup_is_refused(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    data, dest = tmp_path / "data", tmp_path / "backup"
    await seed(fake, data)
    with pytest.raises(BackupError, match="no database"):
        backup(tmp_path / "nowhere", tmp_path / "b0")
    manifest = backup(data, dest)
    with pytest.raises(BackupError, match="not empty"):
        backup(data, dest)
    assert verify(dest)[0] == manifest

    # A stored file that does not match its name.
    stored = next((dest / "files").rglob("*/*"))
    original = stored.read_bytes()
    stored.write_bytes(original + b"!")
    with pytest.raises(BackupError, match="missing or damaged"):
        restore(dest, tmp_path / "r1")
    assert not (tmp_path / "r1").exists(), "nothing is written before the backup is checked"
    stored.write_bytes(original)

    # A database copy changed after the manifest was written.
    with sqlite3.connect(dest / "bot.sqlite3") as conn:
        conn.execute("UPDATE cases SET volunteer_name = 'SOMEONE ELSE'")
    conn.close()
    with pytest.raises(BackupError, match="SHA-256"):
        restore(dest, tmp_path / "r2")

    # No manifest: the backup never finished.
    (dest / MANIFEST).unlink()
    with pytest.raises(BackupError, match="not a \\(complete\\) backup"):
        restore(dest, tmp_path / "r3")

    # A stored file missing from the data directory stops the backup, naming it.
    victim = next((data / "files").rglob("*/*"))
    victim.unlink()
    with pytest.raises(BackupError, match=victim.name):
        backup(data, tmp_path / "b1")
