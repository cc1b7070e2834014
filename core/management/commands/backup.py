"""manage.py backup: a verified copy of the whole database (see core/backup.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from core.backup import BackupError, backup_create, default_backup_path


class Command(BaseCommand):
    help = "Back up the database: pg_dump for PostgreSQL, SQLite's backup API for the embedded database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            help="File to write (never overwritten). Default: <data folder>/backups/minimus-<UTC time>.dump "
            "(.sqlite3 for SQLite).",
        )
        parser.add_argument("--database", default="default", help="Django database alias (default: default).")

    def handle(self, *args: Any, **options: Any) -> None:
        database = connections[options["database"]].settings_dict
        try:
            path = options["output"] or default_backup_path(
                folder=settings.DATA_DIR / "backups", database=database
            )
            result = backup_create(database=database, path=path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Backed up the {result.engine} database to {result.path} ({result.size} bytes).")
