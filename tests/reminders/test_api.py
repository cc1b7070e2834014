"""The reminders API: devices, schedules, test notification, snooze; bad input and other users."""

from __future__ import annotations

import pytest

from reminders.models import Delivery, PushSubscription, ReminderSchedule
from reminders.payloads import snooze_token

pytestmark = pytest.mark.django_db

MASSAGE = {"times": ["08:00", "20:30"], "weekdays": [0, 2, 4], "quiet_start": "22:00", "quiet_end": "07:00"}


def subscription_body(fake_push):
    device = fake_push.subscribe()
    return device, {"endpoint": device.endpoint, "keys": device.keys, "user_agent": "Pixel test"}


def test_the_public_key_is_served_without_signing_in(api_client, vapid):
    response = api_client.get("/api/push/key")
    assert response.status_code == 200 and response.json() == {"public_key": vapid["public_key"]}


# Outside a test transaction, as a served request runs: the registration takes its own.
@pytest.mark.django_db(transaction=True)
def test_a_device_registers_and_appears_in_the_list(user_client, fake_push):
    _, body = subscription_body(fake_push)
    assert user_client.post("/api/push/subscriptions/", body, format="json").status_code == 201
    # Re-registering on every app start updates the same row.
    assert user_client.post("/api/push/subscriptions/", body, format="json").status_code == 201
    [device] = user_client.get("/api/push/subscriptions/").json()
    assert device["user_agent"] == "Pixel test" and device["status"] == "not tested yet"
    assert PushSubscription.objects.count() == 1


def test_a_device_is_removed_by_endpoint(user_client, fake_push):
    _, body = subscription_body(fake_push)
    user_client.post("/api/push/subscriptions/", body, format="json")
    response = user_client.delete("/api/push/subscriptions/", {"endpoint": body["endpoint"]}, format="json")
    assert response.status_code == 204 and PushSubscription.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"endpoint": "not a url"}, "endpoint"),
        ({"endpoint": "ftp://push.example/1"}, "endpoint"),
        ({"keys": {"p256dh": "abc", "auth": "AAAAAAAAAAAAAAAAAAAAAA"}}, "keys"),
        ({"keys": {"p256dh": "!!!", "auth": "x"}}, "keys"),
        ({"keys": "nope"}, "keys"),
        ({"endpoint": None}, "endpoint"),
    ],
)
def test_bad_subscriptions_are_refused_with_field_messages(user_client, fake_push, change, field):
    _, body = subscription_body(fake_push)
    response = user_client.post("/api/push/subscriptions/", {**body, **change}, format="json")
    assert response.status_code == 400 and field in response.json()
    assert PushSubscription.objects.count() == 0


def test_schedules_can_be_created_changed_and_deleted(user_client):
    response = user_client.post("/api/reminders/", MASSAGE, format="json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["time_zone"] == "Europe/Berlin"  # from the profile
    assert created["times"] == ["08:00", "20:30"] and created["next_fire_at"]
    assert (created["quiet_start"], created["quiet_end"]) == ("22:00", "07:00")

    changed = user_client.patch(f"/api/reminders/{created['id']}/", {"times": ["09:15"]}, format="json")
    assert changed.status_code == 200 and changed.json()["times"] == ["09:15"]
    assert user_client.get("/api/reminders/").json()[0]["times"] == ["09:15"]

    off = user_client.patch(f"/api/reminders/{created['id']}/", {"enabled": False}, format="json")
    assert off.json()["enabled"] is False
    assert user_client.delete(f"/api/reminders/{created['id']}/").status_code == 204
    assert ReminderSchedule.objects.count() == 0


def test_a_weekly_summary_schedule(user_client):
    body = {"kind": "weekly_summary", "times": ["18:00"], "weekdays": [6], "time_zone": "Asia/Kolkata"}
    response = user_client.post("/api/reminders/", body, format="json")
    assert response.status_code == 201 and response.json()["kind"] == "weekly_summary"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"times": ["25:00"]}, "times"),
        ({"times": ["8am"]}, "times"),
        ({"times": []}, "times"),
        ({"times": "08:00"}, "times"),
        ({"times": [8]}, "times"),
        ({"times": ["08:00"], "weekdays": [7]}, "weekdays"),
        ({"times": ["08:00"], "weekdays": ["monday"]}, "weekdays"),
        ({"times": ["08:00"], "time_zone": "Mars/Olympus"}, "time_zone"),
        ({"times": ["08:00"], "quiet_start": "22:00"}, "quiet_end"),
        ({"times": ["08:00"], "quiet_start": "22:00", "quiet_end": "22:00"}, "quiet_end"),
        ({"times": ["08:00"], "quiet_start": "22", "quiet_end": "07:00"}, "quiet_start"),
        ({"times": ["08:00"], "kind": "daily_spam"}, "kind"),
        ({"times": ["08:00"], "enabled": "perhaps"}, "enabled"),
        ({}, "times"),
    ],
)
def test_bad_schedules_are_refused_with_field_messages(user_client, body, field):
    response = user_client.post("/api/reminders/", body, format="json")
    assert response.status_code == 400 and field in response.json(), response.json()
    assert ReminderSchedule.objects.count() == 0


def test_a_bad_change_keeps_the_schedule_as_it_was(user_client):
    created = user_client.post("/api/reminders/", MASSAGE, format="json").json()
    response = user_client.patch(f"/api/reminders/{created['id']}/", {"times": ["99:99"]}, format="json")
    assert response.status_code == 400
    assert ReminderSchedule.objects.get().times == ["08:00", "20:30"]


def test_malformed_json_is_a_400(user_client):
    response = user_client.post("/api/reminders/", "{not json", content_type="application/json")
    assert response.status_code == 400


def test_another_users_schedules_and_devices_are_not_found(user_client, other_client, fake_push):
    created = user_client.post("/api/reminders/", MASSAGE, format="json").json()
    _, body = subscription_body(fake_push)
    user_client.post("/api/push/subscriptions/", body, format="json")
    device_id = PushSubscription.objects.get().pk

    assert other_client.get(f"/api/reminders/{created['id']}/").status_code == 404
    assert (
        other_client.patch(
            f"/api/reminders/{created['id']}/", {"times": ["03:00"]}, format="json"
        ).status_code
        == 404
    )
    assert other_client.delete(f"/api/reminders/{created['id']}/").status_code == 404
    assert other_client.get("/api/reminders/").json() == []
    assert other_client.get("/api/push/subscriptions/").json() == []
    assert other_client.delete(f"/api/push/subscriptions/{device_id}/").status_code == 404
    gone = other_client.delete("/api/push/subscriptions/", {"endpoint": body["endpoint"]}, format="json")
    assert gone.status_code == 404
    assert (
        ReminderSchedule.objects.get().times == ["08:00", "20:30"] and PushSubscription.objects.count() == 1
    )


def test_signed_out_visitors_get_nothing(api_client):
    for url in ("/api/reminders/", "/api/push/subscriptions/"):
        assert api_client.get(url).status_code == 401
    # The snooze door asks for its notification token (or a session) like every other: 401.
    assert api_client.post("/api/reminders/snooze", {}, format="json").status_code == 401


def test_send_a_test_notification_reaches_every_device(
    user, user_client, subscribe, fake_push, django_capture_on_commit_callbacks
):
    first, _ = subscribe(user)
    _second, _ = subscribe(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = user_client.post("/api/reminders/test")
    assert response.status_code == 202 and response.json() == {"devices": 2}
    assert [m.payload["title"] for m in fake_push.accepted()] == ["Test notification"] * 2
    [device] = [
        d for d in user_client.get("/api/push/subscriptions/").json() if d["endpoint"] == first.endpoint
    ]
    assert device["status"] == "working"


def test_a_test_notification_without_a_device_explains_what_to_do(user_client):
    response = user_client.post("/api/reminders/test")
    assert response.status_code == 400 and "Turn on reminders" in response.json()["non_field_errors"][0]


def test_snooze_creates_a_one_off_reminder_in_thirty_minutes(user_client):
    response = user_client.post("/api/reminders/snooze", {}, format="json")
    assert response.status_code == 201 and response.json()["one_off"] is True
    assert ReminderSchedule.objects.get().one_off


def test_the_service_worker_snoozes_with_the_notification_token(api_client, user):
    token = snooze_token(user_id=user.pk, occurrence_key="m:1:20250601T0800Z")
    response = api_client.post("/api/reminders/snooze", {"token": token}, format="json")
    assert response.status_code == 201
    assert ReminderSchedule.objects.get().user == user


def test_a_forged_snooze_token_is_refused(api_client, user):
    response = api_client.post("/api/reminders/snooze", {"token": "forged:token"}, format="json")
    assert response.status_code == 401 and ReminderSchedule.objects.count() == 0


def test_snooze_minutes_are_bounded(user_client):
    assert user_client.post("/api/reminders/snooze", {"minutes": 0}, format="json").status_code == 400
    assert Delivery.objects.count() == 0


def test_a_malformed_snooze_body_is_a_400(api_client, user_client):
    for client in (api_client, user_client):
        response = client.post("/api/reminders/snooze", "{oops", content_type="application/json")
        assert response.status_code == 400
    assert ReminderSchedule.objects.count() == 0


def test_a_browser_stopped_from_the_devices_list_stays_stopped_until_turned_on_there(
    user_client, fake_push, user
):
    from django.test import Client

    device, body = subscription_body(fake_push)
    assert user_client.post("/api/push/subscriptions/", body, format="json").status_code == 201
    [listed] = user_client.get("/api/push/subscriptions/").json()

    # From the laptop, the user stops notifications to the phone.
    laptop = Client()
    laptop.force_login(user)
    assert laptop.post(f"/reminders/devices/{listed['id']}/revoke/").status_code == 302

    # The phone opens the app: its start-up refresh must not bring it back.
    refresh = user_client.post("/api/push/subscriptions/", {**body, "renewal": True}, format="json")
    assert refresh.status_code == 409
    assert refresh.json()["code"] == "push_stopped"
    assert "stopped from your devices list" in refresh.json()["endpoint"][0]
    assert PushSubscription.objects.count() == 0
    assert user_client.post("/api/reminders/test", {}, format="json").status_code == 400  # no device
    assert fake_push.accepted(device) == []

    # Turning reminders on again on the phone is the user's choice: it registers.
    assert user_client.post("/api/push/subscriptions/", body, format="json").status_code == 201
    again = user_client.post("/api/push/subscriptions/", {**body, "renewal": True}, format="json")
    assert again.status_code == 201
    assert PushSubscription.objects.count() == 1
