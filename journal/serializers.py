"""Input and output shapes of journal records.

The same input serializers validate REST writes and sync mutations, so a
record the API refuses is refused by sync for the same reason, in the same words.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, tzinfo
from typing import Any

from django.utils import timezone
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

from accounts.timezones import available_time_zones
from body import vocabulary as vocab
from core.text import TextChoiceField
from journal.models import MassageSession, PainEntry, SyncedRecord

# Outside this window a date is a broken clock or garbage, and far-off years can
# overflow time zone arithmetic; refusing them keeps every stored row displayable.
EARLIEST_OCCURRED_AT = datetime(2000, 1, 1, tzinfo=UTC)
LATEST_OCCURRED_AT = datetime(2100, 1, 1, tzinfo=UTC)

SCORE_FIELD_KWARGS = {"min_value": vocab.INTENSITY_MIN, "max_value": vocab.INTENSITY_MAX}


class StrictIntegerField(serializers.IntegerField):
    """An integer that must be sent as a JSON number: "7", 7.5 and true are refused."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictUUIDField(serializers.UUIDField):
    """A UUID sent as a string: DRF would otherwise read the number 12 as a UUID."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("invalid", value=data)
        return super().to_internal_value(data)


class RecordInputSerializer(serializers.Serializer):
    """Fields shared by every journal record a device writes."""

    id = StrictUUIDField(required=False, help_text="Made on the device; the server makes one if absent.")
    occurred_at = serializers.DateTimeField(
        help_text="When it happened, ISO 8601 (an offset or Z; naive = UTC)."
    )
    time_zone = serializers.CharField(
        max_length=64, help_text="IANA name of the device's zone, e.g. Europe/Berlin."
    )
    note = serializers.CharField(
        max_length=vocab.NOTE_MAX_LENGTH, allow_blank=True, required=False, default=""
    )

    def validate_occurred_at(self, value: datetime) -> datetime:
        if not EARLIEST_OCCURRED_AT <= value < LATEST_OCCURRED_AT:
            raise serializers.ValidationError("Must be between the years 2000 and 2099.")
        return value

    def validate_time_zone(self, value: str) -> str:
        if value not in available_time_zones():
            raise serializers.ValidationError("Not a known IANA time zone name, e.g. Europe/Berlin.")
        return value


class PainEntryInputSerializer(RecordInputSerializer):
    zone = TextChoiceField(choices=vocab.ZONE_CHOICES)
    side = TextChoiceField(choices=vocab.SIDE_CHOICES)
    posture = TextChoiceField(choices=vocab.POSTURE_CHOICES)
    intensity = StrictIntegerField(**SCORE_FIELD_KWARGS, help_text="0 no pain ... 10 worst imaginable.")


class MassageSessionInputSerializer(RecordInputSerializer):
    portion = TextChoiceField(choices=vocab.PORTION_CHOICES)
    side = TextChoiceField(choices=vocab.SIDE_CHOICES)
    tool = TextChoiceField(choices=vocab.MASSAGE_TOOL_CHOICES)
    minutes = StrictIntegerField(min_value=vocab.MASSAGE_MINUTES_MIN, max_value=vocab.MASSAGE_MINUTES_MAX)
    pain_before = StrictIntegerField(**SCORE_FIELD_KWARGS)
    pain_after = StrictIntegerField(
        **SCORE_FIELD_KWARGS,
        allow_null=True,
        required=False,
        default=None,
        help_text="May be filled in later.",
    )


class RecordOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    occurred_at = serializers.DateTimeField()
    time_zone = serializers.CharField()
    local_date = serializers.DateField(help_text="Calendar day of occurred_at in time_zone.")
    note = serializers.CharField()
    version = serializers.IntegerField()
    updated_at = serializers.DateTimeField()


class PainEntryOutputSerializer(RecordOutputSerializer):
    zone = serializers.ChoiceField(choices=vocab.ZONE_CHOICES)
    side = serializers.ChoiceField(choices=vocab.SIDE_CHOICES)
    posture = serializers.ChoiceField(choices=vocab.POSTURE_CHOICES)
    intensity = serializers.IntegerField(**SCORE_FIELD_KWARGS)


class MassageSessionOutputSerializer(RecordOutputSerializer):
    portion = serializers.ChoiceField(choices=vocab.PORTION_CHOICES)
    side = serializers.ChoiceField(choices=vocab.SIDE_CHOICES)
    tool = serializers.ChoiceField(choices=vocab.MASSAGE_TOOL_CHOICES)
    minutes = serializers.IntegerField()
    pain_before = serializers.IntegerField(**SCORE_FIELD_KWARGS)
    pain_after = serializers.IntegerField(**SCORE_FIELD_KWARGS, allow_null=True)


INPUT_SERIALIZERS: dict[str, type[RecordInputSerializer]] = {
    PainEntry.sync_type: PainEntryInputSerializer,
    MassageSession.sync_type: MassageSessionInputSerializer,
}
OUTPUT_SERIALIZERS: dict[str, type[RecordOutputSerializer]] = {
    PainEntry.sync_type: PainEntryOutputSerializer,
    MassageSession.sync_type: MassageSessionOutputSerializer,
}


def record_validate(*, record_type: str, data: Any, partial: bool) -> tuple[dict[str, Any] | None, dict]:
    """Validate a record payload; returns (validated data, {}) or (None, field errors).

    ``partial`` is an edit: only the fields sent are checked and returned.
    """
    serializer = INPUT_SERIALIZERS[record_type](data=data, partial=partial)
    if serializer.is_valid():
        return dict(serializer.validated_data), {}
    return None, serializer.errors


def record_to_change(record: SyncedRecord) -> dict[str, Any]:
    """A record as a pull change; a tombstone carries no domain fields."""
    if record.deleted:
        return {"id": str(record.id), "type": record.sync_type, "deleted": True, "version": record.version}
    change = dict(OUTPUT_SERIALIZERS[record.sync_type](record).data)
    change.update(type=record.sync_type, deleted=False)
    return change


def records_to_changes(records: Iterable[Any]) -> list[dict[str, Any]]:
    """Many records as pull changes, each as its output serializer represents it.

    A pull page holds up to 500 records; building a DRF serializer for each
    (deep copies of its fields) cost more than the database read, and DRF's
    attribute lookup per field still more than the representation itself.
    Records are model instances or anything with their attributes (a pull reads tuples).
    """
    zone = timezone.get_current_timezone()
    changes = []
    for record in records:
        if record.deleted:
            changes.append(record_to_change(record))
            continue
        change = record_output(record, zone=zone)
        change["type"] = record.sync_type
        change["deleted"] = False
        changes.append(change)
    return changes


_OUTPUT_FIELDS: dict[str, list[tuple[str, str, Any, bool]]] = {}


def record_output(record: Any, *, zone: tzinfo | None = None) -> dict[str, Any]:
    """What the record's output serializer gives (``Serializer(record).data``), without its per-call cost.

    ``zone``: the current time zone, when the caller has looked it up already (a lookup per
    record cost a fifth of a 500-record pull page).
    """
    fields = _OUTPUT_FIELDS.get(record.sync_type)
    if fields is None:
        fields = _OUTPUT_FIELDS[record.sync_type] = _plain_fields(OUTPUT_SERIALIZERS[record.sync_type]())
    output: dict[str, Any] = {}
    for name, source, represent, iso_datetime in fields:
        value = getattr(record, source)
        if value is None:
            output[name] = None
        elif iso_datetime and value.tzinfo is not None:
            zone = zone or timezone.get_current_timezone()
            output[name] = _iso_8601(value, zone)
        else:
            output[name] = represent(value)
    return output


def _iso_8601(value: datetime, zone: tzinfo) -> str:
    """DRF's DateTimeField output in ISO 8601 for an aware value: in the current zone, UTC as "Z".

    The same text as DateTimeField.to_representation, which looks the current zone up again for
    every value (a quarter of a 500-record pull page's time).
    """
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _plain_fields(serializer: RecordOutputSerializer) -> list[tuple[str, str, Any, bool]]:
    """(name, attribute, the field's to_representation, ISO 8601 datetime?) of each field, as
    Serializer.to_representation walks them; every field here reads one plain attribute, so DRF's
    attribute lookup (most of a 500-record page's time) is a getattr. None stays None, as DRF does."""
    fields = []
    for field in serializer._readable_fields:
        if len(field.source_attrs) != 1:
            raise ValueError(f"{field.field_name} reads a dotted source; record_output assumes plain ones")
        iso_datetime = (
            type(field) is serializers.DateTimeField
            and getattr(field, "format", api_settings.DATETIME_FORMAT) == ISO_8601
            and not hasattr(field, "timezone")
        )
        fields.append((field.field_name, field.source_attrs[0], field.to_representation, iso_datetime))
    return fields
