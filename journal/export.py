"""Journal sections of the account export (see accounts/export.py and docs/export-format.md)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from rest_framework import serializers

from journal.models import RECORD_MODELS, MassageSession, PainEntry
from journal.serializers import OUTPUT_SERIALIZERS, record_validate
from journal.services.records import record_change, record_insert, sync_state_lock

_BAD_ID = "Not a usable record id."
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
        validated: list[dict[str, Any]] = []
        errors: dict[str, Any] = {}
        for index, row in enumerate(data):
            clean, row_errors = record_validate(record_type=self.record_type, data=row, partial=False)
            if clean is not None and "id" not in clean:
                row_errors = {"id": ["This field is required."]}
            if row_errors:
                errors[str(index)] = row_errors
            else:
                validated.append(clean)
        if errors:
            raise serializers.ValidationError(errors)
        model = RECORD_MODELS[self.record_type]
        taken_elsewhere = set(
            model.objects.filter(pk__in=[row["id"] for row in validated])
            .exclude(user=user)
            .values_list("pk", flat=True)
        )
        for row in validated:
            if row["id"] in taken_elsewhere:
                row["id"] = _id_in_account(user=user, record_id=row["id"])
        existing = {record.id: record for record in model.objects.filter(pk__in=[r["id"] for r in validated])}
        if any(record.user_id != user.pk for record in existing.values()):
            raise serializers.ValidationError({"non_field_errors": [_BAD_ID]})
        state = sync_state_lock(user=user)
        written = 0
        for row in validated:
            record = existing.get(row["id"])
            if record is None:
                existing[row["id"]] = record_insert(
                    state=state, record_type=self.record_type, record_id=row["id"], data=row
                )
                written += 1
            elif not record.deleted:
                # A deleted record stays deleted: deletes are final everywhere.
                before = record.version
                written += record_change(state=state, record=record, changes=row).version != before
        return written


class PainEntrySection(RecordSection):
    name = "pain_entries"
    record_type = PainEntry.sync_type
    csv_columns = ("id", "local_date", *PainEntry.domain_fields)


class MassageSessionSection(RecordSection):
    name = "massage_sessions"
    record_type = MassageSession.sync_type
    csv_columns = ("id", "local_date", *MassageSession.domain_fields)
