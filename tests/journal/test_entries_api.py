"""REST API for pain entries and massage sessions, as a client of it would notice."""

import uuid

import pytest

from journal.models import PainEntry
from tests.journal.helpers import Device, massage_payload, pain_payload

pytestmark = pytest.mark.django_db


def test_create_with_client_id_then_read_it_back(user_client):
    payload = pain_payload()
    response = user_client.post("/api/entries/", payload, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["id"] == payload["id"]
    assert body["local_date"] == "2026-03-10"
    read = user_client.get(f"/api/entries/{payload['id']}/").json()
    assert {k: read[k] for k in ("zone", "side", "posture", "intensity", "note")} == {
        "zone": "outer_thigh",
        "side": "left",
        "posture": "sitting",
        "intensity": 6,
        "note": "after the long drive",
    }


def test_create_without_id_gets_a_server_made_uuid(user_client):
    payload = pain_payload()
    del payload["id"]
    response = user_client.post("/api/entries/", payload, format="json")
    assert response.status_code == 201
    uuid.UUID(response.json()["id"])


def test_creating_the_same_id_twice_is_refused_and_keeps_the_first(user_client):
    payload = pain_payload()
    user_client.post("/api/entries/", payload, format="json")
    response = user_client.post("/api/entries/", {**payload, "intensity": 1}, format="json")
    assert response.status_code == 400
    assert "id" in response.json()
    assert PainEntry.objects.get().intensity == 6


def test_partial_update_changes_only_the_sent_fields_and_bumps_version(user_client):
    payload = pain_payload()
    created = user_client.post("/api/entries/", payload, format="json").json()
    response = user_client.patch(f"/api/entries/{payload['id']}/", {"intensity": 2}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["intensity"] == 2
    assert body["note"] == "after the long drive"
    assert body["version"] > created["version"]


def test_delete_leaves_a_tombstone_that_the_api_no_longer_shows(user_client):
    payload = pain_payload()
    user_client.post("/api/entries/", payload, format="json")
    assert user_client.delete(f"/api/entries/{payload['id']}/").status_code == 204
    assert user_client.get(f"/api/entries/{payload['id']}/").status_code == 404
    assert user_client.get("/api/entries/").json()["count"] == 0
    assert PainEntry.objects.get().deleted
    assert (
        user_client.patch(f"/api/entries/{payload['id']}/", {"intensity": 1}, format="json").status_code
        == 404
    )
    assert user_client.delete(f"/api/entries/{payload['id']}/").status_code == 404


def test_list_filters_by_from_and_to_newest_first(user_client):
    for hour in (6, 9, 12, 15):
        user_client.post(
            "/api/entries/", pain_payload(occurred_at=f"2026-03-10T{hour:02}:00:00Z"), format="json"
        )
    body = user_client.get(
        "/api/entries/", {"from": "2026-03-10T09:00:00Z", "to": "2026-03-10T15:00:00Z"}
    ).json()
    assert [row["occurred_at"] for row in body["results"]] == ["2026-03-10T12:00:00Z", "2026-03-10T09:00:00Z"]


def test_list_is_paginated_and_caps_the_page_size(user_client):
    for minute in range(5):
        user_client.post(
            "/api/entries/", pain_payload(occurred_at=f"2026-03-10T08:{minute:02}:00Z"), format="json"
        )
    page = user_client.get("/api/entries/", {"limit": 2, "offset": 2}).json()
    assert page["count"] == 5
    assert len(page["results"]) == 2
    assert page["next"] and page["previous"]
    assert len(user_client.get("/api/entries/", {"limit": 500}).json()["results"]) == 5
    assert user_client.get("/api/entries/", {"limit": 100000}).status_code == 400


def test_massage_pain_after_is_filled_in_later(user_client):
    payload = massage_payload()
    created = user_client.post("/api/massages/", payload, format="json")
    assert created.status_code == 201
    assert created.json()["pain_after"] is None
    response = user_client.patch(f"/api/massages/{payload['id']}/", {"pain_after": 3}, format="json")
    assert response.json()["pain_after"] == 3
    assert user_client.get("/api/massages/").json()["results"][0]["pain_before"] == 6


def test_rest_writes_reach_other_devices_through_pull(user_client):
    phone = Device(user_client)
    payload = pain_payload()
    user_client.post("/api/entries/", payload, format="json")
    user_client.patch(f"/api/entries/{payload['id']}/", {"intensity": 3}, format="json")
    phone.pull()
    assert phone.records[payload["id"]]["intensity"] == 3
    user_client.delete(f"/api/entries/{payload['id']}/")
    changes = phone.pull()
    assert changes == [{"id": payload["id"], "type": "pain_entry", "deleted": True, "version": 3}]
    assert payload["id"] not in phone.records


def test_api_needs_a_signed_in_user(api_client):
    assert api_client.get("/api/entries/").status_code == 401
    assert api_client.post("/api/sync/push", {}, format="json").status_code == 401
    assert api_client.get("/api/sync/pull").status_code == 401
