"""Backups of the whole database, and restoring one into an empty database.

PostgreSQL goes through ``pg_dump --format=custom`` and ``pg_restore`` (the PostgreSQL client
tools, of the server's major version or newer); the embedded SQLite database through SQLite's
online backup API, which copies a consistent snapshot while the app keeps running. Every backup
is checked after it is written (``pg_restore --list`` reads the whole archive, SQLite runs its
integrity check) and only then moved to its final name, so a file with that name is whole.

Restoring refuses a target that already holds the app's tables unless ``replace`` is given:
a restore into the live database by mistake would otherwise overwrite everything since.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

POSTGRES_MAGIC = b"PGDMP"
SQLITE_MAGIC = b"SQLite format 3\x00"


class BackupError(Exception):
    """Something an operator must fix; the message says what."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    engine: str


def _engine(database: dict[str, Any]) -> str:
    engine = database["ENGINE"]
    if "postgresql" in engine:
        return "postgresql"
    if "sqlite3" in engine:
        return "sqlite"
    raise BackupError(f"backups support PostgreSQL and SQLite, not {engine}")


def default_backup_path(*, folder: Path, database: dict[str, Any], now: datetime | None = None) -> Path:
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    suffix = ".dump" if _engine(database) == "postgresql" else ".sqlite3"
    return folder / f"minimus-{stamp}{suffix}"


def _tool(name: str) -> str:
    # Debian's wrappers in /usr/bin pick the newest installed client, which dumps any older server.
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"{name} not found: install the PostgreSQL client tools (Debian: postgresql-client)"
        )
    return found


def _postgres_env(database: dict[str, Any]) -> dict[str, str]:
    """libpq's environment for ``database``: the password never appears on a command line."""
    env = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
    ):
        if database.get(key):
            env[variable] = str(database[key])
    env["PGDATABASE"] = str(database["NAME"])
    sslmode = (database.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()[-2000:]}")


def backup_create(*, database: dict[str, Any], path: Path) -> BackupResult:
    """Write a verified backup of ``database`` (a Django DATABASES entry) to ``path``."""
    engine = _engine(database)
    if path.exists():
        raise BackupError(f"{path} already exists: a backup never overwrites another")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if engine == "postgresql":
            env = _postgres_env(database)
            _run(
                [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}"],
                env,
            )
            _run([_tool("pg_restore"), "--list", str(partial)], env)
        else:
            _sqlite_copy(source=Path(database["NAME"]), target=partial)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(path=path, size=path.stat().st_size, engine=engine)


def _sqlite_copy(*, source: Path, target: Path) -> None:
    if not source.exists():
        raise BackupError(f"{source} does not exist")
    with sqlite3.connect(source) as origin, sqlite3.connect(target) as copy:
        origin.backup(copy)
        # One self-contained file: the live database's write-ahead log mode is not carried over.
        copy.execute("PRAGMA journal_mode=DELETE")
        (verdict,) = copy.execute("PRAGMA integrity_check").fetchone()
    origin.close()
    copy.close()
    if verdict != "ok":
        raise BackupError(f"the copy of {source} failed SQLite's integrity check: {verdict}")


def backup_engine_of(path: Path) -> str:
    """Which kind of backup a file is, from its first bytes."""
    with path.open("rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    if head.startswith(POSTGRES_MAGIC):
        return "postgresql"
    if head == SQLITE_MAGIC:
        return "sqlite"
    raise BackupError(f"{path} is neither a pg_dump custom-format archive nor a SQLite database")


def _postgres_has_tables(env: dict[str, str]) -> bool:
    result = subprocess.run(  # noqa: S603
        [_tool("psql"), "-X", "-At", "-c", "SELECT to_regclass('public.django_migrations') IS NOT NULL"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"cannot reach the target database: {result.stderr.strip()[-2000:]}")
    return result.stdout.strip() == "t"


def _sqlite_has_tables(path: Path) -> bool:
    if not path.exists():
        return False
    with sqlite3.connect(path) as db:
        found = db.execute("SELECT 1 FROM sqlite_master WHERE name = 'django_migrations'").fetchone()
    db.close()
    return found is not None


def backup_restore(*, path: Path, database: dict[str, Any], replace: bool = False) -> str:
    """Restore the backup at ``path`` into ``database``; returns the engine. The target must be
    empty (a new database) unless ``replace``, which drops what it holds first."""
    if not path.is_file():
        raise BackupError(f"{path} does not exist")
    engine = _engine(database)
    kind = backup_engine_of(path)
    if kind != engine:
        raise BackupError(f"{path} is a {kind} backup; the target database is {engine}")
    if engine == "postgresql":
        env = _postgres_env(database)
        if _postgres_has_tables(env) and not replace:
            raise BackupError(
                f"database {database['NAME']} already holds Minimus tables: "
                "restore into a new one, or pass --replace"
            )
        command = [
            _tool("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
        ]
        if replace:
            command += ["--clean", "--if-exists"]
        _run([*command, f"--dbname={database['NAME']}", str(path)], env)
    else:
        target = Path(database["NAME"])
        if _sqlite_has_tables(target) and not replace:
            raise BackupError(
                f"{target} already holds Minimus tables: restore into a new file, or pass --replace"
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as origin, sqlite3.connect(target) as copy:
            (verdict,) = origin.execute("PRAGMA integrity_check").fetchone()
            if verdict != "ok":
                raise BackupError(f"{path} failed SQLite's integrity check: {verdict}")
            origin.backup(copy)
        origin.close()
        copy.close()
    return engine
