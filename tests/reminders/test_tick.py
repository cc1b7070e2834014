"""The every-minute tick with frozen time: on time in the user's zone, once, never stale."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone

from reminders.models import Delivery, ReminderSchedule
from reminders.services import schedule_create, snooze_create
from reminders.tick import deliveries_requeue_stale, reminders_tick

pytestmark = pytest.mark.django_db
# Days of ticks every five minutes, a database round each: seconds per test.
SIMULATES_DAYS = pytest.mark.slow
EVERY_DAY = list(range(7))


class Ticker:
    """Runs the tick once a minute over a span of frozen time, collecting what it queued."""

    def __init__(self, capture) -> None:
        self.queued: list[int] = []
        self.capture = capture

    def enqueue(self, ids: list[int]) -> None:
        self.queued.extend(ids)

    def run(
        self, start: datetime, end: datetime, *, step: timedelta = timedelta(minutes=1)
    ) -> list[Delivery]:
        moment = start
        while moment <= end:
            with time_machine.travel(moment, tick=False), self.capture(execute=True):
                reminders_tick(now=timezone.now(), enqueue=self.enqueue)
            moment += step
        return list(Delivery.objects.filter(pk__in=self.queued).order_by("fire_at"))


@pytest.fixture
def ticker(django_capture_on_commit_callbacks):
    # The tick enqueues on commit; run those callbacks inside the test transaction.
    return Ticker(django_capture_on_commit_callbacks)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local(moment: datetime, zone: str) -> str:
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo(zone)).strftime("%m-%d %H:%M")


def make_schedule(user, *, times, zone, now, weekdays=EVERY_DAY, **extra) -> ReminderSchedule:
    return schedule_create(user=user, times=times, weekdays=weekdays, time_zone=zone, now=now, **extra)


@SIMULATES_DAYS
@pytest.mark.parametrize(
    ("start", "times", "expected"),
    [
        # Spring forward 2025-03-09: 08:00 stays 08:00; the skipped 02:30 fires at 03:30.
        (
            utc(2025, 3, 8, 4),
            ["02:30", "08:00"],
            ["03-08 02:30", "03-08 08:00", "03-09 03:30", "03-09 08:00", "03-10 02:30", "03-10 08:00"],
        ),
        # Fall back 2025-11-02: the repeated 01:30 fires once.
        (
            utc(2025, 11, 1, 4),
            ["01:30", "08:00"],
            ["11-01 01:30", "11-01 08:00", "11-02 01:30", "11-02 08:00", "11-03 01:30", "11-03 08:00"],
        ),
    ],
)
def test_new_york_reminders_fire_once_at_local_time_across_dst(
    user, subscribe, ticker, start, times, expected
):
    _device, _ = subscribe(user)
    make_schedule(user, times=times, zone="America/New_York", now=start)

    sent = ticker.run(start, start + timedelta(hours=71), step=timedelta(minutes=5))

    assert [local(d.fire_at, "America/New_York") for d in sent] == expected
    # Each went out at the first tick after it was due.
    assert all(timedelta(0) <= d.created_at - d.fire_at < timedelta(minutes=5) for d in sent)
    assert len({d.occurrence_key for d in sent}) == len(sent)


@SIMULATES_DAYS
@pytest.mark.parametrize(
    "zone",
    ["Asia/Kolkata", "Australia/Adelaide", "Asia/Kathmandu", "Europe/London", "America/Sao_Paulo"],
)
def test_reminders_fire_at_local_time_in_other_zones(user, subscribe, ticker, zone):
    subscribe(user)
    start = utc(2025, 10, 3, 0)  # spans Adelaide's own DST change (2025-10-05)
    make_schedule(user, times=["07:15", "21:45"], zone=zone, now=start)
    sent = ticker.run(start, start + timedelta(days=3), step=timedelta(minutes=5))
    assert len(sent) == 6
    assert {local(d.fire_at, zone)[-5:] for d in sent} == {"07:15", "21:45"}


@SIMULATES_DAYS
def test_quiet_hours_over_midnight_hold_back_night_reminders(user, subscribe, ticker):
    subscribe(user)
    start = utc(2025, 6, 1, 12)
    make_schedule(
        user,
        times=["06:00", "12:30", "23:30"],
        zone="Europe/Berlin",
        now=start,
        quiet_start=time(22, 0),
        quiet_end=time(7, 0),
    )
    sent = ticker.run(start, start + timedelta(days=2), step=timedelta(minutes=5))
    assert [local(d.fire_at, "Europe/Berlin") for d in sent] == ["06-02 12:30", "06-03 12:30"]


def test_every_device_gets_the_reminder(user, subscribe, ticker):
    for _ in range(3):
        subscribe(user)
    start = utc(2025, 6, 1, 7, 59)
    make_schedule(user, times=["08:00"], zone="UTC", now=start)
    sent = ticker.run(start, utc(2025, 6, 1, 8, 2))
    assert len(sent) == 3 and len({d.occurrence_key for d in sent}) == 1
    assert {d.created_at for d in sent} == {utc(2025, 6, 1, 8)}
    assert len({d.subscription_id for d in sent}) == 3


def test_after_a_ten_minute_outage_the_reminder_fires_once(user, subscribe, ticker):
    subscribe(user)
    make_schedule(user, times=["08:00"], zone="UTC", now=utc(2025, 6, 1, 7))
    # No tick between 07:55 and 08:05; ticks resume at 08:05.
    ticker.run(utc(2025, 6, 1, 7, 50), utc(2025, 6, 1, 7, 55))
    sent = ticker.run(utc(2025, 6, 1, 8, 5), utc(2025, 6, 1, 8, 30))
    assert [d.fire_at for d in sent] == [utc(2025, 6, 1, 8)]
    assert Delivery.objects.count() == 1


def test_after_a_two_hour_outage_the_reminder_is_missed_not_sent(user, subscribe, ticker):
    subscribe(user)
    schedule = make_schedule(user, times=["08:00", "20:00"], zone="UTC", now=utc(2025, 6, 1, 7))
    sent = ticker.run(utc(2025, 6, 1, 10), utc(2025, 6, 1, 10, 5))
    assert sent == []
    [missed] = Delivery.objects.all()
    assert (missed.status, missed.fire_at) == ("missed", utc(2025, 6, 1, 8))
    schedule.refresh_from_db()
    assert schedule.next_fire_at == utc(2025, 6, 1, 20)


def test_two_ticks_at_once_send_each_occurrence_once(user, subscribe, ticker):
    subscribe(user)
    make_schedule(user, times=["08:00"], zone="UTC", now=utc(2025, 6, 1, 7))
    with time_machine.travel(utc(2025, 6, 1, 8, 0, 30), tick=False), ticker.capture(execute=True):
        reminders_tick(enqueue=ticker.enqueue)
        reminders_tick(enqueue=ticker.enqueue)
    assert Delivery.objects.count() == 1 and len(ticker.queued) == 1


def _log_massage(user, at: datetime, *, deleted: bool = False) -> None:
    from journal.services.records import record_create, record_delete

    session = record_create(
        user=user,
        record_type="massage_session",
        data={
            "occurred_at": at,
            "time_zone": "UTC",
            "portion": "anterior",
            "side": "left",
            "tool": "ball",
            "minutes": 5,
            "pain_before": 5,
        },
    )
    if deleted:
        record_delete(user=user, record=session)


def test_a_massage_logged_recently_skips_the_reminder(user, subscribe, ticker):
    subscribe(user)
    make_schedule(user, times=["08:00"], zone="UTC", now=utc(2025, 6, 1, 7))
    _log_massage(user, utc(2025, 6, 1, 7, 15))
    assert ticker.run(utc(2025, 6, 1, 8), utc(2025, 6, 1, 8, 1)) == []
    assert Delivery.objects.get().status == "skipped"


def test_an_old_or_deleted_massage_does_not_skip_the_reminder(user, subscribe, ticker):
    from journal.selectors import users_with_massage_since

    subscribe(user)
    make_schedule(user, times=["08:00"], zone="UTC", now=utc(2025, 6, 1, 7))
    _log_massage(user, utc(2025, 5, 31, 8))
    _log_massage(user, utc(2025, 6, 1, 7, 30), deleted=True)
    assert users_with_massage_since(user_ids=[user.pk], since=utc(2025, 6, 1, 5)) == set()
    assert len(ticker.run(utc(2025, 6, 1, 8), utc(2025, 6, 1, 8, 1))) == 1


def test_a_snooze_fires_once_thirty_minutes_later(user, subscribe, ticker):
    subscribe(user)
    snooze = snooze_create(user=user, now=utc(2025, 6, 1, 8))
    sent = ticker.run(utc(2025, 6, 1, 8), utc(2025, 6, 1, 9))
    assert [d.fire_at for d in sent] == [utc(2025, 6, 1, 8, 30)]
    snooze.refresh_from_db()
    assert snooze.enabled is False and snooze.next_fire_at is None


@SIMULATES_DAYS
def test_weekly_summary_fires_on_its_weekday_and_time(user, subscribe, ticker):
    subscribe(user)
    start = utc(2025, 6, 1, 0)  # a Sunday
    make_schedule(user, kind="weekly_summary", times=["18:00"], weekdays=[6], zone="Europe/Berlin", now=start)
    sent = ticker.run(start, start + timedelta(days=8), step=timedelta(minutes=10))
    assert [local(d.fire_at, "Europe/Berlin") for d in sent] == ["06-01 18:00", "06-08 18:00"]
    assert {d.kind for d in sent} == {"weekly_summary"}


def test_disabled_schedules_and_users_without_devices_send_nothing(user, other_user, subscribe, ticker):
    subscribe(user)
    make_schedule(user, times=["08:00"], zone="UTC", now=utc(2025, 6, 1, 7), enabled=False)
    make_schedule(other_user, times=["08:00"], zone="UTC", now=utc(2025, 6, 1, 7))
    assert ticker.run(utc(2025, 6, 1, 8), utc(2025, 6, 1, 8, 2)) == []


def test_stranded_deliveries_are_requeued_after_the_lease(user, subscribe, ticker):
    from tests.reminders.factories import make_delivery

    _, subscription = subscribe(user)
    now = utc(2025, 6, 1, 8)
    sending = make_delivery(subscription, fire_at=now, key="m:1:a")
    Delivery.objects.filter(pk=sending.pk).update(status="sending", sending_started_at=now)
    lost = make_delivery(subscription, fire_at=now, key="m:1:b")
    late = make_delivery(subscription, fire_at=now - timedelta(hours=2), key="m:1:c")

    with ticker.capture(execute=True):
        assert deliveries_requeue_stale(now=now + timedelta(seconds=30), enqueue=ticker.enqueue) == 0
        assert deliveries_requeue_stale(now=now + timedelta(minutes=5), enqueue=ticker.enqueue) == 2
    assert sorted(ticker.queued) == sorted([sending.pk, lost.pk])
    assert Delivery.objects.get(pk=sending.pk).status == "pending"
    assert Delivery.objects.get(pk=late.pk).status == "failed"


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_concurrent_ticks_on_postgresql_split_the_work_without_doubling_it(make_user):
    import threading

    from django.contrib.auth import get_user_model
    from django.db import connection

    from reminders.models import PushSubscription
    from tests.services import need_postgres

    need_postgres()
    now = timezone.now()
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"race{i}", password="!") for i in range(300)
    )
    PushSubscription.objects.bulk_create(
        PushSubscription(user=u, endpoint=f"https://push.invalid/{u.pk}", p256dh="B" * 87, auth="A" * 22)
        for u in users
    )
    ReminderSchedule.objects.bulk_create(
        ReminderSchedule(
            user=u, times=["08:00"], weekdays=EVERY_DAY, next_fire_at=now - timedelta(seconds=10)
        )
        for u in users
    )
    queued: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(3)

    def collect(ids: list[int]) -> None:
        with lock:
            queued.extend(ids)

    def run() -> None:
        start.wait()
        try:
            reminders_tick(
                now=now,
                batch_size=50,
                enqueue=collect,
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Delivery.objects.count() == 300 and len(queued) == 300 and len(set(queued)) == 300
    assert not ReminderSchedule.objects.filter(next_fire_at__lte=now).exists()


@SIMULATES_DAYS
def test_after_travel_reminders_ring_at_the_same_local_time_in_the_new_zone(user, subscribe, ticker):
    from accounts.services import profile_update

    subscribe(user)
    with time_machine.travel(utc(2025, 6, 1, 12), tick=False):
        make_schedule(user, times=["08:00"], zone="Europe/Berlin", now=utc(2025, 6, 1, 12))
        profile_update(user=user, time_zone="America/New_York")
    sent = ticker.run(utc(2025, 6, 1, 12), utc(2025, 6, 2, 14), step=timedelta(minutes=5))
    assert [local(d.fire_at, "America/New_York") for d in sent] == ["06-02 08:00"]
