"""Deleting an account removes the user and everything of theirs, and nothing of anyone else."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from rest_framework.test import APIClient

from tests.data_ownership import owned_rows, row_counts
from tests.isolation_registry import seed_everything

pytestmark = pytest.mark.django_db
PASSWORD = "a-Long-pass-phrase-42"


def _sessions_of(user_pk: int) -> int:
    return sum(1 for s in Session.objects.all() if str(s.get_decoded().get("_auth_user_id")) == str(user_pk))


def _give_everything(client_factory, user) -> None:
    """One of every kind of data: profile, journal rows (via the registry), API token, sessions."""
    seed_everything(user)
    client_factory().force_login(user)  # a second device's session
    token_client = APIClient()
    assert (
        token_client.post(
            "/api/auth/token", {"username": user.username, "password": PASSWORD}, format="json"
        ).status_code
        == 200
    )


def test_api_delete_with_password_removes_every_row_of_the_user_and_signs_out(user, other_user):
    _give_everything(APIClient, other_user)
    # What the database holds without alice: everything now, less what she already owns.
    baseline = row_counts()
    for label, rows in owned_rows(user.pk).items():
        baseline[label] -= len(rows)
    bob_rows = owned_rows(other_user.pk)

    client = APIClient()
    client.force_login(user)
    _give_everything(APIClient, user)
    assert owned_rows(user.pk), "the user should own rows before deletion"
    assert _sessions_of(user.pk) >= 2

    response = client.delete("/api/account/", {"password": PASSWORD}, format="json")

    assert response.status_code == 204
    assert owned_rows(user.pk) == {}
    assert _sessions_of(user.pk) == 0
    assert not get_user_model().objects.filter(username="alice").exists()
    # Nothing of alice's is left orphaned anywhere but the hashed deletion marker her other
    # devices wipe on; bob's data is untouched.
    baseline["accounts.DeletedAccount"] += 1
    assert row_counts() == baseline
    assert owned_rows(other_user.pk) == bob_rows
    assert client.get("/api/account/").status_code == 401


def test_api_delete_with_wrong_or_missing_password_deletes_nothing(user_client, user):
    response = user_client.delete("/api/account/", {"password": "guess"}, format="json")
    assert response.status_code == 400
    assert "password" in response.json()
    assert user_client.delete("/api/account/").status_code == 400
    assert get_user_model().objects.filter(pk=user.pk).exists()


def test_token_client_must_also_confirm_with_password(user):
    client = APIClient()
    token = client.post("/api/auth/token", {"username": "alice", "password": PASSWORD}, format="json").json()[
        "token"
    ]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.delete("/api/account/", {}, format="json").status_code == 400
    assert client.delete("/api/account/", {"password": PASSWORD}, format="json").status_code == 204
    assert not get_user_model().objects.filter(pk=user.pk).exists()


def test_settings_page_deletion_asks_for_confirmation_first(client, user, other_user):
    client.force_login(user)
    page = client.get("/accounts/delete/")
    assert page.status_code == 200
    assert "cannot be undone" in page.content.decode()
    assert get_user_model().objects.filter(pk=user.pk).exists()

    wrong = client.post("/accounts/delete/", {"password": "not-it"})
    assert wrong.status_code == 200
    assert "Wrong password" in wrong.content.decode()
    assert get_user_model().objects.filter(pk=user.pk).exists()

    done = client.post("/accounts/delete/", {"password": PASSWORD}, follow=True)
    assert "have been deleted" in done.content.decode()
    assert owned_rows(user.pk) == {}
    assert get_user_model().objects.filter(pk=other_user.pk).exists()
    assert client.get("/settings/").status_code == 302


def test_deletion_page_needs_login_and_post(client):
    assert client.get("/accounts/delete/").status_code == 302
    assert client.post("/accounts/delete/", {"password": PASSWORD}).status_code == 302


def test_a_device_of_a_deleted_account_is_told_to_wipe_and_nobody_else_learns_anything(
    client, user, other_user
):
    from accounts.tombstones import account_marker

    alice_marker = account_marker(user_id=user.pk)
    bob_marker = account_marker(user_id=other_user.pk)
    client.force_login(user)
    assert client.post("/accounts/delete/", {"password": PASSWORD}).status_code == 200

    anonymous = APIClient()
    deleted = anonymous.get("/api/sync/pull?cursor=0", HTTP_X_MINIMUS_ACCOUNT=alice_marker)
    assert deleted.status_code == 401
    assert deleted.json()["code"] == "account_deleted"
    # Signed out but not deleted, a forged marker, or none: the plain 401 of today.
    for marker in (bob_marker, alice_marker[:-2] + "xx", f"{user.pk}"):
        plain = anonymous.get("/api/sync/pull?cursor=0", HTTP_X_MINIMUS_ACCOUNT=marker)
        assert plain.status_code == 401
        assert "code" not in plain.json()
    assert "code" not in anonymous.get("/api/sync/pull?cursor=0").json()


def test_deletion_ends_sessions_without_reading_the_session_table(client, user):
    from django.contrib.sessions.backends.db import SessionStore

    for _ in range(50):  # other people's sessions
        store = SessionStore()
        store["_auth_user_id"] = "999999"
        store.create()
    other_device = APIClient()
    other_device.force_login(user)
    client.force_login(user)
    from accounts.services import user_delete

    user_delete(user=get_user_model().objects.get(pk=user.pk))
    assert Session.objects.count() == 50
    assert other_device.get("/api/account/").status_code == 401
