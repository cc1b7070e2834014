"""A snooze link from a notification works once, and one reminder is put off a few times at most."""

from __future__ import annotations

import json

import pytest

from reminders.models import Delivery, ReminderSchedule
from reminders.payloads import build_payload, snooze_token
from reminders.services import MAX_SNOOZES_PER_OCCURRENCE

pytestmark = pytest.mark.django_db


def _snooze(api_client, token: str):
    return api_client.post("/api/reminders/snooze", {"token": token}, format="json")


def test_a_snooze_link_works_once(api_client, user):
    token = snooze_token(user_id=user.pk, occurrence_key="m:1:20250601T0800Z")
    assert _snooze(api_client, token).status_code == 201
    again = _snooze(api_client, token)
    assert again.status_code == 409 and "already snoozed" in again.json()["detail"]
    assert ReminderSchedule.objects.filter(one_off=True).count() == 1


def test_a_second_snooze_of_one_notification_the_checks_miss_is_refused_not_an_error(api_client, user):
    # What two taps at once give on SQLite (no row locks): the second passes the checks and meets
    # the one-snooze-per-notification constraint. Here the chain roots differ, so the check misses.
    occurrence = "m:1:20250601T0800Z"
    first = snooze_token(user_id=user.pk, occurrence_key=occurrence, root="m:0:a")
    second = snooze_token(user_id=user.pk, occurrence_key=occurrence, root="m:0:b")
    assert _snooze(api_client, first).status_code == 201
    again = _snooze(api_client, second)
    assert again.status_code == 409 and "already snoozed" in again.json()["detail"]
    assert ReminderSchedule.objects.filter(one_off=True).count() == 1


def test_a_chain_of_snoozes_stops_after_a_few(api_client, user):
    root = "m:1:20250601T0800Z"
    statuses = []
    for hop in range(MAX_SNOOZES_PER_OCCURRENCE + 1):
        # Each snooze fires as a new notification of its own occurrence, carrying the chain's root.
        token = snooze_token(user_id=user.pk, occurrence_key=f"m:s{hop}:x", root=root)
        statuses.append(_snooze(api_client, token).status_code)
    assert statuses == [201] * MAX_SNOOZES_PER_OCCURRENCE + [409]
    assert ReminderSchedule.objects.filter(one_off=True).count() == MAX_SNOOZES_PER_OCCURRENCE


def test_a_snoozed_reminder_s_notification_carries_the_chain_root(api_client, user):
    token = snooze_token(user_id=user.pk, occurrence_key="m:1:20250601T0800Z")
    assert _snooze(api_client, token).status_code == 201
    snooze = ReminderSchedule.objects.get(one_off=True)
    delivery = Delivery(
        user=user,
        schedule=snooze,
        kind=Delivery.Kind.MASSAGE,
        occurrence_key=f"m:{snooze.pk}:20250601T0830Z",
        fire_at=snooze.next_fire_at,
        deadline=snooze.next_fire_at,
    )
    next_token = json.loads(build_payload(delivery))["snooze"]
    assert _snooze(api_client, next_token).status_code == 201
    assert set(ReminderSchedule.objects.filter(one_off=True).values_list("snooze_root", flat=True)) == {
        "m:1:20250601T0800Z"
    }


def test_the_signed_in_snooze_button_is_not_limited_by_tokens(user_client):
    for _ in range(MAX_SNOOZES_PER_OCCURRENCE + 1):
        assert user_client.post("/api/reminders/snooze", {}, format="json").status_code == 201
