"""Nightly cleanup, beat schedule and configuration of reminders."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from reminders.cleanup import reminders_cleanup
from reminders.models import Delivery, PushSubscription, ReminderSchedule
from reminders.services import snooze_create
from tests.reminders.factories import make_delivery

pytestmark = pytest.mark.django_db


def test_dead_subscriptions_old_deliveries_and_spent_snoozes_are_removed(user, subscribe):
    now = timezone.now()
    _, dead = subscribe(user)
    _, alive = subscribe(user)
    _, new_but_failing = subscribe(user)
    PushSubscription.objects.filter(pk=dead.pk).update(
        created_at=now - timedelta(days=90), last_success_at=now - timedelta(days=45), failure_count=12
    )
    PushSubscription.objects.filter(pk=alive.pk).update(
        created_at=now - timedelta(days=90), last_success_at=now - timedelta(days=1), failure_count=0
    )
    PushSubscription.objects.filter(pk=new_but_failing.pk).update(failure_count=5)
    old = make_delivery(alive, fire_at=now - timedelta(days=40), key="m:1:old")
    Delivery.objects.filter(pk=old.pk).update(status="sent")
    recent = make_delivery(alive, fire_at=now - timedelta(days=2), key="m:1:recent")
    spent = snooze_create(user=user, now=now - timedelta(days=3))
    ReminderSchedule.objects.filter(pk=spent.pk).update(enabled=False, updated_at=now - timedelta(days=2))

    result = reminders_cleanup(now=now)

    assert set(PushSubscription.objects.values_list("pk", flat=True)) == {alive.pk, new_but_failing.pk}
    assert list(Delivery.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not ReminderSchedule.objects.exists()
    assert result["dead_subscriptions"] == 1


def test_beat_runs_the_tick_every_minute_and_the_cleanup_nightly():
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["reminders-tick"]["task"] == "reminders.tick"
    assert schedule["reminders-tick"]["schedule"] == 60.0
    assert schedule["reminders-cleanup"]["task"] == "reminders.cleanup"


def test_retry_countdowns_never_reach_the_visibility_timeout():
    from reminders.sending import BACKOFF_MAX_SECONDS

    assert BACKOFF_MAX_SECONDS < settings.CELERY_VISIBILITY_TIMEOUT
    assert settings.REMINDERS_SENDING_LEASE_SECONDS > settings.PUSH_TIMEOUT_SECONDS


def test_the_key_endpoint_says_when_push_is_not_configured(api_client, settings):
    settings.VAPID_PUBLIC_KEY = ""
    response = api_client.get("/api/push/key")
    assert response.status_code == 503


def test_the_tick_task_runs_the_tick(user, subscribe, fake_push):
    from reminders.tasks import tick

    subscribe(user)
    ReminderSchedule.objects.create(
        user=user,
        times=["08:00"],
        weekdays=list(range(7)),
        next_fire_at=timezone.now() - timedelta(seconds=5),
    )
    assert tick.delay().get()["queued"] == 1
