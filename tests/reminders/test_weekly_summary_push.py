"""The weekly summary arrives at the user's chosen weekday and time, saying what changed.

End to end: the reminders tick at the scheduled moment, the Celery send task, Web
Push encryption, and the local fake push service that decrypts what the phone would show.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from reminders.models import Delivery
from reminders.services import schedule_create
from reminders.tick import reminders_tick
from tests.journal.test_trends_api import log_massage, log_pain

pytestmark = pytest.mark.django_db

# Sunday 15 March 2026, 18:00 in Berlin (UTC+1): the week is Monday 9 to Sunday 15 March.
SCHEDULED = datetime(2026, 3, 15, 17, 0, tzinfo=UTC)


def run_tick_at(moment, capture) -> None:
    with time_machine.travel(moment, tick=False), capture(execute=True):
        reminders_tick(now=timezone.now())


def weekly_schedule(user, **extra):
    return schedule_create(
        user=user,
        kind="weekly_summary",
        times=["18:00"],
        weekdays=[6],
        time_zone="Europe/Berlin",
        now=SCHEDULED - timedelta(hours=5),
        **extra,
    )


def test_the_summary_push_says_what_changed_and_opens_trends(
    user, subscribe, fake_push, django_capture_on_commit_callbacks
):
    device, _ = subscribe(user)
    log_pain(user, occurred_at="2026-03-03T09:00:00Z", intensity=5, posture="sitting")
    log_pain(user, occurred_at="2026-03-05T09:00:00Z", intensity=6, posture="walking")
    log_pain(user, occurred_at="2026-03-10T09:00:00Z", intensity=3, posture="sitting")
    log_pain(user, occurred_at="2026-03-12T09:00:00Z", intensity=5, posture="walking")
    log_pain(user, occurred_at="2026-03-14T23:30:00Z", intensity=4, posture="sitting")
    log_massage(user, occurred_at="2026-03-11T19:00:00Z", pain_before=6, pain_after=4)
    weekly_schedule(user)

    run_tick_at(SCHEDULED - timedelta(minutes=1), django_capture_on_commit_callbacks)
    assert fake_push.accepted(device) == []  # not before its time
    run_tick_at(SCHEDULED, django_capture_on_commit_callbacks)

    [message] = fake_push.accepted(device)
    assert message.payload["title"] == "Your week: Mar 9 to Mar 15"
    assert message.payload["body"] == (
        "Average pain 4.0, down 1.5 from last week; walking hurts most; massages helped by 2.0 points."
    )
    assert message.payload["url"] == "/trends/?from=2026-03-09&to=2026-03-15"
    assert message.payload["kind"] == "weekly_summary"
    assert message.headers["urgency"] == "normal"
    assert fake_push.errors == []


def test_a_week_with_no_entries_sends_nothing(user, subscribe, fake_push, django_capture_on_commit_callbacks):
    device, _ = subscribe(user)
    log_pain(user, occurred_at="2026-03-04T09:00:00Z", intensity=5)  # the week before only
    weekly_schedule(user)

    run_tick_at(SCHEDULED, django_capture_on_commit_callbacks)

    assert fake_push.accepted(device) == []
    assert list(Delivery.objects.values_list("status", flat=True)) == ["skipped"]


def test_a_week_with_no_entries_sends_a_gentle_nudge_to_those_who_asked(
    user, subscribe, fake_push, django_capture_on_commit_callbacks
):
    device, _ = subscribe(user)
    weekly_schedule(user, nudge_if_empty=True)

    run_tick_at(SCHEDULED, django_capture_on_commit_callbacks)

    [message] = fake_push.accepted(device)
    assert message.payload["body"].startswith("Nothing logged this week.")
    assert message.payload["url"] == "/journal/"


def test_spreading_pain_is_named_calmly_in_the_push(
    user, subscribe, fake_push, django_capture_on_commit_callbacks
):
    device, _ = subscribe(user)
    log_pain(user, occurred_at="2026-02-25T09:00:00Z", intensity=5, zone="lower_buttock")
    log_pain(user, occurred_at="2026-03-04T09:00:00Z", intensity=5, zone="outer_thigh")
    log_pain(user, occurred_at="2026-03-11T09:00:00Z", intensity=5, zone="outer_lower_leg")
    weekly_schedule(user)

    run_tick_at(SCHEDULED, django_capture_on_commit_callbacks)

    [message] = fake_push.accepted(device)
    assert message.payload["body"].endswith("further down the leg; it is worth seeing a doctor.")
