"""Settings → Your devices lists each browser that gets reminders; revoking one deletes its
subscription so nothing more is pushed there; another user's cannot be revoked."""

from __future__ import annotations

import pytest
from django.test import Client

from reminders.models import PushSubscription
from reminders.services import subscription_upsert

pytestmark = pytest.mark.django_db
PASSWORD = "a-Long-pass-phrase-42"
P256DH = "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM"


def _subscribe(user, name: str) -> PushSubscription:
    return subscription_upsert(
        user=user,
        endpoint=f"https://push.example.invalid/{name}",
        p256dh=P256DH,
        auth="tBHItJI5svbpez7KI4CCXg",
        user_agent=name,
    )


def test_push_subscriptions_are_listed_and_revoking_one_deletes_it(user, other_user):
    phone = _subscribe(user, "Alice phone Firefox")
    laptop = _subscribe(user, "Alice laptop Chromium")
    bobs = _subscribe(other_user, "Bob tablet Safari")
    alice = Client()
    assert alice.post("/accounts/login/", {"username": "alice", "password": PASSWORD}).status_code == 302

    page = alice.get("/settings/").content.decode()
    assert "Reminder notifications" in page
    assert "Alice phone Firefox" in page and "Alice laptop Chromium" in page and "Bob tablet" not in page
    assert "no notification yet" in page

    assert alice.post(f"/reminders/devices/{bobs.pk}/revoke/").status_code == 404
    assert PushSubscription.objects.filter(pk=bobs.pk).exists()

    assert alice.post(f"/reminders/devices/{phone.pk}/revoke/").status_code == 302
    assert list(PushSubscription.objects.filter(user=user)) == [laptop]
    page = alice.get("/settings/").content.decode()
    assert "Alice phone Firefox" not in page and "Alice laptop Chromium" in page
    assert alice.post(f"/reminders/devices/{phone.pk}/revoke/").status_code == 404


def test_revoke_needs_sign_in_and_post(user):
    phone = _subscribe(user, "Alice phone")
    assert Client().post(f"/reminders/devices/{phone.pk}/revoke/").status_code == 302  # to sign-in
    alice = Client()
    alice.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert alice.get(f"/reminders/devices/{phone.pk}/revoke/").status_code == 405
    assert PushSubscription.objects.filter(pk=phone.pk).exists()
