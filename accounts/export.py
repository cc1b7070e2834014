"""Export and import of everything a user owns, section by section.

The format is documented in ``docs/export-format.md``. Each kind of data is an
``ExportSection`` listed in the ``MINIMUS_EXPORT_SECTIONS`` setting (dotted paths,
in order); the app that owns the data owns its section. To add one, write a class
with ``name``, ``csv_columns``, ``dump`` and ``load`` (see ``ProfileSection``) and
append its path to the setting. The list lives in the project's settings, not
here, because accounts sits below the apps that contribute sections and never
names them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, Protocol

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.module_loading import import_string
from rest_framework import serializers

from accounts.models import Passkey
from accounts.selectors import profile_get
from accounts.services import profile_update
from accounts.timezones import available_time_zones

EXPORT_FORMAT = "minimus-export"
EXPORT_VERSION = 1


class ExportSection(Protocol):
    """One kind of data in the export file.

    ``name``: the key in the JSON file and the ``type`` column in the CSV.
    ``many``: True for a list of rows with ``id`` (merged by id on import),
    False for a single object (the profile).
    ``dump(user=)`` returns JSON-ready data: a list of dicts or one dict.
    ``load(user=, data=)`` validates and writes ``data`` for ``user``: an existing
    row of the user with the same id is updated, a new id is created, an id that
    belongs to another user is refused (with the same message as a malformed id,
    so nothing is revealed). It raises ``serializers.ValidationError`` with
    field messages (``{"<index>": {"field": ["message"]}}`` for lists) and
    returns how many rows it created or changed. It runs inside the import's
    transaction: an error anywhere rolls everything back.
    """

    name: str
    many: bool
    csv_columns: tuple[str, ...]

    def dump(self, *, user: AbstractBaseUser) -> Any: ...

    def load(self, *, user: AbstractBaseUser, data: Any) -> int: ...


class ProfileSerializer(serializers.Serializer):
    username = serializers.CharField(required=False, max_length=150)
    time_zone = serializers.CharField(max_length=64)

    def validate_time_zone(self, value: str) -> str:
        if value not in available_time_zones():
            raise serializers.ValidationError("Not a known IANA time zone name, e.g. Europe/Berlin.")
        return value


class ProfileSection:
    """The user's settings. ``username`` is informative: import never renames an account."""

    name = "profile"
    many = False
    csv_columns = ("username", "time_zone")

    def dump(self, *, user: AbstractBaseUser) -> dict[str, Any]:
        profile = profile_get(user=user)
        return {"username": user.get_username(), "time_zone": profile.time_zone}

    def load(self, *, user: AbstractBaseUser, data: Any) -> int:
        serializer = ProfileSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        time_zone = serializer.validated_data["time_zone"]
        if profile_get(user=user).time_zone == time_zone:
            return 0
        profile_update(user=user, time_zone=time_zone)
        return 1


class PasskeySection:
    """Which passkeys can sign in, for the record; import leaves passkeys alone.

    A passkey is bound to this server's domain and its private key never leaves the
    person's device, so a file cannot bring one to another account or server: the rows
    name them (and when they were added and last used) without any key material.
    """

    name = "passkeys"
    many = True
    csv_columns = ("name", "created_at", "last_used_at")

    def dump(self, *, user: AbstractBaseUser) -> list[dict[str, Any]]:
        return [
            {
                "name": passkey.name,
                "created_at": _iso(passkey.created_at),
                "last_used_at": _iso(passkey.last_used_at),
            }
            for passkey in Passkey.objects.filter(user=user).order_by("created_at", "pk")
        ]

    def load(self, *, user: AbstractBaseUser, data: Any) -> int:
        return 0


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


@lru_cache(maxsize=1)
def export_sections() -> tuple[ExportSection, ...]:
    sections = tuple(import_string(path)() for path in settings.MINIMUS_EXPORT_SECTIONS)
    names = [section.name for section in sections]
    if len(set(names)) != len(names) or {"format", "version", "exported_at"} & set(names):
        raise ValueError(f"Export section names must be unique and not reserved: {names}")
    return sections


def export_as_dict(*, user: AbstractBaseUser) -> dict[str, Any]:
    document: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
    }
    for section in export_sections():
        document[section.name] = section.dump(user=user)
    return document


def _csv_safe(value: Any) -> Any:
    """Keep spreadsheet apps from running a note that starts with '=' as a formula (OWASP)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    return value


def export_as_csv(*, user: AbstractBaseUser) -> str:
    """One table: a ``type`` column names the section, then the union of all sections' columns."""
    sections = export_sections()
    columns = ["type"]
    for section in sections:
        columns += [column for column in section.csv_columns if column not in columns]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for section in sections:
        data = section.dump(user=user)
        rows: Iterable[dict[str, Any]] = data if section.many else [data]
        for row in rows:
            writer.writerow({"type": section.name, **{k: _csv_safe(row.get(k)) for k in section.csv_columns}})
    return out.getvalue()


class ImportRejected(Exception):
    """The file is not importable; ``errors`` maps where to what is wrong (nothing was written)."""

    def __init__(self, errors: dict[str, Any]) -> None:
        super().__init__("import rejected")
        self.errors = errors


def import_from_dict(*, user: AbstractBaseUser, document: Any) -> dict[str, int]:
    """Merge an export file into ``user``'s data; all or nothing.

    Returns rows created or changed per section. Re-importing the same file
    changes nothing (merge by id). Raises ``ImportRejected`` with every error
    found, section by section, having written nothing.
    """
    if not isinstance(document, dict):
        raise ImportRejected({"non_field_errors": ["Expected a JSON object from a Minimus export."]})
    header_errors: dict[str, list[str]] = {}
    if document.get("format") != EXPORT_FORMAT:
        header_errors["format"] = [f'Must be "{EXPORT_FORMAT}".']
    version = document.get("version")
    # bool is an int in Python: "version": true must not pass for 1.
    if type(version) is not int or version != EXPORT_VERSION:
        header_errors["version"] = [f"Only version {EXPORT_VERSION} can be imported."]
    if header_errors:
        raise ImportRejected(header_errors)

    counts: dict[str, int] = {}
    errors: dict[str, Any] = {}
    with transaction.atomic():
        for section in export_sections():
            if section.name not in document:
                continue
            data = document[section.name]
            if section.many and not isinstance(data, list):
                errors[section.name] = ["Expected a list."]
                continue
            try:
                # A savepoint per section lets every section report its errors in one answer.
                with transaction.atomic():
                    counts[section.name] = section.load(user=user, data=data)
            except serializers.ValidationError as exc:
                errors[section.name] = exc.detail
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise ImportRejected(errors)
    return counts
