"""Settings → Your devices lists each journal sync client; revoking one makes its next sync
start over under a new client_id with nothing unsent lost; another user's cannot be revoked."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

from journal.models import PainEntry, SyncClient
from tests.journal.helpers import pain_payload

pytestmark = pytest.mark.django_db
PASSWORD = "a-Long-pass-phrase-42"


def _signed_in(username: str) -> Client:
    client = Client()
    assert client.post("/accounts/login/", {"username": username, "password": PASSWORD}).status_code == 302
    return client


def _push(client: Client, client_id: uuid.UUID, first_id: int, *entries: dict) -> object:
    mutations = [
        {"id": first_id + n, "type": "pain_entry", "op": "upsert", "record": entry}
        for n, entry in enumerate(entries)
    ]
    return client.post(
        "/api/sync/push",
        {"client_id": str(client_id), "schema": 1, "mutations": mutations},
        content_type="application/json",
    )


def _entry(note: str) -> dict:
    return {"id": str(uuid.uuid4()), **pain_payload(occurred_at="2026-11-20T08:00:00Z", note=note)}


def test_sync_clients_are_listed_and_revoking_one_keeps_the_outbox(user, other_user):
    alice = _signed_in("alice")
    phone, tablet = uuid.uuid4(), uuid.uuid4()
    assert _push(alice, phone, 1, _entry("from the phone")).status_code == 200
    assert _push(alice, tablet, 1, _entry("from the tablet")).status_code == 200
    bob = _signed_in("bob")
    bobs = uuid.uuid4()
    assert _push(bob, bobs, 1, _entry("bob's")).status_code == 200

    page = alice.get("/settings/").content.decode()
    assert f"Journal app {str(phone)[:8]}" in page and f"Journal app {str(tablet)[:8]}" in page
    assert str(bobs)[:8] not in page
    assert page.count("Revoke this sync client") == 2

    # Someone else's client: 404, and it keeps syncing.
    assert alice.post(f"/journal/devices/{bobs}/revoke/").status_code == 404
    assert _push(bob, bobs, 2, _entry("bob's second")).status_code == 200

    assert alice.post(f"/journal/devices/{phone}/revoke/").status_code == 302
    page = alice.get("/settings/").content.decode()
    assert str(phone)[:8] not in page and str(tablet)[:8] in page
    assert alice.post(f"/journal/devices/{phone}/revoke/").status_code == 404  # already revoked

    # The phone's next push is told why, and nothing of it is applied.
    unsent = _entry("written offline after the revoke")
    refused = _push(alice, phone, 2, unsent)
    assert refused.status_code == 403
    assert refused.json()["code"] == "client_revoked" and "client_id" in refused.json()["detail"]
    pulled = alice.get("/api/sync/pull?cursor=0", HTTP_X_CLIENT_ID=str(phone))
    assert pulled.status_code == 403 and pulled.json()["code"] == "client_revoked"
    assert not PainEntry.objects.filter(note=unsent["note"]).exists()

    # What sync.js does on that answer: a new client_id, the outbox renumbered from 1.
    fresh = uuid.uuid4()
    assert _push(alice, fresh, 1, unsent).status_code == 200
    assert PainEntry.objects.filter(user=user, note=unsent["note"]).count() == 1
    assert PainEntry.objects.filter(user=user).count() == 3  # phone, tablet, and the resent one
    assert SyncClient.objects.filter(user=other_user, revoked_at__isnull=True).count() == 1


def test_a_revoked_client_is_told_what_it_already_applied_so_nothing_is_sent_twice(user):
    # The phone's push was applied but its answer lost; then the phone was revoked. Sending
    # those mutations again under its new client_id would apply them a second time (an older
    # edit over a newer one), so the refusal says how far the revoked id got, and why any
    # of those mutations were refused.
    alice = _signed_in("alice")
    phone = uuid.uuid4()
    entry = _entry("logged on the phone")
    bad = {**_entry("refused"), "intensity": 11}
    assert _push(alice, phone, 1, entry, bad).status_code == 200  # the answer never arrives
    assert alice.post(f"/journal/devices/{phone}/revoke/").status_code == 302

    refused = _push(alice, phone, 1, entry, bad, _entry("written after"))
    assert refused.status_code == 403
    body = refused.json()
    assert body["code"] == "client_revoked" and body["last_mutation_id"] == 2
    assert [(r["id"], r["code"]) for r in body["rejected"]] == [(2, "invalid")]
    assert "intensity" in body["rejected"][0]["errors"]

    pulled = alice.get("/api/sync/pull?cursor=0&rejected_after=0", HTTP_X_CLIENT_ID=str(phone))
    assert pulled.status_code == 403
    assert pulled.json()["last_mutation_id"] == 2 and [r["id"] for r in pulled.json()["rejected"]] == [2]
    assert PainEntry.objects.filter(user=user, note="logged on the phone").count() == 1


def test_a_foreign_client_refusal_says_nothing_of_the_other_accounts_counter(user, other_user):
    bob = _signed_in("bob")
    shared = uuid.uuid4()
    assert _push(bob, shared, 1, _entry("bob's")).status_code == 200
    refused = _push(_signed_in("alice"), shared, 1, _entry("alice's"))
    assert refused.status_code == 403
    assert refused.json() == {"code": "foreign_client", "detail": refused.json()["detail"]}
