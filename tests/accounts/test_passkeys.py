"""Passkeys on the server: register, sign in, sign up without a password, rename, remove, and
every way a ceremony can fail (400 with a field message, nothing stored, password still works)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from accounts.models import Passkey
from tests.accounts.softauthn import SoftPasskey, b64url, unb64url

pytestmark = pytest.mark.django_db
PASSWORD = "a-Long-pass-phrase-42"


def _post(client: Client, url: str, body: object) -> object:
    return client.post(url, json.dumps(body), content_type="application/json")


def _signed_in(username: str = "alice") -> Client:
    client = Client()
    assert client.post("/accounts/login/", {"username": username, "password": PASSWORD}).status_code == 302
    return client


def _register(client: Client, passkey: SoftPasskey, name: str = "My phone") -> object:
    options = _post(client, "/accounts/passkeys/register/options/", {}).json()
    return _post(
        client, "/accounts/passkeys/register/verify/", {"name": name, "credential": passkey.create(options)}
    )


def _who(client: Client) -> str | None:
    """The username this client is signed in as, or None."""
    response = client.get("/api/account/")
    return response.json()["username"] if response.status_code == 200 else None


def _login_options(client: Client) -> dict:
    response = _post(client, "/accounts/passkeys/login/options/", {})
    assert response.status_code == 200
    return response.json()


def _tamper_client_data(credential: dict, **changes: object) -> dict:
    data = json.loads(unb64url(credential["response"]["clientDataJSON"]))
    data.update(changes)
    credential["response"]["clientDataJSON"] = b64url(json.dumps(data).encode())
    return credential


@pytest.fixture
def registered(user):
    """Alice with one passkey registered in Settings, then signed out."""
    passkey = SoftPasskey()
    client = _signed_in()
    assert _register(client, passkey).status_code == 200
    return passkey


def test_register_then_sign_in_with_the_passkey(user):
    passkey = SoftPasskey()
    settings_client = _signed_in()
    options = _post(settings_client, "/accounts/passkeys/register/options/", {}).json()
    assert options["rp"]["id"] == "testserver"
    assert options["authenticatorSelection"]["residentKey"] == "required"
    response = _post(
        settings_client,
        "/accounts/passkeys/register/verify/",
        {"name": " My  phone ", "credential": passkey.create(options)},
    )
    assert response.status_code == 200
    stored = Passkey.objects.get(user=user)
    assert (stored.name, stored.sign_count, stored.last_used_at) == ("My phone", 0, None)
    assert stored.transports == ["internal"]
    assert "My phone" in settings_client.get("/settings/").content.decode()

    browser = Client()
    options = _login_options(browser)
    assert "allowCredentials" not in options or options["allowCredentials"] == []
    response = _post(browser, "/accounts/passkeys/login/verify/", {"credential": passkey.get(options)})
    assert response.status_code == 200 and response.json() == {"redirect": "/"}
    assert _who(browser) == user.username
    stored.refresh_from_db()
    assert stored.sign_count == 1 and stored.last_used_at is not None


def test_a_second_passkey_excludes_the_first_and_keeps_the_account_user_handle(user, registered):
    client = _signed_in()
    options = _post(client, "/accounts/passkeys/register/options/", {}).json()
    assert [c["id"] for c in options["excludeCredentials"]] == [b64url(registered.credential_id)]
    assert unb64url(options["user"]["id"]) == registered.user_handle


def test_tampered_challenge_in_client_data_is_400_with_field_and_stores_nothing(user):
    client = _signed_in()
    options = _post(client, "/accounts/passkeys/register/options/", {}).json()
    credential = _tamper_client_data(SoftPasskey().create(options), challenge=b64url(b"not the challenge"))
    response = _post(client, "/accounts/passkeys/register/verify/", {"credential": credential})
    assert response.status_code == 400
    assert response.json() == {"challenge": ["The passkey answered a different request. Please try again."]}
    assert not Passkey.objects.exists()


@pytest.mark.parametrize(
    ("client_data", "field"),
    [
        ("!!!not base64!!!", "credential"),
        (b64url(b"not json"), "clientDataJSON"),
        (b64url(b'{"type": "webauthn.create"}'), "clientDataJSON"),
        (
            b64url(json.dumps({"type": "webauthn.get", "challenge": "x", "origin": "x"}).encode()),
            "clientDataJSON",
        ),
    ],
)
def test_malformed_client_data_is_400_never_500(user, client_data, field):
    client = _signed_in()
    options = _post(client, "/accounts/passkeys/register/options/", {}).json()
    credential = SoftPasskey().create(options)
    credential["response"]["clientDataJSON"] = client_data
    response = _post(client, "/accounts/passkeys/register/verify/", {"credential": credential})
    assert response.status_code == 400
    assert list(response.json()) == [field] and response.json()[field][0]
    assert not Passkey.objects.exists()


def test_answer_from_another_origin_is_refused(user):
    client = _signed_in()
    options = _post(client, "/accounts/passkeys/register/options/", {}).json()
    credential = SoftPasskey().create(options, origin="https://evil.example")
    response = _post(client, "/accounts/passkeys/register/verify/", {"credential": credential})
    assert response.status_code == 400
    assert response.json() == {"origin": ["The passkey answer came from another site than this one."]}


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'"text"',
        b"{}",
        b'{"credential": "x"}',
        b'{"credential": []}',
        b'{"credential": {}}',
    ],
)
def test_garbage_answers_are_400(user, registered, body):
    client = Client()
    _login_options(client)
    response = client.post("/accounts/passkeys/login/verify/", body, content_type="application/json")
    assert response.status_code == 400
    field, messages = next(iter(response.json().items()))
    assert field in ("credential", "non_field_errors") and messages[0]
    assert _who(client) is None


def test_bad_signature_is_refused_and_the_password_still_works(user, registered):
    client = Client()
    credential = registered.get(_login_options(client))
    signature = bytearray(unb64url(credential["response"]["signature"]))
    signature[-1] ^= 0x01
    credential["response"]["signature"] = b64url(bytes(signature))
    response = _post(client, "/accounts/passkeys/login/verify/", {"credential": credential})
    assert response.status_code == 400
    assert response.json() == {"credential": ["The passkey's signature did not check out."]}
    assert _who(client) is None
    assert Passkey.objects.get().sign_count == 0
    assert client.post("/accounts/login/", {"username": "alice", "password": PASSWORD}).status_code == 302
    assert _who(client) == user.username


def test_unknown_credential_says_so(user, registered):
    client = Client()
    stranger = SoftPasskey()
    stranger.user_handle = b"someone"
    response = _post(
        client, "/accounts/passkeys/login/verify/", {"credential": stranger.get(_login_options(client))}
    )
    assert response.status_code == 400
    assert "not registered here" in response.json()["credential"][0]


def test_replayed_challenge_is_refused(user, registered):
    client = Client()
    answer = registered.get(_login_options(client))
    assert _post(client, "/accounts/passkeys/login/verify/", {"credential": answer}).status_code == 200
    client.post("/accounts/logout/")
    replay = _post(client, "/accounts/passkeys/login/verify/", {"credential": answer})
    assert replay.status_code == 400
    assert replay.json() == {
        "challenge": ["This passkey request was already used or never started. Please try again."]
    }
    assert _who(client) is None


def test_a_failed_try_uses_up_the_challenge(user, registered):
    client = Client()
    options = _login_options(client)
    bad = registered.get(options)
    bad["response"]["signature"] = b64url(b"\x30\x00")
    assert _post(client, "/accounts/passkeys/login/verify/", {"credential": bad}).status_code == 400
    good = registered.get(options)
    response = _post(client, "/accounts/passkeys/login/verify/", {"credential": good})
    assert response.status_code == 400 and list(response.json()) == ["challenge"]


def test_answer_with_an_old_counter_is_refused_as_a_replay(user, registered):
    client = Client()
    assert (
        _post(
            client, "/accounts/passkeys/login/verify/", {"credential": registered.get(_login_options(client))}
        ).status_code
        == 200
    )
    client.post("/accounts/logout/")
    registered.sign_count = 0  # a cloned authenticator that starts its counter again
    response = _post(
        client, "/accounts/passkeys/login/verify/", {"credential": registered.get(_login_options(client))}
    )
    assert response.status_code == 400
    assert "counter" in response.json()["credential"][0]


def test_expired_challenge_is_refused(user, registered, settings):
    client = Client()
    options = _login_options(client)
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.WEBAUTHN_CHALLENGE_SECONDS + 5)):
        response = _post(client, "/accounts/passkeys/login/verify/", {"credential": registered.get(options)})
    assert response.status_code == 400
    assert response.json() == {"challenge": ["This passkey request expired. Please try again."]}


def test_a_sign_in_challenge_cannot_finish_a_registration(user):
    client = _signed_in()
    options = _login_options(client)
    options["user"] = {"id": b64url(b"x"), "name": "alice", "displayName": "alice"}
    response = _post(
        client, "/accounts/passkeys/register/verify/", {"credential": SoftPasskey().create(options)}
    )
    assert response.status_code == 400 and list(response.json()) == ["challenge"]


def test_sign_up_with_a_passkey_and_no_password_then_set_one(db):
    client = Client()
    options = _post(
        client,
        "/accounts/passkeys/signup/options/",
        {"username": "Maria K", "email": "", "time_zone": "Europe/Rome"},
    )
    assert options.status_code == 200
    passkey = SoftPasskey()
    response = _post(
        client,
        "/accounts/passkeys/signup/verify/",
        {"name": "Phone", "credential": passkey.create(options.json())},
    )
    assert response.status_code == 200
    user = get_user_model().objects.get(username="Maria K")
    assert not user.has_usable_password() and user.profile.time_zone == "Europe/Rome"
    assert _who(client) == user.username
    page = client.get("/settings/").content.decode()
    assert "Set a password" in page and "Phone" in page

    # The only way in cannot be removed until a password exists.
    only = Passkey.objects.get(user=user)
    client.post(f"/accounts/passkeys/{only.pk}/remove/")
    assert Passkey.objects.filter(pk=only.pk).exists()
    new_password = {"new_password1": "another-Long-phrase-7", "new_password2": "another-Long-phrase-7"}
    assert client.post("/accounts/password/set/", new_password).status_code == 302
    assert _who(client) == user.username
    assert client.post(f"/accounts/passkeys/{only.pk}/remove/").status_code == 302
    assert not Passkey.objects.filter(pk=only.pk).exists()
    other = Client()
    signin = {"username": "Maria K", "password": "another-Long-phrase-7"}
    assert other.post("/accounts/login/", signin).status_code == 302


def test_sign_up_with_a_taken_or_bad_username_is_400_before_the_browser_asks(user):
    taken = _post(Client(), "/accounts/passkeys/signup/options/", {"username": "ALICE"})
    assert taken.status_code == 400 and "taken" in taken.json()["username"][0]
    bad = _post(Client(), "/accounts/passkeys/signup/options/", {"username": "<script>"})
    assert bad.status_code == 400 and "Leave out" in bad.json()["username"][0]
    assert get_user_model().objects.count() == 1


def test_passwordless_account_deletes_by_typing_its_username(db):
    client = Client()
    options = _post(client, "/accounts/passkeys/signup/options/", {"username": "Nopass"}).json()
    _post(client, "/accounts/passkeys/signup/verify/", {"credential": SoftPasskey().create(options)})
    assert client.post("/accounts/delete/", {"password": "wrong"}).status_code == 200
    assert get_user_model().objects.filter(username="Nopass").exists()
    assert client.post("/accounts/delete/", {"password": "Nopass"}).status_code == 200
    assert not get_user_model().objects.filter(username="Nopass").exists()
    assert not Passkey.objects.exists()


def test_rename_and_remove_only_your_own(user, other_user, registered):
    bobs_key = SoftPasskey()
    assert _register(_signed_in("bob"), bobs_key, "Bob's key").status_code == 200
    alices = Passkey.objects.get(user=user)
    bobs = Passkey.objects.get(user=other_user)
    alice = _signed_in()
    assert alice.post(f"/accounts/passkeys/{bobs.pk}/rename/", {"name": "mine now"}).status_code == 404
    assert alice.post(f"/accounts/passkeys/{bobs.pk}/remove/").status_code == 404
    bobs.refresh_from_db()
    assert bobs.name == "Bob's key"
    assert "Bob&#x27;s key" not in alice.get("/settings/").content.decode()

    assert (
        alice.post(f"/accounts/passkeys/{alices.pk}/rename/", {"name": "  Work laptop "}).status_code == 302
    )
    alices.refresh_from_db()
    assert alices.name == "Work laptop"
    assert alice.post(f"/accounts/passkeys/{alices.pk}/rename/", {"name": "   "}).status_code == 302
    alices.refresh_from_db()
    assert alices.name == "Passkey"
    assert alice.post(f"/accounts/passkeys/{alices.pk}/remove/").status_code == 302
    assert not Passkey.objects.filter(user=user).exists()
    # A removed passkey signs in no more.
    browser = Client()
    response = _post(
        browser, "/accounts/passkeys/login/verify/", {"credential": registered.get(_login_options(browser))}
    )
    assert response.status_code == 400 and "not registered here" in response.json()["credential"][0]


def test_rp_id_and_origin_come_from_settings_when_set(user, settings):
    settings.WEBAUTHN_RP_ID = "minimus.example"
    settings.WEBAUTHN_ORIGINS = ["https://minimus.example"]
    client = _signed_in()
    options = _post(client, "/accounts/passkeys/register/options/", {}).json()
    assert options["rp"]["id"] == "minimus.example"
    passkey = SoftPasskey(rp_id="minimus.example", origin="https://minimus.example")
    response = _post(client, "/accounts/passkeys/register/verify/", {"credential": passkey.create(options)})
    assert response.status_code == 200


def test_answer_for_another_rp_id_is_refused(user):
    client = _signed_in()
    options = _post(client, "/accounts/passkeys/register/options/", {}).json()
    passkey = SoftPasskey(rp_id="evil.example")
    response = _post(client, "/accounts/passkeys/register/verify/", {"credential": passkey.create(options)})
    assert response.status_code == 400
    assert response.json() == {"credential": ["This passkey was made for another site."]}
