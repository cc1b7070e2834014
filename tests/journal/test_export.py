"""Journal rows in the account export: complete, importable, merged by id, never another user's."""

import pytest

from accounts.export import export_as_dict
from journal.models import MassageSession, PainEntry
from journal.services.records import record_create, record_delete
from tests.journal.helpers import massage_payload, pain_payload

pytestmark = pytest.mark.django_db

ENTRY = pain_payload(occurred_at="2026-11-20T23:30:00Z", intensity=7, note="=after the long drive")
MASSAGE = massage_payload(occurred_at="2026-11-21T09:00:00Z", portion="posterior", minutes=8)


def _seed(user):
    entry = record_create(user=user, record_type="pain_entry", data=ENTRY)
    massage = record_create(user=user, record_type="massage_session", data=MASSAGE)
    gone = record_create(user=user, record_type="pain_entry", data={**ENTRY, "intensity": 2})
    record_delete(user=user, record=gone)
    return entry, massage, gone


def test_export_holds_every_live_entry_and_massage_with_local_day(user):
    entry, _massage, gone = _seed(user)
    document = export_as_dict(user=user)
    assert [row["id"] for row in document["pain_entries"]] == [str(entry.id)]
    assert document["pain_entries"][0]["local_date"] == "2026-11-21"  # 00:30 in Berlin
    assert document["massage_sessions"][0]["pain_after"] is None
    assert str(gone.id) not in str(document)


def test_csv_export_lists_entries_and_defuses_formulas(user_client, user):
    _seed(user)
    response = user_client.get("/api/export?format=csv")
    body = response.content.decode()
    assert response.status_code == 200
    assert "pain_entries," in body and "massage_sessions," in body
    assert "'=after the long drive" in body


def test_importing_the_same_file_twice_doubles_nothing(user_client, user):
    entry, _, _ = _seed(user)
    document = export_as_dict(user=user)
    PainEntry.objects.filter(pk=entry.pk).update(intensity=1)
    first = user_client.post("/api/import", document, format="json")
    assert first.status_code == 200
    assert first.json()["imported"]["pain_entries"] == 1  # restored to 7
    second = user_client.post("/api/import", document, format="json")
    assert set(second.json()["imported"].values()) == {0}
    assert PainEntry.objects.filter(user=user).count() == 2  # the live one and the tombstone
    assert PainEntry.objects.get(pk=entry.pk).intensity == 7


def test_import_never_brings_a_deleted_entry_back(user_client, user):
    _entry, _, gone = _seed(user)
    document = export_as_dict(user=user)
    document["pain_entries"].append({**ENTRY, "id": str(gone.id)})
    assert user_client.post("/api/import", document, format="json").status_code == 200
    assert PainEntry.objects.get(pk=gone.pk).deleted is True


def test_another_accounts_export_is_copied_without_touching_the_original(user, other_user, other_client):
    entry, _massage, _ = _seed(user)
    document = export_as_dict(user=user)
    for _ in range(2):
        response = other_client.post("/api/import", document, format="json")
        assert response.status_code == 200
    assert PainEntry.objects.filter(user=other_user, deleted=False).count() == 1
    assert MassageSession.objects.filter(user=other_user).count() == 1
    assert PainEntry.objects.get(pk=entry.pk).user == user
    assert PainEntry.objects.filter(user=user, deleted=False).count() == 1


def test_a_bad_row_rejects_the_whole_file_with_its_place(user_client, user):
    _seed(user)
    document = export_as_dict(user=user)
    document["pain_entries"][0]["intensity"] = 11
    document["massage_sessions"].append({**MASSAGE, "id": "not-a-uuid"})
    response = user_client.post("/api/import", document, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert "intensity" in errors["pain_entries"]["0"]
    assert "id" in errors["massage_sessions"]["1"]
    assert PainEntry.objects.get(user=user, deleted=False).intensity == 7
