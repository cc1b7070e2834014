"""The push rules through the HTTP API: what is stored, what a second device pulls, what errors say."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from journal.models import PainEntry, SyncClient, SyncRejection, SyncState
from journal.services import sync as sync_service
from journal.services.records import record_create, record_delete
from tests.journal.helpers import Device, pain_payload

pytestmark = pytest.mark.django_db


def _stored_entry(user, **overrides) -> PainEntry:
    values = pain_payload(**overrides)
    record_id = uuid.UUID(values.pop("id"))
    values["occurred_at"] = "2026-03-10T08:15:00Z"
    return record_create(user=user, record_type="pain_entry", data=values, record_id=record_id)


def test_an_invalid_record_between_valid_ones_leaves_the_neighbours_stored_and_pulled(phone, laptop):
    before, after = pain_payload(intensity=2), pain_payload(intensity=3)
    response = phone.push(
        phone.mutation("upsert", before),
        phone.mutation("upsert", pain_payload(side="middle")),
        phone.mutation("upsert", after),
    )
    assert response.status_code == 200
    assert response.json() == {
        "last_mutation_id": 3,
        "rejected": [{"id": 2, "code": "invalid", "errors": {"side": ["Not one of the allowed values."]}}],
    }
    assert set(PainEntry.objects.values_list("id", flat=True)) == {
        uuid.UUID(before["id"]),
        uuid.UUID(after["id"]),
    }
    laptop.pull()
    assert {key: value["intensity"] for key, value in laptop.records.items()} == {
        before["id"]: 2,
        after["id"]: 3,
    }
    # The queue moved on: the next push continues at 4.
    assert phone.push(phone.mutation("delete", {"id": before["id"]})).json()["last_mutation_id"] == 4


def test_insert_then_edits_in_one_push_reach_the_other_device_as_one_change(phone, laptop):
    entry = pain_payload(intensity=3, note="")
    phone.push(
        phone.mutation("upsert", entry),
        phone.mutation("upsert", {"id": entry["id"], "intensity": 8}),
        phone.mutation("upsert", {"id": entry["id"], "note": "after the stairs"}),
    )
    stored = PainEntry.objects.get()
    assert (stored.intensity, stored.note, stored.version) == (8, "after the stairs", 3)
    assert SyncState.objects.get().last_version == 3
    changes = laptop.pull()
    assert [(c["id"], c["intensity"], c["note"], c["version"]) for c in changes] == [
        (entry["id"], 8, "after the stairs", 3)
    ]


def test_the_same_create_sent_twice_in_one_push_stores_one_row(phone, laptop):
    entry = pain_payload()
    response = phone.push(phone.mutation("upsert", entry), phone.mutation("upsert", entry))
    assert response.json() == {"last_mutation_id": 2, "rejected": []}
    assert PainEntry.objects.get().version == 1
    laptop.pull()
    assert list(laptop.records) == [entry["id"]]


def test_an_edit_then_a_delete_in_one_push_leaves_a_tombstone_the_other_device_applies(phone, laptop):
    entry = pain_payload()
    phone.push(phone.mutation("upsert", entry))
    laptop.pull()
    response = phone.push(
        phone.mutation("upsert", {"id": entry["id"], "intensity": 1}),
        phone.mutation("delete", {"id": entry["id"]}),
        phone.mutation("upsert", {"id": entry["id"], "intensity": 2}),
    )
    assert [(r["id"], r["code"]) for r in response.json()["rejected"]] == [(4, "gone")]
    stored = PainEntry.objects.get()
    assert stored.deleted and stored.intensity == 1
    changes = laptop.pull()
    assert changes == [{"id": entry["id"], "type": "pain_entry", "deleted": True, "version": 3}]
    assert laptop.records == {}


def test_an_id_of_another_user_is_forbidden_alike_whether_live_or_deleted(phone, other_user):
    theirs = _stored_entry(other_user, note="private words")
    their_deleted = _stored_entry(other_user)
    record_delete(user=other_user, record=their_deleted)
    response = phone.push(
        phone.mutation("upsert", pain_payload(id=str(theirs.pk))),
        phone.mutation("upsert", pain_payload(id=str(their_deleted.pk))),
        phone.mutation("delete", {"id": str(theirs.pk)}),
    )
    assert response.status_code == 200
    rejected = response.json()["rejected"]
    forbidden = {"code": "forbidden", "errors": {"id": ["This id cannot be used."]}}
    assert rejected == [{"id": n, **forbidden} for n in (1, 2, 3)]
    assert "private" not in response.content.decode()
    theirs.refresh_from_db()
    assert (theirs.deleted, theirs.note, theirs.version) == (False, "private words", 1)
    # Nothing reached the pushing user's devices either.
    assert phone.pull() == []


def test_an_id_another_user_inserts_after_the_push_read_its_rows_is_refused_and_the_rest_stored(
    phone, user, other_user, monkeypatch
):
    entry, raced = pain_payload(), pain_payload()
    real_rows_named = sync_service._rows_named
    reads = []

    def rows_read_before_the_other_insert(mutations):
        reads.append(len(mutations))
        if len(reads) == 1:
            # The other user's insert commits right after this read.
            _stored_entry(other_user, id=raced["id"])
            return {}
        return real_rows_named(mutations)

    monkeypatch.setattr(sync_service, "_rows_named", rows_read_before_the_other_insert)
    response = phone.push(phone.mutation("upsert", entry), phone.mutation("upsert", raced))
    assert response.json() == {
        "last_mutation_id": 2,
        "rejected": [{"id": 2, "code": "forbidden", "errors": {"id": ["This id cannot be used."]}}],
    }
    assert len(reads) == 2
    mine = PainEntry.objects.get(user=user)
    assert (str(mine.pk), mine.version) == (entry["id"], 1)
    assert PainEntry.objects.get(pk=raced["id"]).user == other_user


def test_a_replayed_push_gets_the_same_answer_and_stores_nothing_new(phone, laptop):
    mutations = [
        phone.mutation("upsert", pain_payload()),
        phone.mutation("upsert", pain_payload(intensity=-1)),
        phone.mutation("upsert", pain_payload()),
    ]
    first = phone.push(*mutations).json()
    versions = sorted(PainEntry.objects.values_list("version", flat=True))
    replay = phone.push(*mutations).json()
    assert replay == first
    assert first["last_mutation_id"] == 3 and [r["id"] for r in first["rejected"]] == [2]
    assert sorted(PainEntry.objects.values_list("version", flat=True)) == versions == [1, 2]
    assert SyncRejection.objects.count() == 1
    assert len(laptop.pull()) == 2


def test_a_foreign_client_id_gets_403_with_the_foreign_client_code(phone, other_client):
    phone.push(phone.mutation("upsert", pain_payload()))
    thief = Device(other_client, client_id=phone.client_id)
    thief.next_mutation_id = 2
    pushed = thief.push(thief.mutation("upsert", pain_payload()))
    pulled = other_client.get("/api/sync/pull", HTTP_X_CLIENT_ID=str(phone.client_id))
    for response in (pushed, pulled):
        assert response.status_code == 403
        assert set(response.json()) == {"code", "detail"}
        assert response.json()["code"] == "foreign_client"
    assert PainEntry.objects.count() == 1


def test_a_mutation_gap_gets_409_with_the_mutation_gap_code_and_the_expected_id(phone):
    phone.push(phone.mutation("upsert", pain_payload()))
    phone.next_mutation_id = 3
    response = phone.push(phone.mutation("upsert", pain_payload()))
    assert response.status_code == 409
    body = response.json()
    assert (body["code"], body["error"], body["expected"]) == ("mutation_gap", "mutation_gap", 2)
    assert SyncClient.objects.get().last_mutation_id == 1


def test_an_old_schema_gets_409_with_the_upgrade_required_code(phone, monkeypatch):
    monkeypatch.setattr("journal.services.sync.MINIMUM_SYNC_SCHEMA", 2)
    monkeypatch.setattr("journal.api.MINIMUM_SYNC_SCHEMA", 2)
    monkeypatch.setattr("journal.api.CURRENT_SYNC_SCHEMA", 2)
    pushed = phone.push(phone.mutation("upsert", pain_payload()), schema=1)
    pulled = phone.client.get("/api/sync/pull", {"schema": 1})
    for response in (pushed, pulled):
        assert response.status_code == 409
        assert (response.json()["code"], response.json()["error"]) == ("upgrade_required", "upgrade_required")
    assert PainEntry.objects.count() == 0


def test_the_openapi_schema_documents_the_sync_error_codes(user_client):
    response = user_client.get(
        "/api/schema/", {"format": "json"}, HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )
    schema = json.loads(response.content)
    components = schema["components"]["schemas"]

    def body_codes(path: str, method: str, status: str) -> list[str]:
        body = schema["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"]
        code = components[body["$ref"].rsplit("/", 1)[1]]["properties"]["code"]
        enum_ref = code["allOf"][0]["$ref"] if "allOf" in code else code["$ref"]
        return components[enum_ref.rsplit("/", 1)[1]]["enum"]

    assert body_codes("/api/sync/push", "post", "403") == ["foreign_client", "client_revoked"]
    assert body_codes("/api/sync/pull", "get", "403") == ["foreign_client", "client_revoked"]
    assert body_codes("/api/sync/push", "post", "409") == ["upgrade_required", "mutation_gap"]
    assert body_codes("/api/sync/pull", "get", "409") == ["upgrade_required", "mutation_gap"]


def test_an_edit_of_a_pulled_record_whose_tombstone_was_purged_is_gone_not_created_again(phone, laptop):
    entry = pain_payload(intensity=3)
    phone.push(phone.mutation("upsert", entry))
    laptop.pull()
    pulled_version = laptop.records[entry["id"]]["version"]
    phone.push(phone.mutation("delete", {"id": entry["id"]}))
    PainEntry.objects.filter(pk=entry["id"]).update(updated_at=timezone.now() - timedelta(days=400))
    assert sync_service.sync_tombstones_purge() == 1
    # The laptop, offline all along, edits every field of the entry it still shows.
    edit = {**laptop.mutation("upsert", {**entry, "intensity": 9}), "base_version": pulled_version}
    response = laptop.push(edit)
    assert response.status_code == 200
    assert response.json() == {
        "last_mutation_id": 1,
        "rejected": [
            {
                "id": 1,
                "code": "gone",
                "errors": {"id": ["This record was deleted; the change was not applied."]},
            }
        ],
    }
    assert not PainEntry.objects.filter(pk=entry["id"]).exists()
