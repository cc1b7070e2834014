"""Enqueue Celery tasks by name without letting a broker outage fail the caller.

The rule: data is written to the database first; a task is only a nudge to act
on it. If Redis is down, the write has already succeeded and the periodic tick
(reminders) or the next user action picks the work up, so a request must
still answer 2xx. Tasks are named, not imported, so the code that enqueues
(a service, the tick) never depends on the module that defines the task.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from celery import current_app

logger = logging.getLogger(__name__)

# One quick retry: a request must not hang for the default ~20 s of publish retries.
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}


def enqueue_by_name(task_name: str, calls: Iterable[tuple[Any, ...]]) -> bool:
    """Send ``task_name`` once per argument tuple in ``calls``, over one broker connection.

    Returns False (and logs) if the broker is unreachable. A registered task is sent
    through its own ``apply_async`` (so eager mode and its options apply); an unknown
    name still goes to the broker for whichever worker knows it.
    """
    calls = list(calls)
    if not calls:
        return True
    try:
        with current_app.producer_or_acquire() as producer:
            for args in calls:
                current_app.signature(task_name, args=args).apply_async(
                    producer=producer, retry=True, retry_policy=PUBLISH_RETRY_POLICY
                )
    except Exception:
        logger.warning(
            "Could not enqueue %d x %s; the work stays in the database for later",
            len(calls),
            task_name,
            exc_info=True,
        )
        return False
    return True
