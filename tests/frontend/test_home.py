"""Home shows when the next massage reminder will come, in the user's own time zone."""

from datetime import UTC, datetime

import pytest
import time_machine

from reminders.services import schedule_create

pytestmark = pytest.mark.django_db


def test_home_names_the_next_reminder_in_local_time(client, user):
    client.force_login(user)
    with time_machine.travel(datetime(2026, 11, 26, 6, 0, tzinfo=UTC), tick=False):
        schedule_create(user=user, times=["08:30"], weekdays=[3, 4], time_zone="Europe/Berlin")
        page = client.get("/").content.decode()
    assert "Thursday, 26 November, 08:30" in page
    assert "Europe/Berlin" in page


def test_home_offers_to_set_a_reminder_when_there_is_none(client, user):
    client.force_login(user)
    assert "No reminder set" in client.get("/").content.decode()


def test_home_says_when_no_device_can_receive_the_next_reminder(client, user):
    from reminders.services import subscription_upsert

    client.force_login(user)
    schedule_create(user=user, times=["08:30"], weekdays=[0, 1, 2, 3, 4, 5, 6], time_zone="Europe/Berlin")
    assert "No device can receive this reminder yet" in client.get("/").content.decode()

    subscription = subscription_upsert(
        user=user, endpoint="https://push.example.invalid/1", p256dh="B" + "A" * 86, auth="A" * 22
    )
    assert "No device can receive this reminder yet" not in client.get("/").content.decode()

    subscription.failure_count = 3  # the push service keeps refusing it
    subscription.save()
    assert "No device can receive this reminder yet" in client.get("/").content.decode()
