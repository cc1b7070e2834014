"""Import is fast, bounded and all or nothing, whatever the file holds."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.export import import_from_dict
from journal.models import PainEntry, SyncState
from reminders.models import ReminderSchedule
from tests.journal.helpers import pain_payload

pytestmark = pytest.mark.django_db


def _document(**sections) -> dict:
    return {"format": "minimus-export", "version": 1, **sections}


def _rows(count: int) -> list[dict]:
    start = datetime(2024, 1, 1, tzinfo=UTC)
    return [
        pain_payload(id=str(uuid.uuid4()), occurred_at=(start + timedelta(minutes=i)).isoformat())
        for i in range(count)
    ]


def test_import_writes_in_bulk_with_versions_in_order(user):
    """Row by row, 40,000 rows outlasted the 30 s web timeout; the query count must not grow per row."""
    rows = _rows(5000)
    with CaptureQueriesContext(connection) as queries:
        counts = import_from_dict(user=user, document=_document(pain_entries=rows))
    assert counts["pain_entries"] == 5000
    # SQLite caps parameters per statement (about 75 rows per INSERT); PostgreSQL takes 2,000.
    assert len(queries) < 5000 / 50, len(queries)
    versions = list(
        PainEntry.objects.filter(user=user).order_by("occurred_at").values_list("version", flat=True)
    )
    assert versions == list(range(1, 5001))
    assert SyncState.objects.get(user=user).last_version == 5000
    # Importing the same file again changes nothing.
    assert import_from_dict(user=user, document=_document(pain_entries=rows))["pain_entries"] == 0
    assert SyncState.objects.get(user=user).last_version == 5000


def test_an_import_with_one_bad_row_at_the_end_writes_nothing(user_client, user):
    rows = _rows(3000)
    rows[-1]["intensity"] = 11
    response = user_client.post("/api/import", _document(pain_entries=rows), format="json")
    assert response.status_code == 400
    assert "intensity" in response.json()["pain_entries"]["2999"]
    assert PainEntry.objects.count() == 0


def test_fast_and_careful_validation_agree_on_what_is_stored(user):
    """Rows the fast path takes and rows only the serializer takes end up stored alike."""
    plain = pain_payload(note="  padded  ", occurred_at="2024-05-01T10:00:00Z")
    odd = pain_payload(note="  padded  ", occurred_at="2024-05-01 12:00:00+02:00")
    import_from_dict(user=user, document=_document(pain_entries=[plain, odd]))
    stored = {str(e.id): e for e in PainEntry.objects.all()}
    for row in (plain, odd):
        entry = stored[row["id"]]
        assert entry.note == "padded"
        assert entry.occurred_at == datetime(2024, 5, 1, 10, tzinfo=UTC)


def test_an_edit_in_the_file_updates_the_stored_row(user):
    [row] = _rows(1)
    import_from_dict(user=user, document=_document(pain_entries=[row]))
    changed = {**row, "intensity": 2}
    assert import_from_dict(user=user, document=_document(pain_entries=[changed]))["pain_entries"] == 1
    entry = PainEntry.objects.get()
    assert entry.intensity == 2 and entry.version == 2


def test_the_reminder_cap_applies_to_import(user_client, user):
    reminders = [{"kind": "massage", "times": [f"{h:02d}:00"], "weekdays": [0]} for h in range(21)]
    response = user_client.post("/api/import", _document(reminders=reminders), format="json")
    assert response.status_code == 400
    assert "At most 20 reminders" in json.dumps(response.json())
    assert ReminderSchedule.objects.count() == 0


@pytest.mark.parametrize("version", [True, 1.0, "1"])
def test_the_version_must_be_the_integer_one(user_client, version):
    response = user_client.post(
        "/api/import", {"format": "minimus-export", "version": version}, format="json"
    )
    assert response.status_code == 400 and "version" in response.json()


@pytest.mark.parametrize("depth", [40, 1000, 100_000])
def test_an_import_file_nested_too_deep_is_a_400(user_client, depth):
    upload = SimpleUploadedFile("deep.json", ("[" * depth + "]" * depth).encode(), "application/json")
    response = user_client.post("/api/import", {"file": upload}, format="multipart")
    assert response.status_code == 400
    assert "nested deeper than 32 levels" in response.json()["file"][0]


def test_a_body_over_the_import_limit_is_refused_before_it_is_read(user_client, settings):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    response = user_client.generic(
        "POST", "/api/import", b"", content_type="application/json", CONTENT_LENGTH=str(200 * 1024 * 1024)
    )
    assert response.status_code == 413


@pytest.mark.parametrize("bad", ["\x00", "\ud800"], ids=repr)
def test_bad_code_points_in_an_import_file_are_named_and_nothing_is_written(user_client, bad):
    row = pain_payload(zone=bad)
    body = json.dumps(_document(pain_entries=[row]), ensure_ascii=True).encode()
    upload = SimpleUploadedFile("export.json", body, "application/json")
    response = user_client.post("/api/import", {"file": upload}, format="multipart")
    assert response.status_code == 400
    assert "zone" in response.json()["pain_entries"]["0"]
    assert bad not in json.dumps(response.json(), ensure_ascii=False)
    assert PainEntry.objects.count() == 0
