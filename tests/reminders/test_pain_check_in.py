"""The daily pain check-in: its own reminder kind, on the user's local times, once, never in quiet hours."""

from __future__ import annotations

from datetime import time, timedelta

import pytest

from reminders.models import Delivery, ReminderSchedule
from reminders.sending import delivery_send
from tests.reminders.test_tick import Ticker, local, make_schedule, utc

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticker(django_capture_on_commit_callbacks):
    return Ticker(django_capture_on_commit_callbacks)


def test_a_check_in_schedule_is_created_through_the_api(user_client):
    body = {"kind": "pain_check_in", "times": ["20:30"], "time_zone": "Europe/Berlin"}
    response = user_client.post("/api/reminders/", body, format="json")
    assert response.status_code == 201
    data = response.json()
    assert (data["kind"], data["times"], data["weekdays"]) == ("pain_check_in", ["20:30"], list(range(7)))
    assert data["next_fire_at"] is not None
    listed = user_client.get("/api/reminders/").json()
    kinds = [s["kind"] for s in (listed if isinstance(listed, list) else listed["results"])]
    assert kinds == ["pain_check_in"]


def test_a_check_in_without_times_is_refused_with_a_field_message(user_client):
    response = user_client.post("/api/reminders/", {"kind": "pain_check_in", "times": []}, format="json")
    assert response.status_code == 400
    assert "times" in response.json()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("start", "expected"),
    [
        # Spring forward in New York, 2025-03-09: 08:00 and 21:30 stay on the wall clock.
        (utc(2025, 3, 8, 4), ["03-08 08:00", "03-08 21:30", "03-09 08:00", "03-09 21:30"]),
        # Fall back, 2025-11-02: still once each, at the same local times.
        (utc(2025, 11, 1, 4), ["11-01 08:00", "11-01 21:30", "11-02 08:00", "11-02 21:30"]),
    ],
)
def test_the_check_in_fires_on_local_time_once_across_a_dst_change(user, subscribe, ticker, start, expected):
    subscribe(user)
    make_schedule(user, times=["08:00", "21:30"], zone="America/New_York", now=start, kind="pain_check_in")

    sent = ticker.run(start, start + timedelta(hours=47), step=timedelta(minutes=5))

    assert [local(d.fire_at, "America/New_York") for d in sent] == expected
    assert {d.kind for d in sent} == {"pain_check_in"}
    assert all(d.occurrence_key.startswith("c:") for d in sent)
    assert len({d.occurrence_key for d in sent}) == len(sent)
    # Each at the first tick after its local time (the UTC offset changed in between).
    assert all(timedelta(0) <= d.created_at - d.fire_at < timedelta(minutes=5) for d in sent)


def test_quiet_hours_hold_back_a_check_in(user, subscribe, ticker):
    subscribe(user)
    start = utc(2025, 6, 1, 12)
    make_schedule(
        user,
        times=["06:30", "20:00"],
        zone="Europe/Berlin",
        now=start,
        kind="pain_check_in",
        quiet_start=time(22, 0),
        quiet_end=time(7, 0),
    )
    sent = ticker.run(start, start + timedelta(days=1), step=timedelta(minutes=5))
    assert [local(d.fire_at, "Europe/Berlin") for d in sent] == ["06-01 20:00"]


def test_the_check_in_arrives_with_its_actions_and_the_pre_filled_form(user, subscribe, fake_push):
    fake, subscription = subscribe(user)
    schedule = make_schedule(user, times=["20:00"], zone="UTC", now=utc(2025, 6, 1), kind="pain_check_in")
    now = utc(2025, 6, 1, 20)
    delivery = Delivery.objects.create(
        user=user,
        schedule=schedule,
        subscription=subscription,
        kind=ReminderSchedule.Kind.PAIN_CHECK_IN,
        occurrence_key=f"c:{schedule.pk}:20250601T2000Z",
        fire_at=now,
        deadline=now + timedelta(minutes=30),
    )

    assert delivery_send(delivery_id=delivery.pk, now=now).status == "sent"

    [message] = fake_push.accepted(fake)
    payload = message.payload
    assert payload["title"] == "How is your pain today?"
    assert payload["kind"] == "pain_check_in" and payload["tag"] == delivery.occurrence_key
    assert payload["user"] == str(user.pk)
    assert payload["url"] == "/journal/?prefill=last#log-pain"
    assert [(a["action"], a["title"]) for a in payload["actions"]] == [
        ("same-as-last", "Same as last time"),
        ("log-pain", "Log now"),
    ]
    assert message.headers["urgency"] == "high"
    assert fake_push.errors == []


def _log_pain(user, at, *, deleted: bool = False) -> None:
    from journal.services.records import record_create, record_delete
    from tests.journal.helpers import pain_payload

    entry = record_create(user=user, record_type="pain_entry", data=pain_payload(occurred_at=at))
    if deleted:
        record_delete(user=user, record=entry)


def test_a_check_in_is_skipped_when_pain_was_already_logged_since_the_last_one(user, subscribe, ticker):
    subscribe(user)
    start = utc(2025, 6, 1, 4)  # 06:00 in Berlin
    make_schedule(user, times=["08:00", "21:30"], zone="Europe/Berlin", now=start, kind="pain_check_in")
    _log_pain(user, utc(2025, 6, 1, 5, 40))  # 07:40 in Berlin, before the morning check-in

    sent = ticker.run(start, start + timedelta(hours=18), step=timedelta(minutes=5))

    # Answered before it was asked: the morning one is skipped; nothing since 08:00, so the evening
    # one still asks.
    assert [local(d.fire_at, "Europe/Berlin") for d in sent] == ["06-01 21:30"]
    skipped = Delivery.objects.filter(status="skipped")
    assert [local(d.fire_at, "Europe/Berlin") for d in skipped] == ["06-01 08:00"]


def test_pain_from_yesterday_or_deleted_does_not_answer_today_s_check_in(user, subscribe, ticker):
    subscribe(user)
    start = utc(2025, 6, 1, 4)
    make_schedule(user, times=["08:00"], zone="Europe/Berlin", now=start, kind="pain_check_in")
    _log_pain(user, utc(2025, 5, 31, 21, 30))  # 23:30 in Berlin, the day before
    _log_pain(user, utc(2025, 6, 1, 5), deleted=True)

    sent = ticker.run(start, start + timedelta(hours=3), step=timedelta(minutes=5))

    assert [local(d.fire_at, "Europe/Berlin") for d in sent] == ["06-01 08:00"]
