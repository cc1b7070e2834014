"""Celery tasks: each takes an id (or nothing) and calls one service."""

from __future__ import annotations

from celery import shared_task

from reminders.cleanup import reminders_cleanup
from reminders.sending import delivery_send
from reminders.tick import reminders_tick


@shared_task(name="reminders.tick", ignore_result=True)
def tick() -> dict:
    report = reminders_tick()
    return report.__dict__


# acks_late: a worker that dies mid-send leaves the message to come back; the
# conditional pending → sending flip in delivery_send makes a second copy harmless.
@shared_task(name="reminders.send_delivery", acks_late=True, ignore_result=True)
def send_delivery(delivery_id: int) -> str:
    outcome = delivery_send(delivery_id=delivery_id)
    if outcome.retry_in is not None:
        # A new message with a countdown (below the broker's visibility timeout);
        # the row's next_attempt_at stops an earlier copy from jumping the queue.
        send_delivery.apply_async((delivery_id,), countdown=outcome.retry_in)
    return outcome.status


@shared_task(name="reminders.cleanup", ignore_result=True)
def cleanup() -> dict:
    return reminders_cleanup()
