"""Changing the account's time zone moves the reminders kept in it (accounts sends, reminders listens)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from accounts.models import Profile
from accounts.services import profile_update
from accounts.signals import time_zone_changed
from reminders.models import ReminderSchedule
from reminders.services import schedule_create

pytestmark = pytest.mark.django_db

MORNING = datetime(2025, 6, 1, 1, tzinfo=UTC)


def _daily_at_eight(user, zone: str) -> ReminderSchedule:
    return schedule_create(user=user, times=["08:00"], weekdays=list(range(7)), time_zone=zone, now=MORNING)


def test_a_new_time_zone_moves_the_reminders_so_they_ring_at_the_same_local_time(user, user_client):
    home = _daily_at_eight(user, "Europe/Berlin")
    elsewhere = _daily_at_eight(user, "Asia/Kolkata")

    response = user_client.patch("/api/account/", {"time_zone": "Asia/Tokyo"}, format="json")

    assert response.status_code == 200
    home.refresh_from_db()
    elsewhere.refresh_from_db()
    assert home.time_zone == "Asia/Tokyo"
    assert home.next_fire_at.astimezone(UTC).hour == 23  # 08:00 in Tokyo is 23:00 UTC the day before
    assert home.next_fire_at.astimezone(home.next_fire_at.tzinfo).minute == 0
    # A schedule the user set in another zone on purpose stays there.
    assert elsewhere.time_zone == "Asia/Kolkata"


def test_the_same_time_zone_again_changes_no_reminder(user, monkeypatch):
    schedule = _daily_at_eight(user, "Europe/Berlin")
    before = ReminderSchedule.objects.get(pk=schedule.pk).updated_at
    sent = []
    time_zone_changed.connect(
        lambda sender, **kwargs: sent.append(kwargs), dispatch_uid="test.same", weak=False
    )
    try:
        profile_update(user=user, time_zone="Europe/Berlin")
    finally:
        time_zone_changed.disconnect(dispatch_uid="test.same")
    assert sent == []
    assert ReminderSchedule.objects.get(pk=schedule.pk).updated_at == before


def test_a_failure_moving_the_reminders_leaves_the_time_zone_unchanged(user, monkeypatch):
    schedule = _daily_at_eight(user, "Europe/Berlin")

    def broken(**_: object) -> int:
        raise RuntimeError("schedules could not be moved")

    monkeypatch.setattr("reminders.receivers.schedules_follow_time_zone", broken)
    with pytest.raises(RuntimeError):
        profile_update(user=user, time_zone="Asia/Tokyo")

    assert Profile.objects.get(user=user).time_zone == "Europe/Berlin"
    schedule.refresh_from_db()
    assert schedule.time_zone == "Europe/Berlin"
