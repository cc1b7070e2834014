"""Enqueue Celery tasks without letting a broker outage fail the request.

The rule: data is written to the database first; a task is only a nudge to act
on it. If Redis is down, the write has already succeeded and the periodic tick
(reminders) or the next user action picks the work up, so the request must
still answer 2xx. Use ``enqueue`` / ``enqueue_on_commit`` instead of
``task.delay`` in request code.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Task
from django.db import transaction

logger = logging.getLogger(__name__)

# One quick retry: a request must not hang for the default ~20 s of publish retries.
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}


def enqueue(task: Task, *args: Any, **kwargs: Any) -> bool:
    """Send ``task`` with ``args``/``kwargs``; return False (and log) if the broker is unreachable."""
    try:
        task.apply_async(args=args, kwargs=kwargs, retry=True, retry_policy=PUBLISH_RETRY_POLICY)
    except Exception:
        logger.warning(
            "Could not enqueue %s; the work stays in the database for later", task.name, exc_info=True
        )
        return False
    return True


def enqueue_on_commit(task: Task, *args: Any, **kwargs: Any) -> None:
    """Send ``task`` once the current transaction commits (never for rolled-back data)."""
    transaction.on_commit(lambda: enqueue(task, *args, **kwargs))
