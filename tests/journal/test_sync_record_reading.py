"""Sync reads each record exactly as the REST API validates it (journal.sync_serializers.mutations_read)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from journal.serializers import record_validate
from journal.sync_serializers import mutations_read
from tests.journal.helpers import massage_payload, pain_payload


def _without(payload: dict[str, Any], *names: str) -> dict[str, Any]:
    return {key: value for key, value in payload.items() if key not in names}


RECORDS = [
    ("pain_entry", pain_payload()),
    ("pain_entry", _without(pain_payload(), "note")),
    ("pain_entry", pain_payload(intensity=11, zone="elbow")),
    ("pain_entry", _without(pain_payload(side=None), "zone", "posture")),
    ("pain_entry", {"id": pain_payload()["id"], "intensity": 3}),
    ("pain_entry", {"id": pain_payload()["id"], "time_zone": "Mars/Base", "extra": 1}),
    ("massage_session", massage_payload()),
    ("massage_session", _without(massage_payload(), "pain_after", "note")),
    ("massage_session", massage_payload(minutes=0, pain_after=12)),
    ("massage_session", {"id": massage_payload()["id"], "pain_after": 2}),
    # Values the plain-Python reading must either take exactly as the serializer does or pass on to it.
    ("pain_entry", pain_payload(occurred_at="2026-03-10T08:15:00")),
    ("pain_entry", pain_payload(occurred_at="2026-03-10T08:15:00.123456+05:30")),
    ("pain_entry", pain_payload(occurred_at="1999-12-31T23:59:59Z")),
    ("pain_entry", pain_payload(occurred_at="2026-03-10")),
    ("pain_entry", pain_payload(occurred_at="0001-01-01T00:00:00+14:00")),
    ("pain_entry", pain_payload(occurred_at="9999-12-31T23:59:59-12:00")),
    ("pain_entry", pain_payload(occurred_at="2026-13-10T08:15:00Z")),
    ("pain_entry", pain_payload(note="  padded note  ", time_zone=" Europe/Berlin ")),
    ("pain_entry", pain_payload(note="bad \ud800 text")),
    ("pain_entry", pain_payload(intensity=5.0)),
    ("pain_entry", pain_payload(intensity=True)),
    ("pain_entry", pain_payload(zone="Outer_Thigh")),
    ("pain_entry", {"id": pain_payload()["id"], "note": ""}),
    ("massage_session", massage_payload(pain_after=None)),
]


def _plain(errors: dict[str, Any]) -> dict[str, list[str]]:
    return {name: [str(message) for message in messages] for name, messages in errors.items()}


@pytest.mark.parametrize(("record_type", "record"), RECORDS)
def test_a_record_reads_as_the_rest_api_validates_a_create_and_an_edit(record_type, record):
    [mutation] = mutations_read([{"id": 1, "type": record_type, "op": "upsert", "record": record}])
    fields = _without(record, "id")
    create, create_errors = record_validate(record_type=record_type, data=fields, partial=False)
    edit, edit_errors = record_validate(record_type=record_type, data=fields, partial=True)
    assert (mutation.create, mutation.create_errors) == (create, _plain(create_errors))
    assert (mutation.edit, mutation.edit_errors) == (edit, _plain(edit_errors))
    assert str(mutation.record_id) == record["id"]


@pytest.mark.django_db
def test_pull_changes_are_what_the_output_serializers_give(user):
    from journal.models import PainEntry
    from journal.serializers import OUTPUT_SERIALIZERS, records_to_changes
    from journal.services.records import record_create, record_delete
    from journal.services.sync import sync_pull
    from tests.journal.helpers import massage_payload as massage

    pain = record_create(user=user, record_type="pain_entry", data=_without(pain_payload(), "id"))
    later = record_create(
        user=user, record_type="massage_session", data=_without(massage(pain_after=None), "id")
    )
    gone = record_create(user=user, record_type="pain_entry", data=_without(pain_payload(), "id"))
    record_delete(user=user, record=gone)
    # As a pull reads them: from the database.
    pain, gone = PainEntry.objects.get(pk=pain.pk), PainEntry.objects.get(pk=gone.pk)
    later = type(later).objects.get(pk=later.pk)
    expected = [
        {**OUTPUT_SERIALIZERS[r.sync_type](r).data, "type": r.sync_type, "deleted": False}
        for r in (pain, later)
    ]
    expected.append({"id": str(gone.id), "type": "pain_entry", "deleted": True, "version": gone.version})
    assert records_to_changes([pain, later, gone]) == expected
    assert records_to_changes([later])[0]["pain_after"] is None
    # Times come out as DRF writes them in whatever zone is active, not only in UTC.
    with timezone.override("Asia/Kathmandu"):
        in_kathmandu = [{**OUTPUT_SERIALIZERS[r.sync_type](r).data} for r in (pain, later)]
        assert [
            {k: v for k, v in change.items() if k not in ("type", "deleted")}
            for change in records_to_changes([pain, later])
        ] == in_kathmandu
    assert in_kathmandu[0]["occurred_at"].endswith("+05:45")
    # What a pull really hands out: the rows of its one statement, not model instances.
    pulled = sync_pull(user=user, client_id=None, cursor=0, limit=500).changes
    assert records_to_changes(pulled) == expected
    with timezone.override("Asia/Kathmandu"):
        assert [
            {k: v for k, v in change.items() if k not in ("type", "deleted")}
            for change in records_to_changes(pulled[:2])
        ] == in_kathmandu
