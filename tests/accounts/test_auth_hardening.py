"""Password guessing is locked out, sign-up is rate limited, API tokens can be revoked."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from rest_framework.test import APIClient

from core import ratelimit
from core.clientip import client_ip


class _MidWindow:
    """A clock that stands still, 450 s into an hour (the middle of a 15-minute window): a test's
    attempts all fall in one window, whatever the real time."""

    @staticmethod
    def time() -> float:
        return 3600 * 500_000 + 450.0


@pytest.fixture
def one_window(monkeypatch):
    # The limiter counts in fixed windows (15 minutes for sign-in, an hour for sign-up); a run
    # that crossed a boundary started counting afresh half-way through the test.
    monkeypatch.setattr(ratelimit, "time", _MidWindow)


pytestmark = pytest.mark.django_db
PASSWORD = "a-Long-pass-phrase-42"


def test_eleventh_wrong_password_locks_out_even_the_right_one(client, user, settings):
    assert settings.AXES_FAILURE_LIMIT == 10
    statuses = [
        client.post("/accounts/login/", {"username": "alice", "password": "wrong-guess"}).status_code
        for _ in range(10)
    ]
    # Nine times the form again with its error; the tenth failure trips the lock.
    assert statuses == [200] * 9 + [429]
    locked = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert locked.status_code == 429
    assert client.get("/settings/").status_code == 302  # not signed in


def test_lockout_is_per_username_and_address(client, user, other_user):
    for _ in range(10):
        client.post("/accounts/login/", {"username": "alice", "password": "wrong-guess"})
    # Another account from the same address still signs in.
    response = client.post("/accounts/login/", {"username": "bob", "password": PASSWORD})
    assert response.status_code == 302
    # The same account from another address still signs in too.
    elsewhere = Client(REMOTE_ADDR="198.51.100.7")
    assert elsewhere.post("/accounts/login/", {"username": "alice", "password": PASSWORD}).status_code == 302


def test_token_login_counts_towards_the_same_lockout(user):
    client = APIClient()
    for _ in range(9):
        response = client.post("/api/auth/token", {"username": "alice", "password": "nope"}, format="json")
        assert response.status_code == 400
        assert response.json() == {"non_field_errors": ["Wrong username or password."]}
    client.post("/api/auth/token", {"username": "alice", "password": "nope"}, format="json")
    response = client.post("/api/auth/token", {"username": "alice", "password": PASSWORD}, format="json")
    assert response.status_code == 429
    assert "token" not in response.content.decode()


def test_api_token_works_until_revoked(user):
    client = APIClient()
    token = client.post("/api/auth/token", {"username": "alice", "password": PASSWORD}, format="json")
    assert token.status_code == 200
    key = token.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/account/").json()["username"] == "alice"
    assert client.delete("/api/auth/token").status_code == 204
    assert client.get("/api/account/").status_code == 401


def test_settings_page_replaces_and_revokes_the_token(client, user):
    client.force_login(user)
    page = client.post("/accounts/api-token/")
    assert page.status_code == 200
    first = page.context["token"]
    second = client.post("/accounts/api-token/").context["token"]
    assert first != second
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    assert api.get("/api/account/").status_code == 401  # replaced tokens stop working
    api.credentials(HTTP_AUTHORIZATION=f"Token {second}")
    assert api.get("/api/account/").status_code == 200
    assert "Revoke API token" in client.get("/settings/").content.decode()
    client.post("/accounts/api-token/revoke/")
    assert api.get("/api/account/").status_code == 401


def test_token_endpoint_is_throttled_per_address(user, settings):
    client = APIClient()
    statuses = [
        client.post("/api/auth/token", {"username": f"nobody{i}", "password": "x"}, format="json").status_code
        for i in range(25)
    ]
    assert statuses[:20] == [400] * 20
    assert statuses[-1] == 429


def _signup(client: Client, name: str):
    return client.post(
        "/accounts/signup/",
        {"username": name, "password1": "pelvis-Trochanter-81", "password2": "pelvis-Trochanter-81"},
    )


def test_signup_is_rate_limited_per_address(settings, one_window):
    settings.SIGNUP_RATE_LIMIT = 3
    for i in range(3):
        assert _signup(Client(), f"person{i}").status_code == 302
    refused = _signup(Client(), "person3")
    assert refused.status_code == 429
    assert "Too many sign-ups" in refused.content.decode()
    assert _signup(Client(REMOTE_ADDR="203.0.113.9"), "person4").status_code == 302


def test_client_ip_uses_the_trusted_proxy_hop_only(settings):
    factory = RequestFactory()
    request = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.10")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 1
    # A client can prepend anything to X-Forwarded-For; only what our proxy appended counts.
    assert client_ip(request) == "192.0.2.10"
    assert client_ip(factory.get("/", REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"


def test_client_ip_ignores_addresses_that_are_not_ip_addresses(settings):
    factory = RequestFactory()
    settings.TRUSTED_PROXY_COUNT = 1
    forged = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="'; DROP TABLE")
    assert client_ip(forged) == "10.0.0.2"
    assert client_ip(factory.get("/", REMOTE_ADDR="")) is None


def test_login_with_a_garbage_forwarded_header_is_not_a_server_error(client, user, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    response = client.post(
        "/accounts/login/", {"username": "alice", "password": "wrong"}, HTTP_X_FORWARDED_FOR="not-an-ip"
    )
    assert response.status_code == 200


def test_the_sign_in_form_is_limited_per_address_across_usernames(
    client, user, make_user, settings, one_window
):
    """Password spraying: one guess for each of many accounts from one address."""
    settings.LOGIN_IP_RATE_LIMIT = 5
    names = [make_user(f"spray{i}").get_username() for i in range(6)]
    statuses = [
        client.post("/accounts/login/", {"username": name, "password": "Summer2025!"}).status_code
        for name in names
    ]
    assert statuses == [200] * 5 + [429]
    page = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert page.status_code == 429 and "Too many sign-in attempts" in page.content.decode()
    # Another address is not held back.
    elsewhere = Client(REMOTE_ADDR="198.51.100.9")
    assert elsewhere.post("/accounts/login/", {"username": "alice", "password": PASSWORD}).status_code == 302


def test_without_trusted_proxies_a_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert client_ip(request) == "203.0.113.5"
