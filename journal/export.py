"""Journal sections of the account export (see accounts/export.py and docs/export-format.md)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework import serializers

from journal.bulk_validation import RecordBatchValidator
from journal.models import RECORD_MODELS, MassageSession, PainEntry
from journal.serializers import OUTPUT_SERIALIZERS
from journal.services.records import sync_state_lock

_BAD_ID = "Not a usable record id."
# One INSERT per this many rows; and an import stops listing errors after this many rows.
BULK_BATCH_SIZE = 2000
MAX_REPORTED_ERRORS = 100
# Namespace for ids of records imported from another account's export on this server.
_IMPORT_NAMESPACE = uuid.UUID("3f6b1a52-5c1e-4f57-9b0f-2b7d8f0d6a11")


def _id_in_account(*, user: AbstractBaseUser, record_id: uuid.UUID) -> uuid.UUID:
    """The id a record gets when its own id is taken by another account (an export moved between
    accounts on one server). Derived, not random, so importing the same file twice doubles nothing;
    and the import answers the same either way, so it reveals nothing about the other account."""
    return uuid.uuid5(_IMPORT_NAMESPACE, f"{user.pk}/{record_id}")


class RecordSection:
    """Live records of one type; import merges by id through the versioned services,
    so imported rows reach the user's other devices like any other change."""

    record_type: str
    many = True
    csv_columns: tuple[str, ...]

    def dump(self, *, user: AbstractBaseUser) -> list[dict[str, Any]]:
        model = RECORD_MODELS[self.record_type]
        records = model.objects.filter(user=user, deleted=False).order_by("occurred_at", "id")
        serializer = OUTPUT_SERIALIZERS[self.record_type]
        return [dict(serializer(record).data) for record in records]

    def load(self, *, user: AbstractBaseUser, data: Any) -> int:
        if not isinstance(data, list):
            raise serializers.ValidationError(["Expected a list of records."])
        validator = RecordBatchValidator(record_type=self.record_type)
        validated: list[dict[str, Any]] = []
        errors: dict[str, Any] = {}
        for index, row in enumerate(data):
            clean, row_errors = validator.validate(row)
            if clean is not None and "id" not in clean:
                row_errors = {"id": ["This field is required."]}
            if row_errors:
                errors[str(index)] = row_errors
                if len(errors) >= MAX_REPORTED_ERRORS:
                    break
            else:
                validated.append(clean)
        if errors:
            raise serializers.ValidationError(errors)
        model = RECORD_MODELS[self.record_type]
        ids = [row["id"] for row in validated]
        taken_elsewhere = {
            pk
            for chunk in _chunks(ids)
            for pk in model.objects.filter(pk__in=chunk).exclude(user=user).values_list("pk", flat=True)
        }
        for row in validated:
            if row["id"] in taken_elsewhere:
                row["id"] = _id_in_account(user=user, record_id=row["id"])
        ids = [row["id"] for row in validated]
        existing = {
            record.id: record for chunk in _chunks(ids) for record in model.objects.filter(pk__in=chunk)
        }
        if any(record.user_id != user.pk for record in existing.values()):
            raise serializers.ValidationError({"non_field_errors": [_BAD_ID]})
        state = sync_state_lock(user=user)
        version = state.last_version
        new_rows: dict[uuid.UUID, Any] = {}
        changed: dict[uuid.UUID, Any] = {}
        changed_fields: set[str] = set()
        for row in validated:
            record = existing.get(row["id"]) or new_rows.get(row["id"])
            if record is None:
                version += 1
                fields = {name: row[name] for name in model.domain_fields if name in row}
                new_rows[row["id"]] = model(id=row["id"], user_id=user.pk, version=version, **fields)
            elif not record.deleted:
                # A deleted record stays deleted: deletes are final everywhere.
                diff = [n for n in model.domain_fields if n in row and getattr(record, n) != row[n]]
                if diff:
                    for name in diff:
                        setattr(record, name, row[name])
                    version += 1
                    record.version = version
                    changed_fields.update(diff)
                    if record.id not in new_rows:
                        changed[record.id] = record
        try:
            with transaction.atomic():
                model.objects.bulk_create(new_rows.values(), batch_size=BULK_BATCH_SIZE)
        except IntegrityError:
            # Another writer took one of these ids since they were read: nothing was written.
            raise serializers.ValidationError({"non_field_errors": [_BAD_ID]}) from None
        if changed:
            now = timezone.now()
            for record in changed.values():
                record.updated_at = now
            model.objects.bulk_update(
                changed.values(),
                sorted(changed_fields | {"version", "updated_at"}),
                batch_size=BULK_BATCH_SIZE,
            )
        if version != state.last_version:
            state.last_version = version
            state.save(update_fields=["last_version"])
        return len(new_rows) + len(changed)


def _chunks(values: list[Any], size: int = 5000) -> list[list[Any]]:
    """IN lists short enough for every database (SQLite caps the number of query parameters)."""
    return [values[start : start + size] for start in range(0, len(values), size)]


class PainEntrySection(RecordSection):
    name = "pain_entries"
    record_type = PainEntry.sync_type
    csv_columns = ("id", "local_date", *PainEntry.domain_fields)


class MassageSessionSection(RecordSection):
    name = "massage_sessions"
    record_type = MassageSession.sync_type
    csv_columns = ("id", "local_date", *MassageSession.domain_fields)
