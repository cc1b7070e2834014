"""Settings → Your devices: every session and the API token, each revocable, and
"sign out everywhere else"."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import UserSession

pytestmark = pytest.mark.django_db
PASSWORD = "a-Long-pass-phrase-42"


def _signed_in(username: str, agent: str) -> Client:
    client = Client(HTTP_USER_AGENT=agent)
    assert client.post("/accounts/login/", {"username": username, "password": PASSWORD}).status_code == 302
    return client


def _token(username: str) -> APIClient:
    token = APIClient().post("/api/auth/token", {"username": username, "password": PASSWORD}, format="json")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    return client


def test_devices_lists_sessions_and_token_and_signs_one_out(user, other_user):
    phone = _signed_in("alice", "Phone Firefox")
    laptop = _signed_in("alice", "Laptop Chromium")
    bobs = _signed_in("bob", "Bob's browser")
    _token("alice")
    page = laptop.get("/settings/").content.decode()
    assert "Phone Firefox" in page and "Laptop Chromium</strong> (this device)" in page
    assert "Bob&#x27;s browser" not in page and "API token</strong>" in page

    phone_record = UserSession.objects.get(user=user, user_agent="Phone Firefox")
    bob_record = UserSession.objects.get(user=other_user)
    assert laptop.post(f"/accounts/devices/{bob_record.pk}/sign-out/").status_code == 404
    assert bobs.get("/api/account/").status_code == 200  # someone else's: untouched
    assert laptop.post(f"/accounts/devices/{phone_record.pk}/sign-out/").status_code == 302
    assert phone.get("/api/account/").status_code == 401
    assert laptop.get("/api/account/").status_code == 200


def test_sign_out_everywhere_else_keeps_only_this_device(user):
    phone = _signed_in("alice", "Phone")
    app = _token("alice")
    laptop = _signed_in("alice", "Laptop")
    assert laptop.post("/accounts/devices/sign-out-elsewhere/").status_code == 302
    assert phone.get("/api/account/").status_code == 401
    assert app.get("/api/account/").status_code == 401
    assert laptop.get("/api/account/").status_code == 200
