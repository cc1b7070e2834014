"""Email: optional, confirmed by a signed expiring link, used only for password reset.
Usernames as people type them; a form error keeps what can be kept."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail, signing
from django.test import Client

from accounts.models import Profile

pytestmark = pytest.mark.django_db
PASSWORD = "a-Long-pass-phrase-42"
NEW_PASSWORD = "another-Long-phrase-43"
LINK = re.compile(r"http://testserver(/accounts/\S+/)")


def _link(message) -> str:
    return LINK.search(message.body).group(1)


def _signup(client: Client, **fields: str):
    data = {"username": "Maria K", "password1": PASSWORD, "password2": PASSWORD, "time_zone": "UTC"}
    return client.post("/accounts/signup/", {**data, **fields})


def test_signup_with_email_sends_one_confirmation_and_reset_works_only_once_confirmed(client):
    assert _signup(client, email="maria@example.org").status_code == 302
    user = get_user_model().objects.get(username="Maria K")
    assert user.email == ""  # not used until confirmed
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["maria@example.org"]
    assert "only to send a password-reset link" in mail.outbox[0].body

    Client().post("/accounts/password_reset/", {"email": "maria@example.org"})
    assert len(mail.outbox) == 1  # unconfirmed: no reset mail

    response = Client().get(_link(mail.outbox[0]))
    assert response.status_code == 200 and b"Email confirmed" in response.content
    user.refresh_from_db()
    assert user.email == "maria@example.org"
    again = Client().get(_link(mail.outbox[0]))
    assert again.status_code == 200 and b"already used" in again.content

    reset_page = Client().post("/accounts/password_reset/", {"email": "MARIA@example.org"})
    assert reset_page.status_code == 302
    reset_link = _link(mail.outbox[1])
    browser = Client()
    form_page = browser.get(reset_link, follow=True)
    assert b"Choose a new password" in form_page.content
    done = browser.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done.status_code == 302
    signin = Client().post("/accounts/login/", {"username": "Maria K", "password": NEW_PASSWORD})
    assert signin.status_code == 302
    reused = Client().get(reset_link, follow=True)
    assert b"no longer valid" in reused.content


def test_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(client, user):
    known = Client().post("/accounts/password_reset/", {"email": "nobody@example.org"})
    assert known.status_code == 302 and known.url == "/accounts/password_reset/done/"
    assert mail.outbox == []


def test_a_tampered_or_expired_confirm_link_changes_nothing(client, user):
    with time_machine.travel("2030-01-01 12:00:00+00:00", tick=False):
        client.force_login(user)
        client.post("/accounts/email/", {"email": "alice@example.org"})
    link = _link(mail.outbox[0])
    tampered = Client().get(link.replace("/confirm/", "/confirm/x"))
    assert tampered.status_code == 400 and b"not valid" in tampered.content
    with time_machine.travel("2030-01-05 12:00:00+00:00", tick=False):
        expired = Client().get(link)
    assert expired.status_code == 400 and b"expired" in expired.content
    user.refresh_from_db()
    assert user.email == ""
    assert Profile.objects.get(user=user).pending_email == "alice@example.org"


def test_an_email_change_is_confirmed_and_an_older_link_is_refused(client, user):
    client.force_login(user)
    client.post("/accounts/email/", {"email": "first@example.org"})
    client.post("/accounts/email/", {"email": "second@example.org"})
    older = Client().get(_link(mail.outbox[0]))
    assert older.status_code == 400 and b"out of date" in older.content
    assert Client().get(_link(mail.outbox[1])).status_code == 200
    user.refresh_from_db()
    assert user.email == "second@example.org"
    settings_page = client.get("/settings/").content.decode()
    assert "Confirmed: <strong>second@example.org</strong>" in settings_page


def test_a_bad_email_in_settings_says_what_to_fix_and_changes_nothing(client, user):
    client.force_login(user)
    response = client.post("/accounts/email/", {"email": "not-an-address"}, follow=True)
    assert "does not look like an email address" in response.content.decode()
    assert mail.outbox == []


def test_forged_link_payloads_change_nothing(user):
    forged = signing.TimestampSigner(salt="accounts.email-confirm").sign_object({"u": "x", "e": 3})
    assert Client().get(f"/accounts/email/confirm/{forged}/").status_code == 400


@pytest.mark.parametrize(
    "typed, stored", [("Maria K", "Maria K"), ("  Zoë   Müller ", "Zoë Müller"), ("李小龙", "李小龙")]
)
def test_usernames_as_people_type_them_and_sign_in_with_them(client, typed, stored):
    assert _signup(client, username=typed).status_code == 302
    assert get_user_model().objects.filter(username=stored).exists()
    signin = Client().post("/accounts/login/", {"username": typed, "password": PASSWORD})
    assert signin.status_code == 302


def test_a_signup_error_keeps_what_was_typed_and_says_exactly_what_to_fix(client, make_user):
    make_user("maria k")
    response = _signup(client, email="maria@example.org")
    assert response.status_code == 400
    page = response.content.decode()
    assert "That username is taken" in page
    assert 'value="Maria K"' in page and 'value="maria@example.org"' in page
    assert page.count(f'value="{PASSWORD}"') == 2  # the passwords were fine: kept

    bad = _signup(client, username="Maria <K>", password2="different-Phrase-99")
    assert bad.status_code == 400
    page = bad.content.decode()
    assert "Leave out &lt;&gt;" in page
    assert PASSWORD not in page  # a password problem: the fields are cleared
