"""GET /api/sync/session: what a service worker needs to push the outbox with the session cookie."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_signed_in_session_gets_its_user_and_a_csrf_token_that_lets_it_push(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.get("/api/sync/session")

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    data = response.json()
    assert data["user"] == str(user.pk) and data["csrf_token"]
    body = {"client_id": "6f1c1d8e-3a55-4c53-9d7e-2d6f0f0b9a10", "schema": 1, "mutations": []}
    refused = client.post("/api/sync/push", body, content_type="application/json")
    assert refused.status_code == 403  # no token: the CSRF check still applies
    pushed = client.post(
        "/api/sync/push", body, content_type="application/json", HTTP_X_CSRFTOKEN=data["csrf_token"]
    )
    assert pushed.status_code == 200


def test_signed_out_visitors_get_no_token(client):
    response = client.get("/api/sync/session")
    assert response.status_code in {401, 403}
    assert "csrf_token" not in response.json()
