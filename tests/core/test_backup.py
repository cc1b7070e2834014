"""A backup restored into a new database holds everything the old one held, row for row.

PostgreSQL: the test database (seeded, committed) is dumped with ``manage.py backup`` and
restored with ``manage.py restore`` into a new database on a cluster of the test's own. SQLite:
a database that ``manage.py migrate`` made in a temporary data folder goes the same way. Both
compare every table of the app, not a sample, and the named ones must not be empty.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tests.postgres_cluster import private_cluster
from tests.services import need_postgres

ROOT = Path(__file__).resolve().parents[2]
# What a self-hoster would miss first: accounts, the journal, reminders and the devices they reach.
MUST_HOLD_ROWS = [
    "auth_user",
    "accounts_profile",
    "journal_painentry",
    "journal_massagesession",
    "reminders_reminderschedule",
    "reminders_pushsubscription",
]
SEED = "from tests.core.test_backup import seed; seed()"
# Timestamps read in one zone on both sides, so rows sort alike.
UTC_SESSION = "-c TimeZone=UTC"


def seed() -> None:
    """Two accounts with one of everything, and entries whose text could trip an encoder."""
    from django.db import transaction

    from accounts.services import user_create
    from journal.services.records import record_create
    from tests import isolation_registry
    from tests.journal.helpers import massage_payload, pain_payload

    # One transaction, as a request gives the services (they lock the user's sync state).
    with transaction.atomic():
        for name, zone in (("ines", "Europe/Lisbon"), ("kenji", "Asia/Tokyo")):
            user = user_create(username=name, password="a-Long-pass-phrase-42", time_zone=zone)
            isolation_registry.seed_everything(user)
            for intensity in range(4):
                note = f"Schmerz {intensity}/10 nach dem Laufen 🏃, «côté» gauche\nzweite Zeile"
                entry = pain_payload(intensity=intensity, note=note)
                record_create(user=user, record_type="pain_entry", data=entry)
            massage = massage_payload(pain_after=2, minutes=9)
            record_create(user=user, record_type="massage_session", data=massage)


def _postgres_tables(cursor: psycopg.Cursor) -> dict[str, list[tuple]]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    tables = [name for (name,) in cursor.fetchall()]
    contents = {}
    for table in tables:
        cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names read from the catalog
        contents[table] = sorted(cursor.fetchall(), key=repr)
    cursor.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'")
    contents["<sequences>"] = sorted(cursor.fetchall())
    return contents


def _sqlite_tables(path: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(path) as db:
        tables = [
            name
            for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        ]
        contents = {
            table: sorted(db.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)  # noqa: S608 - from the catalog
            for table in tables
        }
    db.close()
    return contents


def _assert_everything_came_back(original: dict[str, list[tuple]], restored: dict[str, list[tuple]]) -> None:
    for table in MUST_HOLD_ROWS:
        assert original[table], f"the seed left {table} empty: the comparison would prove nothing"
    assert sorted(restored) == sorted(original)
    differing = {
        table: next(
            (pair for pair in zip(original[table], restored[table], strict=False) if pair[0] != pair[1]),
            (len(original[table]), len(restored[table])),
        )
        for table in original
        if restored[table] != original[table]
    }
    assert differing == {}


@pytest.mark.services
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_postgresql_backup_restores_into_a_new_database_identical(tmp_path):
    need_postgres()
    seed()
    backup = tmp_path / "minimus.dump"
    call_command("backup", output=backup)
    assert backup.read_bytes().startswith(b"PGDMP")

    with private_cluster() as cluster:
        cluster.psql("postgres", "CREATE DATABASE restored")
        call_command("restore", str(backup), database_url=cluster.url("restored"))

        # Both sides through plain psycopg: Django's connection reads json and timestamps its own way.
        source = connection.settings_dict
        with (
            psycopg.connect(
                host=source["HOST"] or "127.0.0.1",
                port=source["PORT"] or 5432,
                user=source["USER"],
                password=source["PASSWORD"] or None,
                dbname=source["NAME"],
                options=UTC_SESSION,
            ) as source_db,
            source_db.cursor() as cursor,
        ):
            original = _postgres_tables(cursor)
        with (
            psycopg.connect(cluster.url("restored"), options=UTC_SESSION) as restored_db,
            restored_db.cursor() as cursor,
        ):
            restored = _postgres_tables(cursor)
        _assert_everything_came_back(original, restored)
        # The app runs on it as it is: no migration missing.
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
        _manage(
            {**env, "DATABASE_URL": cluster.url("restored"), "MINIMUS_DATA_DIR": str(tmp_path)},
            "migrate",
            "--check",
        )

        # The restored database is the live one by mistake next time: refused, unless asked to replace.
        with pytest.raises(CommandError, match="already holds Minimus tables"):
            call_command("restore", str(backup), database_url=cluster.url("restored"))
        call_command("restore", str(backup), database_url=cluster.url("restored"), replace=True)
        with (
            psycopg.connect(cluster.url("restored"), options=UTC_SESSION) as restored_db,
            restored_db.cursor() as cursor,
        ):
            assert _postgres_tables(cursor) == original

    # A backup never overwrites another one.
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", output=backup)


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result


@pytest.mark.slow
def test_a_sqlite_backup_restores_into_a_new_file_identical(tmp_path):
    data = tmp_path / "data"
    data.mkdir()  # run.py makes the data folder; manage.py alone expects it
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update({"MINIMUS_DATA_DIR": str(data), "SECRET_KEY": "backup-test-" + "k" * 40})
    _manage(env, "migrate", "--noinput")
    _manage(env, "shell", "-c", SEED)

    made = _manage(env, "backup")
    (backup,) = (data / "backups").glob("minimus-*.sqlite3")
    assert str(backup) in made.stdout
    target = tmp_path / "elsewhere" / "restored.sqlite3"
    _manage(env, "restore", str(backup), "--database-url", f"sqlite:///{target}")

    _assert_everything_came_back(_sqlite_tables(data / "db.sqlite3"), _sqlite_tables(target))
    # The app runs on the restored file as it is: no migration missing.
    _manage({**env, "DATABASE_URL": f"sqlite:///{target}"}, "migrate", "--check")

    # A SQLite backup is not a PostgreSQL archive: a restore into the other engine is refused.
    with pytest.raises(CommandError, match="is a sqlite backup; the target database is postgresql"):
        call_command("restore", str(backup), database_url="postgres://postgres@127.0.0.1:1/nowhere")


def test_a_file_that_is_no_backup_is_refused(tmp_path):
    stray = tmp_path / "notes.txt"
    stray.write_text("not a database")
    with pytest.raises(CommandError, match="neither a pg_dump custom-format archive nor a SQLite database"):
        call_command("restore", str(stray), database_url=f"sqlite:///{tmp_path / 'new.sqlite3'}")
    assert not (tmp_path / "new.sqlite3").exists()
