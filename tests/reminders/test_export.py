"""Reminder schedules travel in the export and merge on import without doubling."""

import pytest

from accounts.export import export_as_dict
from reminders.models import ReminderSchedule
from reminders.services import schedule_create, snooze_create

pytestmark = pytest.mark.django_db


def test_export_lists_schedules_but_not_snoozes(user):
    schedule_create(user=user, times=["08:00", "20:30"], weekdays=[0, 2, 4], time_zone="Europe/Berlin")
    snooze_create(user=user)
    [row] = export_as_dict(user=user)["reminders"]
    assert row["times"] == ["08:00", "20:30"]
    assert row["weekdays"] == [0, 2, 4]
    assert row["time_zone"] == "Europe/Berlin"
    assert "id" not in row and "next_fire_at" not in row


def test_importing_twice_into_another_account_creates_each_schedule_once(user, other_user, other_client):
    schedule_create(user=user, times=["08:00"], weekdays=[0, 1, 2, 3, 4], time_zone="Europe/Berlin")
    document = export_as_dict(user=user)
    first = other_client.post("/api/import", document, format="json")
    second = other_client.post("/api/import", document, format="json")
    assert first.json()["imported"]["reminders"] == 1
    assert second.json()["imported"]["reminders"] == 0
    copy = ReminderSchedule.objects.get(user=other_user)
    assert copy.times == ["08:00"] and copy.next_fire_at is not None
    assert ReminderSchedule.objects.filter(user=user).count() == 1


def test_import_turns_a_schedule_back_on_and_refuses_bad_times(user, user_client):
    schedule = schedule_create(user=user, times=["08:00"], weekdays=[0], time_zone="UTC")
    document = export_as_dict(user=user)
    ReminderSchedule.objects.filter(pk=schedule.pk).update(enabled=False)
    assert user_client.post("/api/import", document, format="json").json()["imported"]["reminders"] == 1
    assert ReminderSchedule.objects.get(pk=schedule.pk).enabled is True
    document["reminders"][0]["times"] = ["25:99"]
    response = user_client.post("/api/import", document, format="json")
    assert response.status_code == 400
    assert "times" in response.json()["reminders"]["0"]


def test_a_file_listing_a_time_twice_still_merges_on_the_second_import(user_client, user):
    document = {
        "format": "minimus-export",
        "version": 1,
        "reminders": [
            {
                "kind": "massage",
                "times": ["20:00", "08:00", "08:00"],
                "weekdays": [1, 1, 3],
                "time_zone": "UTC",
            },
        ],
    }
    assert user_client.post("/api/import", document, format="json").json()["imported"]["reminders"] == 1
    assert user_client.post("/api/import", document, format="json").json()["imported"]["reminders"] == 0
    assert ReminderSchedule.objects.get(user=user).times == ["08:00", "20:00"]
