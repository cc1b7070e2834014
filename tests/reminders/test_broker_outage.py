"""With Redis down, reminders are kept in the database and go out once it is back."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.utils import timezone

from glute_pwa.celery import app as celery_app
from reminders.models import Delivery
from reminders.services import schedule_create
from reminders.tick import deliveries_requeue_stale, reminders_tick
from tests.conftest import forget_broker_connections

pytestmark = pytest.mark.django_db


def test_a_reminder_due_while_redis_is_down_is_sent_once_when_it_returns(
    redis_down, user, subscribe, fake_push, django_capture_on_commit_callbacks, monkeypatch
):
    device, _ = subscribe(user)
    schedule_create(
        user=user,
        times=["08:00"],
        weekdays=list(range(7)),
        time_zone="UTC",
        now=datetime(2025, 6, 1, 7, tzinfo=UTC),
    )
    with (
        time_machine.travel(datetime(2025, 6, 1, 8, tzinfo=UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        report = reminders_tick(now=timezone.now())
    assert report.queued == 1
    delivery = Delivery.objects.get()
    assert delivery.status == "pending"  # kept, not lost, while the broker is unreachable

    # Redis is back: tasks run in-process again (eager), like a worker would run them.
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    monkeypatch.setitem(celery_app.conf, "broker_url", "memory://")
    forget_broker_connections()
    with time_machine.travel(datetime(2025, 6, 1, 8, 5, tzinfo=UTC), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert deliveries_requeue_stale(now=timezone.now()) == 1
        with django_capture_on_commit_callbacks(execute=True):
            assert deliveries_requeue_stale(now=timezone.now()) == 0
    received = fake_push.accepted(device)
    assert len(received) == 1
    assert received[0].payload["tag"] == delivery.occurrence_key
    delivery.refresh_from_db()
    assert delivery.status == "sent"
