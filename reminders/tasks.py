"""Celery tasks: each takes an id (or nothing) and calls one service."""

from __future__ import annotations

import logging
import time

from celery import shared_task

from reminders.cleanup import reminders_cleanup
from reminders.enqueue import SEND_DELIVERY_TASK
from reminders.metrics import SEND_OUTCOMES, tick_observed
from reminders.sending import delivery_send
from reminders.tick import reminders_tick

logger = logging.getLogger(__name__)


# log_quiet: once a minute, so its task line is DEBUG; it logs at INFO only when it did something.
@shared_task(name="reminders.tick", ignore_result=True, log_quiet=True)
def tick() -> dict:
    started = time.perf_counter()
    report = reminders_tick().__dict__
    seconds = time.perf_counter() - started
    tick_observed(seconds=seconds, report=report)
    if any(report.values()):
        logger.info("tick: %s", report, extra={"tick": report, "duration_ms": round(seconds * 1000, 1)})
    return report


# acks_late: a worker that dies mid-send leaves the message to come back; the
# conditional pending → sending flip in delivery_send makes a second copy harmless.
@shared_task(name=SEND_DELIVERY_TASK, acks_late=True, ignore_result=True)
def send_delivery(delivery_id: int) -> str:
    outcome = delivery_send(delivery_id=delivery_id)
    SEND_OUTCOMES.labels(status=outcome.status).inc()
    if outcome.retry_in is not None:
        # A new message with a countdown (below the broker's visibility timeout);
        # the row's next_attempt_at stops an earlier copy from jumping the queue.
        send_delivery.apply_async((delivery_id,), countdown=outcome.retry_in)
    return outcome.status


@shared_task(name="reminders.cleanup", ignore_result=True)
def cleanup() -> dict:
    return reminders_cleanup()
