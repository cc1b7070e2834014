"""One user can never read, change or even detect another user's journal."""

import uuid

import pytest

from journal.models import MassageSession, PainEntry
from tests.journal.helpers import Device, massage_payload, pain_payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice_entry(user_client):
    payload = pain_payload(note="private")
    assert user_client.post("/api/entries/", payload, format="json").status_code == 201
    return payload


@pytest.fixture
def alice_massage(user_client):
    payload = massage_payload(note="private")
    assert user_client.post("/api/massages/", payload, format="json").status_code == 201
    return payload


def test_another_user_gets_404_for_read_edit_and_delete(other_client, alice_entry, alice_massage):
    for path in (f"/api/entries/{alice_entry['id']}/", f"/api/massages/{alice_massage['id']}/"):
        assert other_client.get(path).status_code == 404
        assert other_client.patch(path, {"note": "mine now"}, format="json").status_code == 404
        assert other_client.delete(path).status_code == 404
    assert PainEntry.objects.get().note == "private"
    assert not PainEntry.objects.get().deleted
    assert MassageSession.objects.get().note == "private"


def test_the_404_for_another_users_id_is_the_same_as_for_an_unknown_id(other_client, alice_entry):
    foreign = other_client.get(f"/api/entries/{alice_entry['id']}/")
    unknown = other_client.get(f"/api/entries/{uuid.uuid4()}/")
    assert foreign.status_code == unknown.status_code == 404
    assert foreign.json() == unknown.json()


def test_another_user_lists_and_pulls_nothing_of_alice(other_client, alice_entry, alice_massage):
    assert other_client.get("/api/entries/").json()["count"] == 0
    assert other_client.get("/api/massages/").json()["count"] == 0
    thief = Device(other_client)
    assert thief.pull() == []


def test_sync_upsert_or_delete_of_another_users_id_is_forbidden_and_reveals_nothing(
    other_client, alice_entry
):
    thief = Device(other_client)
    response = thief.push(
        thief.mutation("upsert", {"id": alice_entry["id"], "intensity": 0}),
        thief.mutation("delete", {"id": alice_entry["id"]}),
        thief.mutation("upsert", pain_payload(id=alice_entry["id"])),
    )
    body = response.json()
    assert response.status_code == 200
    assert [r["code"] for r in body["rejected"]] == ["forbidden"] * 3
    assert "private" not in response.content.decode()
    stored = PainEntry.objects.get()
    assert (stored.intensity, stored.note, stored.deleted) == (6, "private", False)
    assert thief.pull() == []


def test_rest_create_with_another_users_id_is_refused_without_saying_whose(other_client, alice_entry):
    response = other_client.post("/api/entries/", pain_payload(id=alice_entry["id"]), format="json")
    assert response.status_code == 400
    assert "private" not in response.content.decode()
    assert PainEntry.objects.filter(id=alice_entry["id"]).get().note == "private"


def test_a_users_versions_are_not_shifted_by_another_users_writes(user_client, other_client):
    alice, bob = Device(user_client), Device(other_client)
    bob.push(*(bob.mutation("upsert", pain_payload()) for _ in range(3)))
    alice.push(alice.mutation("upsert", pain_payload()))
    assert [change["version"] for change in alice.pull()] == [1]
