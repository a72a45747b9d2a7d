"""``python -m bot backup DEST_DIR`` and ``python -m bot restore BACKUP_DIR [--force]``.

A backup is a directory, readable by the service's user only::

    bot.sqlite3     the database as it was at one moment (SQLite's online backup API)
    files/ab/ab…    every stored file an attachment row of that copy refers to
    manifest.json   when, schema version, row counts, size and SHA-256 of the database copy

It is safe while the bot runs and writes: the copy is made in one step of the backup API, so
it reads a single snapshot (WAL lets the bot keep writing meanwhile). Files are copied after
the snapshot, which is consistent because a file is stored before the row that names it is
committed, and a stored file never changes. The manifest is written last: a directory without
one is not a backup. Both commands need only ``CERTBOT_DATA_DIR``, never the bot's token.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Literal

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.clock import Clock, system_clock
from bot.config import Settings
from bot.files import FileStore

MANIFEST = "manifest.json"
DATABASE = "bot.sqlite3"
FILES = "files"
_CHUNK = 1024 * 1024


class BackupError(Exception):
    """One readable line: what is wrong and what to do."""


class Manifest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    format: Literal[1] = 1
    created_at: datetime
    schema_version: int
    database_bytes: int
    database_sha256: str
    counts: dict[str, int]
    """Rows per table of the database copy."""
    files: int
    file_bytes: int


class _DataDir(BaseSettings):
    """Only the data directory, read like ``Settings`` reads it (environment, then ``.env``)."""

    model_config = SettingsConfigDict(
        env_prefix="CERTBOT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    data_dir: Path = Settings.model_fields["data_dir"].default


def _layout(data_dir: Path) -> tuple[Path, FileStore]:
    """The database and file store of a data directory, exactly where the bot keeps them."""
    # model_construct skips validation: the layout is wanted, not a token.
    settings = Settings.model_construct(data_dir=data_dir)
    return settings.database_path, FileStore(settings.files_dir)


# --- backup -------------------------------------------------------------------------------------


def backup(data_dir: Path, dest: Path, clock: Clock = system_clock) -> Manifest:
    """Write a backup of ``data_dir`` into ``dest`` (new or empty)."""
    database, store = _layout(data_dir)
    if not database.is_file():
        raise BackupError(f"no database at {database}: is CERTBOT_DATA_DIR right?")
    if dest.exists() and any(dest.iterdir()):
        raise BackupError(f"{dest} is not empty: back up into a new directory")
    _private_dir(dest)
    copy = dest / DATABASE
    created_at = clock()
    _snapshot(database, copy)
    schema_version, counts, hashes = _inspect(copy)
    target = FileStore(dest / FILES)
    file_bytes = sum(_copy_file(store.path_for(h), target.path_for(h), h) for h in hashes)
    manifest = Manifest(
        created_at=created_at,
        schema_version=schema_version,
        database_bytes=copy.stat().st_size,
        database_sha256=_sha256(copy),
        counts=counts,
        files=len(hashes),
        file_bytes=file_bytes,
    )
    _write_private(dest / MANIFEST, manifest.model_dump_json(indent=2).encode() + b"\n")
    return manifest


def _snapshot(database: Path, copy: Path) -> None:
    # Read-only: a backup never writes to the live database. pages=-1 copies everything in
    # one step, inside one read transaction, so the copy is one moment of the database.
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)
    os.close(os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))  # private from the start
    with closing(source), closing(sqlite3.connect(copy)) as target:
        source.backup(target, pages=-1)
        # The copy inherits WAL mode; a backup should be one self-contained file.
        target.execute("PRAGMA journal_mode = DELETE")


def _inspect(database: Path) -> tuple[int, dict[str, int], list[str]]:
    """Schema version, rows per table and referenced file hashes; refuses a damaged copy."""
    with _read_only(database) as conn:
        result = conn.execute("PRAGMA integrity_check").fetchall()
        if [tuple(r) for r in result] != [("ok",)]:
            raise BackupError(f"{database} fails its integrity check: {result[0][0]}")
        row = conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
        tables = [
            str(r[0])
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
            )
        ]
        # Table names come from the database's own catalogue, not from input.
        counts = {t: int(conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]) for t in tables}
        hashes = [str(r[0]) for r in conn.execute("SELECT DISTINCT sha256 FROM attachments")]
    return int(row[0] or 0), counts, sorted(hashes)


def _copy_file(source: Path, target: Path, sha256: str) -> int:
    """Copy one stored file, checking its bytes against its name; the size copied."""
    digest = hashlib.sha256()
    size = 0
    _private_dir(target.parent)
    partial = target.with_name(f".partial-{target.name}")
    try:
        with source.open("rb") as reader, _private_file(partial) as writer:
            while chunk := reader.read(_CHUNK):
                digest.update(chunk)
                writer.write(chunk)
                size += len(chunk)
    except FileNotFoundError:
        partial.unlink(missing_ok=True)
        raise BackupError(f"stored file {sha256} is missing from {source.parent}") from None
    if digest.hexdigest() != sha256:
        partial.unlink()
        raise BackupError(f"stored file {source} does not match its SHA-256: it is damaged")
    os.replace(partial, target)
    return size


# --- restore ------------------------------------------------------------------------------------


def restore(
    backup_dir: Path, data_dir: Path, *, force: bool = False, clock: Clock = system_clock
) -> Manifest:
    """Bring ``data_dir`` back to the backup; refuses a non-empty one unless ``force``.

    With ``force`` the database in place is kept beside the restored one, renamed
    ``bot.sqlite3.replaced-<time>``, never deleted; it must not be in use (stop the bot).
    """
    manifest, hashes = verify(backup_dir)
    database, store = _layout(data_dir)
    if data_dir.exists() and any(data_dir.iterdir()) and not force:
        raise BackupError(f"{data_dir} is not empty: restore into an empty one, or use --force")
    _private_dir(data_dir)
    if database.exists():
        _set_aside(database, clock)
    # Files first: the database never names a file that is not there yet.
    _private_dir(store.root)
    source = FileStore(backup_dir / FILES)
    for sha256 in hashes:
        if not store.path_for(sha256).exists():
            _copy_file(source.path_for(sha256), store.path_for(sha256), sha256)
    _copy_file(backup_dir / DATABASE, database, manifest.database_sha256)
    return manifest


def verify(backup_dir: Path) -> tuple[Manifest, list[str]]:
    """The backup's manifest and files, once the database and each file match what it says."""
    try:
        manifest = Manifest.model_validate_json((backup_dir / MANIFEST).read_bytes())
    except FileNotFoundError:
        raise BackupError(f"{backup_dir} has no {MANIFEST}: not a (complete) backup") from None
    except ValidationError:
        raise BackupError(f"{backup_dir / MANIFEST} is not a manifest this bot wrote") from None
    database = backup_dir / DATABASE
    if not database.is_file() or _sha256(database) != manifest.database_sha256:
        raise BackupError(f"{database} does not match the manifest's SHA-256")
    hashes = _inspect(database)[2]
    source = FileStore(backup_dir / FILES)
    for sha256 in hashes:
        path = source.path_for(sha256)
        if not path.is_file() or _sha256(path) != sha256:
            raise BackupError(f"{path} is missing or damaged")
    return manifest, hashes


def _set_aside(database: Path, clock: Clock) -> None:
    """Keep the replaced database as one file, and make sure no bot has it open."""
    try:
        with closing(sqlite3.connect(database, timeout=0, isolation_level=None)) as conn:
            # Leaving WAL needs the only connection: this fails while a bot has it open,
            # and otherwise folds the old WAL in, so no stale -wal can meet the new file.
            conn.execute("PRAGMA journal_mode = DELETE")
    except sqlite3.OperationalError:
        raise BackupError(f"{database} is in use: stop the bot before restoring") from None
    for suffix in ("-wal", "-shm"):
        database.with_name(database.name + suffix).unlink(missing_ok=True)
    stamp = clock().strftime("%Y%m%dT%H%M%SZ")
    kept = database.with_name(f"{database.name}.replaced-{stamp}")
    os.replace(database, kept)
    kept.chmod(0o600)


# --- small file helpers -------------------------------------------------------------------------


def _private_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.chmod(0o700)  # mkdir's mode is filtered by the umask; an existing one keeps its own


@contextmanager
def _private_file(path: Path) -> Iterator[BinaryIO]:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        yield handle
        handle.flush()
        os.fsync(handle.fileno())


def _write_private(path: Path, data: bytes) -> None:
    partial = path.with_name(f".partial-{path.name}")
    with _private_file(partial) as handle:
        handle.write(data)
    os.replace(partial, path)


@contextmanager
def _read_only(database: Path) -> Iterator[sqlite3.Connection]:
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as conn:
        yield conn


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# --- command line -------------------------------------------------------------------------------


def main(args: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="backup and restore")
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("backup", help="copy the database and stored files")
    make.add_argument("dest", type=Path, help="a new (or empty) directory")
    back = commands.add_parser("restore", help="bring a data directory back from a backup")
    back.add_argument("backup", type=Path, help="a directory written by backup")
    back.add_argument("--force", action="store_true", help="restore into a non-empty data dir")
    options = parser.parse_args(args)
    os.umask(0o077)  # whatever the files below are, only the service's user reads them
    data_dir = _DataDir().data_dir
    try:
        if options.command == "backup":
            manifest = backup(data_dir, options.dest)
            where = options.dest
        else:
            manifest = restore(options.backup, data_dir, force=options.force)
            where = data_dir
    except (BackupError, OSError, sqlite3.Error, ValueError) as error:
        print(f"{options.command} failed: {error}", file=sys.stderr)
        return 1
    print(f"{options.command}: {where}: {_summary(manifest)}")
    return 0


def _summary(manifest: Manifest) -> str:
    counts = manifest.counts
    return (
        f"schema {manifest.schema_version}, {counts.get('cases', 0)} cases, "
        f"{counts.get('users', 0)} users, {manifest.files} files, taken "
        f"{manifest.created_at.isoformat(timespec='seconds')}"
    )
