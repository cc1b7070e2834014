"""Reminder metrics: tick duration and work, send attempts; deliveries and queue depth when scraped."""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client import Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric

TICK_DURATION = Histogram(
    "minimus_reminder_tick_duration_seconds",
    "Time one reminder tick took.",
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0),
)
TICK_WORK = Counter(
    "minimus_reminder_tick_rows", "What ticks did, by kind (schedules, queued, missed, ...).", ["kind"]
)
SEND_OUTCOMES = Counter(
    "minimus_delivery_sends", "Send attempts by the delivery's status afterwards.", ["status"]
)

# The queue the send task goes to (Celery's default queue).
SEND_QUEUE = "celery"


def tick_observed(*, seconds: float, report: dict[str, int]) -> None:
    TICK_DURATION.observe(seconds)
    for kind, count in report.items():
        TICK_WORK.labels(kind=kind).inc(count)


def deliveries_by_status() -> Iterable[Metric]:
    from django.db.models import Count

    from reminders.models import Delivery

    family = GaugeMetricFamily(
        "minimus_deliveries", "Deliveries in the database by status.", labels=["status"]
    )
    counts = dict(Delivery.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    for status in Delivery.Status.values:
        family.add_metric([status], counts.get(status, 0))
    yield family


def queue_depth() -> Iterable[Metric]:
    from celery import current_app
    from kombu.exceptions import ChannelError

    family = GaugeMetricFamily(
        "minimus_task_queue_depth", "Messages waiting in the broker queue.", labels=["queue"]
    )
    with current_app.connection_for_read() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
        try:
            _, waiting, _ = conn.default_channel.queue_declare(queue=SEND_QUEUE, passive=True)
        except ChannelError:  # no worker declared it yet, so nothing was ever queued
            waiting = 0
    family.add_metric([SEND_QUEUE], waiting)
    yield family
