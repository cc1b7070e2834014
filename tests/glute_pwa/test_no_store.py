"""Answers with health data are never kept by a browser or proxy cache."""

from __future__ import annotations

import pytest

from tests.journal.helpers import pain_payload

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    ["/api/entries/", "/api/massages/", "/api/sync/pull", "/api/trends/", "/api/account/", "/api/reminders/"],
)
def test_api_answers_say_no_store(user_client, path):
    user_client.post("/api/entries/", pain_payload(), format="json")
    response = user_client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    assert response["Cache-Control"] == "no-store"


def test_an_api_error_says_no_store_too(user_client):
    response = user_client.post("/api/entries/", {"intensity": 99}, format="json")
    assert response.status_code == 400 and response["Cache-Control"] == "no-store"
