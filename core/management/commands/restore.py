"""manage.py restore FILE: a backup from `manage.py backup` into a new (empty) database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore a backup into an empty database (the configured one, or --database-url)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "backup", type=Path, help="A file written by `manage.py backup` (or pg_dump -Fc)."
        )
        parser.add_argument(
            "--database-url",
            help="Restore here instead of the configured database (postgres://... or sqlite:////path).",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="The target already holds Minimus tables: drop them and restore over them.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["database_url"]:
            try:
                database = dj_database_url.parse(options["database_url"])
            except ValueError as exc:
                raise CommandError(f"--database-url is not a database URL: {exc}") from exc
        else:
            database = connections["default"].settings_dict
        try:
            engine = backup_restore(path=options["backup"], database=database, replace=options["replace"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Restored {options['backup']} into the {engine} database {database['NAME']}. "
            "Run `manage.py migrate` if this version of Minimus is newer than the backup."
        )
