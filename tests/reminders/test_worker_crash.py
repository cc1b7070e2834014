"""A real Celery worker on the real Redis broker is killed mid-send: every reminder still arrives once.

The worker (solo pool, so exactly one send is in flight) is SIGKILLed while its
POST to the fake push service is open, i.e. after it flipped a delivery from
pending to sending and before the service accepted the message; its
prefetched message is stranded in Redis' unacked set for the visibility
timeout. The tick's sweep (run here once a second, as beat does once a
minute) re-queues both after the sending lease, and a restarted worker
delivers them. The one window no design can close (the service accepted, the
worker died before recording it) is milliseconds wide and is not what this
test aims at; the notification tag collapses such a duplicate on the phone.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from core.processes import kill_group
from reminders.models import Delivery, PushSubscription, ReminderSchedule
from reminders.tick import deliveries_requeue_stale, reminders_tick
from tests.services import need_postgres, need_redis, start_celery_worker
from tests.waiting import wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
REMINDERS = 200
KILL_AT = 60


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    return start_celery_worker(env, stderr=log.open("a"))


def purge_broker(redis_url: str) -> None:
    """Start from an empty queue: no message left over by an earlier run."""
    import redis

    from glute_pwa.celery import app

    app.control.purge()
    redis.Redis.from_url(redis_url).delete("unacked", "unacked_index", "unacked_mutex")


def queued_messages(redis_url: str) -> int:
    import redis

    return redis.Redis.from_url(redis_url).llen("celery")


def seed(fake_push, count: int) -> None:
    now = timezone.now()
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"crash{i}", password="!") for i in range(count)
    )
    devices = [fake_push.subscribe() for _ in users]
    PushSubscription.objects.bulk_create(
        PushSubscription(user=user, endpoint=device.endpoint, **device.keys)
        for user, device in zip(users, devices, strict=True)
    )
    ReminderSchedule.objects.bulk_create(
        ReminderSchedule(
            user=user,
            times=["08:00"],
            weekdays=list(range(7)),
            time_zone="UTC",
            next_fire_at=now - timedelta(seconds=30),
        )
        for user in users
    )


def test_every_reminder_reaches_the_push_service_exactly_once_across_a_worker_kill(
    tmp_path, vapid, fake_push, settings
):
    redis_url = need_redis()
    need_postgres()
    from glute_pwa.celery import app

    app.conf.task_always_eager = False
    purge_broker(redis_url)
    settings.REMINDERS_SENDING_LEASE_SECONDS = 5
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}",
        "REDIS_URL": redis_url,
        "MINIMUS_DATA_DIR": str(tmp_path),
        "VAPID_PUBLIC_KEY": vapid["public_key"],
        "VAPID_PRIVATE_KEY": vapid["private_key"],
        "VAPID_SUBJECT": "mailto:reminders@minimus.test",
    }
    log = tmp_path / "worker.log"
    seed(fake_push, REMINDERS)

    killed: list[str] = []
    first = start_worker(env, log)

    def kill_mid_send(path: str, payload: dict) -> bool:
        if killed or len(fake_push.accepted()) < KILL_AT:
            return True
        kill_group(first)
        killed.append(payload["tag"])
        return False  # the sender died before the service could accept it

    fake_push.before_accept = kill_mid_send
    workers = [first]
    try:
        report = reminders_tick()  # enqueues 200 sends to Redis on commit
        assert report.queued == REMINDERS
        wait_for(
            lambda: killed or first.poll() is not None,
            timeout=90,
            what=f"the worker to reach message {KILL_AT} (log: {log})",
        )
        assert killed, f"worker never reached message {KILL_AT}: {log.read_text()[-2000:]}"
        first.wait(timeout=10)
        assert first.returncode == -signal.SIGKILL
        assert Delivery.objects.filter(occurrence_key=killed[0], status="sending").exists()

        second = start_worker(env, log)
        workers.append(second)

        def requeue_then_all_accepted() -> bool:
            deliveries_requeue_stale()  # what the every-minute tick does
            return len(fake_push.accepted()) >= REMINDERS

        wait_for(requeue_then_all_accepted, timeout=90, interval=1, what=f"{REMINDERS} accepted pushes")
        # Every message has left the queue; a warm stop lets the worker finish the one it
        # holds, so after it exits nothing more can reach the push service.
        wait_for(lambda: queued_messages(redis_url) == 0, timeout=30, what="an empty queue")
        second.terminate()
        second.wait(timeout=60)
    finally:
        for worker in workers:
            kill_group(worker)
        app.conf.task_always_eager = True

    tags = Counter(message.payload["tag"] for message in fake_push.accepted())
    assert len(tags) == REMINDERS, f"{len(tags)} of {REMINDERS} arrived; log: {log.read_text()[-2000:]}"
    assert set(tags.values()) == {1}, [tag for tag, n in tags.items() if n > 1]
    assert killed[0] in tags
    assert fake_push.errors == []
    assert Counter(Delivery.objects.values_list("status", flat=True)) == {"sent": REMINDERS}
