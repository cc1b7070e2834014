"""The request id: taken from X-Request-ID or made up, on every log line of the request and of its tasks.

A context variable holds it, so a log line anywhere in the request (or in a
Celery task the request enqueued) carries it without passing it around. Tasks
get it in a message header; a task nobody's request enqueued (the beat's tick)
uses its own task id.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from contextvars import ContextVar
from typing import Any

REQUEST_ID_HEADER = "X-Request-ID"
# The Celery message header that carries the id to the worker.
TASK_HEADER = "minimus_request_id"
# What a client or proxy may send: a short token, so a hostile header cannot forge log lines.
_ACCEPTED = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

_current: ContextVar[str | None] = ContextVar("minimus_request_id", default=None)


def new_request_id() -> str:
    return uuid.uuid4().hex


def accepted_request_id(value: str | None) -> str:
    """The client's id when it is a plain short token, else a new one."""
    if value and _ACCEPTED.match(value):
        return value
    return new_request_id()


def current_request_id() -> str | None:
    return _current.get()


def set_request_id(value: str | None) -> Any:
    """Set the id for what runs next in this context; returns a token for reset_request_id."""
    return _current.set(value)


def reset_request_id(token: Any) -> None:
    _current.reset(token)


class RequestIdLogFilter(logging.Filter):
    """Adds ``request_id`` (or None) to every record, for the formatter to print."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _current.get()
        return True


# --- Celery: carry the id from the publisher to the task -------------------------------------
def _publish_with_request_id(headers: dict | None = None, **_: object) -> None:
    request_id = _current.get()
    if headers is not None and request_id:
        headers[TASK_HEADER] = request_id


task_logger = logging.getLogger("minimus.task")
_running: dict[str, tuple[Any, float]] = {}


def _task_starts(task_id: str | None = None, task: Any = None, **_: object) -> None:
    request_id = None
    if task is not None:
        request_id = getattr(task.request, TASK_HEADER, None) or (task.request.headers or {}).get(TASK_HEADER)
    _running[task_id or ""] = (_current.set(request_id or task_id), time.perf_counter())


def _task_ends(task_id: str | None = None, task: Any = None, state: str | None = None, **_: object) -> None:
    """One line per task (Celery's own per-task lines are turned down in LOGGING).

    A task with ``log_quiet = True`` (the every-minute tick) logs this line at DEBUG:
    it says itself, at INFO, when it did something.
    """
    token, started = _running.pop(task_id or "", (None, time.perf_counter()))
    name = getattr(task, "name", "?")
    level = logging.DEBUG if getattr(task, "log_quiet", False) and state == "SUCCESS" else logging.INFO
    task_logger.log(
        level,
        "task %s %s",
        name,
        state,
        extra={"task": name, "state": state, "duration_ms": round((time.perf_counter() - started) * 1000, 1)},
    )
    if token is not None:
        try:
            _current.reset(token)
        except ValueError:  # set in another context (a thread pool): just clear it
            _current.set(None)


def connect_celery_signals() -> None:
    from celery import signals

    signals.before_task_publish.connect(_publish_with_request_id, dispatch_uid="minimus.request_id.publish")
    signals.task_prerun.connect(_task_starts, dispatch_uid="minimus.request_id.prerun")
    signals.task_postrun.connect(_task_ends, dispatch_uid="minimus.request_id.postrun")
