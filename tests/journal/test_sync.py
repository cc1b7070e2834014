"""The sync protocol's promises (shared/design/sync-protocol.md), one test each."""

import uuid

import pytest

from journal.models import PainEntry, SyncClient, SyncState
from journal.services.sync import sync_tombstones_purge
from tests.journal.helpers import Device, massage_payload, pain_payload

pytestmark = pytest.mark.django_db


def test_retry_after_a_lost_response_applies_nothing_twice(phone):
    entry = pain_payload()
    create = phone.mutation("upsert", entry)
    edit = phone.mutation("upsert", {"id": entry["id"], "intensity": 9})
    first = phone.push(create, edit)
    assert first.json() == {"last_mutation_id": 2, "rejected": []}
    # The response was lost: the phone sends the same outbox again.
    retry = phone.push(create, edit)
    assert retry.json() == {"last_mutation_id": 2, "rejected": []}
    assert PainEntry.objects.count() == 1
    stored = PainEntry.objects.get()
    assert stored.intensity == 9
    assert stored.version == 2  # the retry cost no version: nobody pulls a phantom change


def test_retry_that_overlaps_new_mutations_applies_only_the_new_ones(phone):
    entry = pain_payload(intensity=4)
    create = phone.mutation("upsert", entry)
    phone.push(create)
    edit = phone.mutation("upsert", {"id": entry["id"], "intensity": 8})
    response = phone.push(create, edit)
    assert response.json()["last_mutation_id"] == 2
    assert PainEntry.objects.get().intensity == 8


def test_a_gap_in_mutation_ids_is_refused_and_changes_nothing(phone):
    phone.push(phone.mutation("upsert", pain_payload()))
    phone.next_mutation_id = 3  # mutation 2 was lost on the device's side
    response = phone.push(phone.mutation("upsert", pain_payload()))
    assert response.status_code == 409
    assert response.json()["error"] == "mutation_gap"
    assert response.json()["code"] == "mutation_gap"
    assert response.json()["expected"] == 2
    assert PainEntry.objects.count() == 1
    assert SyncClient.objects.get().last_mutation_id == 1


def test_out_of_order_ids_in_one_push_are_refused_before_anything_applies(phone):
    first, second = phone.mutation("upsert", pain_payload()), phone.mutation("upsert", pain_payload())
    assert phone.push(second, first).status_code == 409
    assert PainEntry.objects.count() == 0


def test_two_devices_editing_different_fields_offline_both_keep_their_edit(phone, laptop):
    entry = pain_payload(intensity=5, note="")
    phone.push(phone.mutation("upsert", entry))
    laptop.pull()
    # Both offline: the phone changes the intensity, the laptop the note.
    phone_edit = phone.mutation("upsert", {"id": entry["id"], "intensity": 2})
    laptop_edit = laptop.mutation("upsert", {"id": entry["id"], "note": "better after massage"})
    laptop.push(laptop_edit)
    phone.push(phone_edit)
    phone.pull()
    laptop.pull()
    assert phone.records == laptop.records
    merged = phone.records[entry["id"]]
    assert (merged["intensity"], merged["note"]) == (2, "better after massage")


def test_two_devices_editing_the_same_field_keep_the_later_arrival(phone, laptop):
    entry = pain_payload(intensity=5)
    phone.push(phone.mutation("upsert", entry))
    laptop.pull()
    phone_edit = phone.mutation("upsert", {"id": entry["id"], "intensity": 2})
    laptop_edit = laptop.mutation("upsert", {"id": entry["id"], "intensity": 7})
    phone.push(phone_edit)
    laptop.push(laptop_edit)
    phone.pull()
    laptop.pull()
    assert phone.records[entry["id"]]["intensity"] == laptop.records[entry["id"]]["intensity"] == 7


def test_a_delete_removes_the_record_everywhere_and_a_stale_edit_cannot_bring_it_back(phone, laptop):
    entry = pain_payload()
    phone.push(phone.mutation("upsert", entry))
    laptop.pull()
    phone.push(phone.mutation("delete", {"id": entry["id"]}))
    # The laptop, still offline, edits the entry it still shows.
    response = laptop.push(laptop.mutation("upsert", {"id": entry["id"], "intensity": 1}))
    assert response.json()["rejected"][0]["code"] == "gone"
    # Even a full re-create with the same id stays deleted.
    response = laptop.push(laptop.mutation("upsert", entry))
    assert response.json()["rejected"][0]["code"] == "gone"
    laptop.pull()
    phone.pull()
    assert entry["id"] not in laptop.records
    assert entry["id"] not in phone.records
    assert PainEntry.objects.get().deleted


def test_a_rejected_mutation_is_reported_and_does_not_block_the_queue(phone):
    bad = phone.mutation("upsert", pain_payload(intensity=11, zone="elbow"))
    good_entry = pain_payload()
    good = phone.mutation("upsert", good_entry)
    response = phone.push(bad, good)
    assert response.status_code == 200
    body = response.json()
    assert body["last_mutation_id"] == 2
    assert body["rejected"][0]["id"] == 1
    assert body["rejected"][0]["code"] == "invalid"
    assert set(body["rejected"][0]["errors"]) == {"intensity", "zone"}
    assert list(PainEntry.objects.values_list("id", flat=True)) == [uuid.UUID(good_entry["id"])]


def test_a_retry_still_reports_why_a_mutation_was_rejected(phone):
    bad = phone.mutation("upsert", pain_payload(intensity=42))
    phone.push(bad)
    first = phone.push(bad).json()
    retry = phone.push(bad).json()
    assert retry["rejected"] == first["rejected"]
    assert retry["rejected"][0]["id"] == 1
    assert "intensity" in retry["rejected"][0]["errors"]
    pulled = phone.client.get(
        "/api/sync/pull", {"cursor": 0, "rejected_after": 0}, HTTP_X_CLIENT_ID=str(phone.client_id)
    ).json()
    assert [r["id"] for r in pulled["rejected"]] == [1]


def test_pull_is_ordered_by_version_paged_and_mixes_record_types(phone, laptop):
    mutations = []
    for index in range(7):
        payload = pain_payload() if index % 2 else massage_payload()
        mutations.append(phone.mutation("upsert", payload, "pain_entry" if index % 2 else "massage_session"))
    phone.push(*mutations)
    changes = laptop.pull(limit=3)
    assert [change["version"] for change in changes] == list(range(1, 8))
    assert {change["type"] for change in changes} == {"pain_entry", "massage_session"}
    assert laptop.cursor == 7
    assert laptop.pull() == []


def test_pull_reports_this_clients_last_mutation_id(phone):
    phone.push(phone.mutation("upsert", pain_payload()), phone.mutation("upsert", pain_payload()))
    body = phone.client.get("/api/sync/pull", HTTP_X_CLIENT_ID=str(phone.client_id)).json()
    assert body["last_mutation_id"] == 2
    unknown = phone.client.get("/api/sync/pull", HTTP_X_CLIENT_ID=str(uuid.uuid4())).json()
    assert unknown["last_mutation_id"] == 0


def test_an_old_schema_must_upgrade_and_its_outbox_is_not_applied(phone, monkeypatch):
    monkeypatch.setattr("journal.services.sync.MINIMUM_SYNC_SCHEMA", 2)
    monkeypatch.setattr("journal.api.MINIMUM_SYNC_SCHEMA", 2)
    monkeypatch.setattr("journal.api.CURRENT_SYNC_SCHEMA", 2)
    response = phone.push(phone.mutation("upsert", pain_payload()), schema=1)
    assert response.status_code == 409
    assert response.json()["error"] == "upgrade_required"
    assert response.json()["code"] == "upgrade_required"
    assert PainEntry.objects.count() == 0
    assert phone.client.get("/api/sync/pull", {"schema": 1}).status_code == 409


def test_a_schema_newer_than_the_server_is_refused(phone):
    response = phone.push(phone.mutation("upsert", pain_payload()), schema=99)
    assert response.status_code == 400
    assert "schema" in response.json()


def test_client_id_is_bound_to_the_first_user(phone, other_client):
    phone.push(phone.mutation("upsert", pain_payload()))
    thief = Device(other_client, client_id=phone.client_id)
    thief.next_mutation_id = 2
    response = thief.push(thief.mutation("upsert", pain_payload()))
    assert response.status_code == 403
    assert "last_mutation_id" not in response.json()
    pulled = other_client.get("/api/sync/pull", HTTP_X_CLIENT_ID=str(phone.client_id))
    assert pulled.status_code == 403
    assert PainEntry.objects.count() == 1


def test_a_foreign_client_id_is_refused_with_a_code_the_app_can_match(phone, other_client):
    # The app takes a fresh client id on this code; an expired session (also 403) has none.
    phone.push(phone.mutation("upsert", pain_payload()))
    thief = Device(other_client, client_id=phone.client_id)
    pushed = thief.push(thief.mutation("upsert", pain_payload()))
    pulled = other_client.get("/api/sync/pull", HTTP_X_CLIENT_ID=str(phone.client_id))
    for response in (pushed, pulled):
        assert response.status_code == 403
        assert response.json()["code"] == "foreign_client"
        assert set(response.json()) == {"code", "detail"}


def test_a_cursor_ahead_of_the_server_asks_for_a_reset(phone):
    phone.push(phone.mutation("upsert", pain_payload()))
    body = phone.client.get("/api/sync/pull", {"cursor": 50}).json()
    assert body["reset"] is True
    assert body["cursor"] == 0


def test_purged_tombstones_send_old_cursors_back_to_zero(phone, laptop):
    entry = pain_payload()
    phone.push(phone.mutation("upsert", entry), phone.mutation("upsert", pain_payload()))
    laptop.pull()
    phone.push(phone.mutation("delete", {"id": entry["id"]}))
    PainEntry.objects.filter(deleted=True).update(updated_at="2020-01-01T00:00:00Z")
    assert sync_tombstones_purge() == 1
    assert SyncState.objects.get().purged_through_version == 3
    stale = phone.client.get("/api/sync/pull", {"cursor": laptop.cursor}).json()
    assert stale["reset"] is True
    laptop.cursor = 0
    laptop.records.clear()
    laptop.pull()
    assert list(laptop.records) == [str(PainEntry.objects.get(deleted=False).id)]


def test_deleting_an_entry_whose_create_was_rejected_changes_nothing(phone):
    entry = pain_payload(intensity=99)
    response = phone.push(phone.mutation("upsert", entry), phone.mutation("delete", {"id": entry["id"]}))
    assert response.json()["last_mutation_id"] == 2
    assert [r["id"] for r in response.json()["rejected"]] == [1]
    assert PainEntry.objects.count() == 0


def test_the_nightly_task_purges_old_tombstones_and_keeps_recent_ones(phone):
    from django.conf import settings

    from journal.tasks import purge_tombstones

    old, recent = pain_payload(), pain_payload()
    phone.push(phone.mutation("upsert", old), phone.mutation("upsert", recent))
    phone.push(phone.mutation("delete", {"id": old["id"]}), phone.mutation("delete", {"id": recent["id"]}))
    PainEntry.objects.filter(pk=old["id"]).update(updated_at="2020-01-01T00:00:00Z")
    assert purge_tombstones.delay().get() == 1
    assert list(PainEntry.objects.values_list("id", flat=True)) == [uuid.UUID(recent["id"])]
    assert settings.CELERY_BEAT_SCHEDULE["journal-purge-tombstones"]["task"] == purge_tombstones.name
