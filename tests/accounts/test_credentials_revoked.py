"""A password change ends the API token, every other session and old snooze links; tokens
expire; sign-out and token revocation end snooze links too."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from reminders.payloads import snooze_token

pytestmark = pytest.mark.django_db
PASSWORD = "a-Long-pass-phrase-42"
NEW_PASSWORD = "another-Long-phrase-43"


def _token(username: str = "alice", password: str = PASSWORD) -> str:
    response = APIClient().post(
        "/api/auth/token", {"username": username, "password": password}, format="json"
    )
    assert response.status_code == 200
    return response.json()["token"]


def _token_client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def _snooze(token: str) -> int:
    return APIClient().post("/api/reminders/snooze", {"token": token}, format="json").status_code


def _signed_in(username: str = "alice", password: str = PASSWORD) -> Client:
    client = Client()
    assert client.post("/accounts/login/", {"username": username, "password": password}).status_code == 302
    return client


def test_a_password_change_ends_the_old_token_other_sessions_and_snooze_links(user):
    token = _token()
    other_device = _signed_in()
    link = snooze_token(user_id=user.pk, occurrence_key="massage:old")
    this_device = _signed_in()

    response = this_device.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert _token_client(token).get("/api/account/").status_code == 401
    assert other_device.get("/api/account/").status_code == 401
    assert _snooze(link) == 401
    # The device that changed it stays signed in, and the new password gets a working token.
    assert this_device.get("/api/account/").status_code == 200
    assert _token_client(_token(password=NEW_PASSWORD)).get("/api/account/").status_code == 200
    assert _snooze(snooze_token(user_id=user.pk, occurrence_key="massage:new")) == 201


def test_a_password_reset_ends_every_session_and_the_token(user):
    token = _token()
    device = _signed_in()
    user.set_password(NEW_PASSWORD)
    user.save()
    assert _token_client(token).get("/api/account/").status_code == 401
    assert device.get("/api/account/").status_code == 401


def test_a_rehash_at_sign_in_is_not_a_password_change(user):
    token = _token()
    user.check_password(PASSWORD)  # a rehash saves the password field without changing it
    user.save(update_fields=["password"])
    assert _token_client(token).get("/api/account/").status_code == 200


def test_sign_out_and_token_revocation_end_snooze_links(user):
    link = snooze_token(user_id=user.pk, occurrence_key="massage:1")
    device = _signed_in()
    device.post("/accounts/logout/")
    assert _snooze(link) == 401

    token = _token()
    link = snooze_token(user_id=user.pk, occurrence_key="massage:2")
    assert _token_client(token).delete("/api/auth/token").status_code == 204
    assert _snooze(link) == 401


@override_settings(API_TOKEN_MAX_AGE_DAYS=90)
def test_tokens_expire_and_signing_in_again_gives_a_fresh_one(user):
    token = _token()
    Token.objects.filter(key=token).update(created=timezone.now() - timedelta(days=91))
    response = _token_client(token).get("/api/account/")
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]
    fresh = _token()
    assert fresh != token
    assert _token_client(fresh).get("/api/account/").status_code == 200
