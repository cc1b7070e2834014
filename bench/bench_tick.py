#!/usr/bin/env python3
"""How long one reminders tick takes over 100,000 schedules with 2,000 due, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bench_tick.py
    [--schedules 100000] [--due 2000] [--runs 3] [--keep]

Creates a scratch database ``bench_reminders`` on that server (dropped afterwards
unless --keep), fills it with bulk_create, then times in the same run:
- baseline: a plain indexed SELECT of the due rows (what any tick must at least do);
- tick: reminders_tick() claiming the due schedules (FOR UPDATE SKIP LOCKED),
  planning the next fire time in each user's zone, creating one delivery per
  device, advancing next_fire_at, committing; and, when REDIS_URL is set,
  publishing the 2,000 send messages to a scratch queue on the real broker.
The tick runs once a minute: the target is under 5 % of that period.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = "bench_reminders"  # its own name: other benchmarks may run at the same time
ZONES = [
    "Europe/Berlin",
    "America/New_York",
    "Asia/Kolkata",
    "Australia/Adelaide",
    "UTC",
    "America/Sao_Paulo",
]


def admin_connect(url: str):
    import psycopg

    parsed = urlparse(url)
    return psycopg.connect(urlunparse(parsed._replace(path="/postgres")), autocommit=True)


def recreate_database(url: str) -> str:
    with admin_connect(url) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")
    return urlunparse(urlparse(url)._replace(path=f"/{BENCH_DB}"))


def drop_database(url: str) -> None:
    with admin_connect(url) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


def seed(schedules: int, due: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from reminders.models import PushSubscription, ReminderSchedule

    rng = random.Random(42)
    now = timezone.now()
    users_count = schedules // 2  # a massage reminder and a weekly summary each
    User = get_user_model()
    unusable = "!"  # Django's unusable-password marker: nobody signs in as these users
    User.objects.bulk_create(
        (User(username=f"u{i}", password=unusable) for i in range(users_count)), batch_size=5000
    )
    user_ids = list(User.objects.order_by("pk").values_list("pk", flat=True))
    PushSubscription.objects.bulk_create(
        (
            PushSubscription(
                user_id=uid, endpoint=f"https://push.invalid/{uid}", p256dh="B" * 87, auth="A" * 22
            )
            for uid in user_ids
        ),
        batch_size=5000,
    )
    due_users = set(rng.sample(user_ids, due))
    rows = []
    for uid in user_ids:
        zone = rng.choice(ZONES)
        massage_next = (
            now - timedelta(seconds=30)
            if uid in due_users
            else now + timedelta(minutes=rng.randint(2, 24 * 60))
        )
        rows.append(
            ReminderSchedule(
                user_id=uid,
                kind="massage",
                times=["08:00", "13:00", "19:30"],
                weekdays=list(range(7)),
                time_zone=zone,
                enabled=rng.random() > 0.05 or uid in due_users,
                next_fire_at=massage_next,
            )
        )
        rows.append(
            ReminderSchedule(
                user_id=uid,
                kind="weekly_summary",
                times=["18:00"],
                weekdays=[6],
                time_zone=zone,
                next_fire_at=now + timedelta(minutes=rng.randint(2, 7 * 24 * 60)),
            )
        )
    ReminderSchedule.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def reset_due(ids: list[int], now) -> None:
    from django.db import connection

    from reminders.models import Delivery, ReminderSchedule

    Delivery.objects.all().delete()
    ReminderSchedule.objects.filter(pk__in=ids).update(next_fire_at=now - timedelta(seconds=30), enabled=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE reminders_reminderschedule, reminders_delivery")


def make_enqueue():
    """Publish to a scratch queue on the real broker, or count only when there is none."""
    if not os.environ.get("REDIS_URL"):
        return (lambda ids: None), "none (no REDIS_URL)", lambda: None
    import redis

    from reminders.tasks import send_delivery

    queue = "bench_reminders"

    def enqueue(ids: list[int]) -> None:
        # As reminders.enqueue.enqueue_deliveries, routed to a scratch queue no worker reads.
        with send_delivery.app.producer_or_acquire() as producer:
            for delivery_id in ids:
                send_delivery.apply_async((delivery_id,), queue=queue, producer=producer)

    def purge() -> None:
        redis.Redis.from_url(os.environ["REDIS_URL"]).delete(queue)

    return enqueue, "Redis (scratch queue)", purge


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--schedules", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the bench_reminders database")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("DATABASE_URL must point at a PostgreSQL server (the benchmark creates its own database).")
        return 2
    os.environ["DATABASE_URL"] = recreate_database(url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "glute_pwa.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    from bench.common import BENCH_SECRET_KEY

    os.environ.setdefault("SECRET_KEY", BENCH_SECRET_KEY)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from reminders.models import ReminderSchedule
    from reminders.tick import reminders_tick

    try:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        seed(args.schedules, args.due)
        print(
            f"seeded {args.schedules:,} schedules ({args.due:,} due) in {time.perf_counter() - started:.1f} s"
        )
        enqueue, broker, purge = make_enqueue()
        now = timezone.now()
        due_ids = list(
            ReminderSchedule.objects.filter(enabled=True, next_fire_at__lte=now).values_list("pk", flat=True)
        )
        assert len(due_ids) == args.due, len(due_ids)

        baselines, ticks, queued = [], [], 0
        for _ in range(args.runs):
            reset_due(due_ids, now)
            connection.close()  # each measurement opens its connection, as a tick task does
            started = time.perf_counter()
            rows = list(
                ReminderSchedule.objects.filter(enabled=True, next_fire_at__lte=now).values_list(
                    "pk", "user_id", "kind", "times", "weekdays", "time_zone", "next_fire_at"
                )
            )
            baselines.append(time.perf_counter() - started)
            assert len(rows) == args.due
            connection.close()
            started = time.perf_counter()
            report = reminders_tick(now=now, enqueue=enqueue)
            ticks.append(time.perf_counter() - started)
            queued = report.queued
            purge()
        baseline, tick = statistics.median(baselines), statistics.median(ticks)
        print()
        print(f"| measure (median of {args.runs}) | seconds | share of 60 s tick period |")
        print("|---|---|---|")
        print(f"| baseline: indexed SELECT of {args.due:,} due rows | {baseline:.3f} | {baseline / 60:.2%} |")
        what = f"tick: claim + plan + {queued:,} deliveries + advance + publish"
        print(f"| {what} | {tick:.3f} | {tick / 60:.2%} |")
        print()
        print(f"tick / baseline ratio: {tick / baseline:.1f}x; broker: {broker}")
        print(f"target: tick under 5 % of the period -> {'met' if tick / 60 < 0.05 else 'NOT met'}")
        return 0 if tick / 60 < 0.05 else 1
    finally:
        connection.close()
        if not args.keep:
            drop_database(url)


if __name__ == "__main__":
    sys.exit(main())
