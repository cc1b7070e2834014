"""At most MAX_SCHEDULES_PER_USER recurring reminders per user, however and however fast they arrive."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from reminders.models import ReminderSchedule
from reminders.services import MAX_SCHEDULES_PER_USER, ScheduleLimitReached, schedule_create, snooze_create
from tests.services import need_postgres
from tests.waiting import wait_for

LIMIT_MESSAGE = f"At most {MAX_SCHEDULES_PER_USER} reminders."


def _fill(user, count: int) -> None:
    for minute in range(count):
        schedule_create(user=user, times=[f"08:{minute:02d}"], weekdays=[0], time_zone="UTC")


@pytest.mark.django_db
def test_the_api_refuses_one_schedule_more_than_the_limit(user, user_client):
    _fill(user, MAX_SCHEDULES_PER_USER - 1)
    snooze_create(user=user)  # a snooze is not one of the user's reminders
    body = {"kind": "massage", "times": ["21:00"], "weekdays": [1]}

    assert user_client.post("/api/reminders/", body, format="json").status_code == 201
    refused = user_client.post("/api/reminders/", body | {"times": ["22:00"]}, format="json")

    assert refused.status_code == 400
    assert refused.json() == {"non_field_errors": [LIMIT_MESSAGE]}
    assert ReminderSchedule.objects.filter(user=user, one_off=False).count() == MAX_SCHEDULES_PER_USER


@pytest.mark.django_db
def test_an_import_cannot_go_past_the_limit_and_writes_nothing(user, user_client):
    from accounts.export import ImportRejected, import_from_dict

    _fill(user, MAX_SCHEDULES_PER_USER - 1)
    rows = [
        {"kind": "massage", "times": [f"20:{m:02d}"], "weekdays": [2], "time_zone": "UTC"} for m in range(2)
    ]
    with pytest.raises(ImportRejected) as rejected:
        import_from_dict(user=user, document={"format": "minimus-export", "version": 1, "reminders": rows})

    assert rejected.value.errors == {"reminders": {"1": {"non_field_errors": [LIMIT_MESSAGE]}}}
    assert ReminderSchedule.objects.filter(user=user).count() == MAX_SCHEDULES_PER_USER - 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_creates_at_the_last_free_place_cannot_both_pass(user):
    """The first create holds the user's row lock until it commits; the second waits for it on
    PostgreSQL, then counts the first one's schedule and is refused."""
    need_postgres()
    _fill(user, MAX_SCHEDULES_PER_USER - 1)
    first_inside = threading.Event()
    release_first = threading.Event()
    outcomes: dict[str, object] = {}

    def create(name: str, *, at: str, hold: bool) -> None:
        from django.db import transaction

        try:
            with transaction.atomic():
                schedule_create(user=user, times=[at], weekdays=[3], time_zone="UTC")
                if hold:
                    first_inside.set()
                    release_first.wait(timeout=30)
            outcomes[name] = "created"
        except ScheduleLimitReached:
            outcomes[name] = "refused"
        finally:
            connections.close_all()

    first = threading.Thread(target=create, args=("first",), kwargs={"at": "21:00", "hold": True})
    first.start()
    assert first_inside.wait(timeout=30)
    second = threading.Thread(target=create, args=("second",), kwargs={"at": "21:30", "hold": False})
    second.start()

    def second_waits_on_a_lock() -> bool:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            return cursor.fetchone()[0] == 1

    wait_for(second_waits_on_a_lock, what="the second create to wait for the user's row lock")
    assert "second" not in outcomes
    release_first.set()
    first.join(timeout=30)
    second.join(timeout=30)

    assert outcomes == {"first": "created", "second": "refused"}
    assert ReminderSchedule.objects.filter(user=user, one_off=False).count() == MAX_SCHEDULES_PER_USER
