"""What an operator reads in the logs: one JSON line per request and per task, with the request id."""

from __future__ import annotations

import io
import json
import logging
import logging.config
import os
import re
from collections.abc import Iterator

import pytest
from django.conf import settings

from core.processes import stop_group
from tests.journal.helpers import pain_payload
from tests.services import need_redis, run_python, start_celery_worker
from tests.waiting import wait_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def log() -> Iterator[logging.StreamHandler]:
    """A handler with the production JSON formatter on the root logger, for the test's lines."""
    configurator = logging.config.DictConfigurator(settings.LOGGING)
    handler = logging.StreamHandler(io.StringIO())
    handler.setFormatter(configurator.configure_formatter(dict(settings.LOGGING["formatters"]["json"])))
    handler.addFilter(configurator.configure_filter(dict(settings.LOGGING["filters"]["request_id"])))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def _lines(handler: logging.StreamHandler) -> list[dict]:
    return [json.loads(line) for line in handler.stream.getvalue().splitlines()]


def _request_lines(caplog_lines: list[dict]) -> list[dict]:
    return [line for line in caplog_lines if line["logger"] == "minimus.request"]


def test_a_write_logs_one_json_line_with_route_status_user_id_and_the_callers_request_id(
    user, user_client, log
):
    entry = pain_payload(note="my private note about the drive")
    response = user_client.post("/api/entries/", entry, format="json", HTTP_X_REQUEST_ID="trace-abc.123")
    assert response.status_code == 201
    assert response["X-Request-ID"] == "trace-abc.123"
    text = log.stream.getvalue()
    lines = _lines(log)
    [line] = _request_lines(lines)
    assert line["level"] == "INFO"
    assert line["request_id"] == "trace-abc.123"
    assert line["method"] == "POST"
    assert line["route"] == "api/entries/"
    assert line["status"] == 201
    assert line["user_id"] == user.pk
    assert isinstance(line["duration_ms"], float)
    assert line["time"]
    # Nothing the user wrote, and no path with its ids, ever reaches the log.
    assert "private note" not in text
    assert entry["id"] not in text


def test_a_route_with_an_id_is_logged_by_its_pattern_not_its_path(user, user_client, log):
    created = user_client.post("/api/entries/", pain_payload(), format="json").json()
    response = user_client.get(f"/api/entries/{created['id']}/")
    assert response.status_code == 200
    lines = _lines(log)
    assert _request_lines(lines)[-1]["route"] == "api/entries/<str:pk>/"
    assert created["id"] not in log.stream.getvalue()


def test_without_a_request_id_the_server_makes_one_and_returns_it(client, log):
    response = client.get("/healthz")
    assert response.status_code == 200
    made = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    [line] = _request_lines(_lines(log))
    assert line["request_id"] == made
    assert line["user_id"] is None


def test_a_forged_request_id_is_replaced_not_written_into_the_log(client, log):
    forged = 'x" , "level": "CRITICAL'
    response = client.get("/healthz", HTTP_X_REQUEST_ID=forged)
    assert response.status_code == 200
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    assert forged not in log.stream.getvalue()


def test_an_unknown_path_is_grouped_as_unmatched(client, log):
    assert client.get("/no/such/page/secret-token").status_code == 404
    [line] = _request_lines(_lines(log))
    assert line["route"] == "<unmatched>"
    assert line["status"] == 404
    assert "secret-token" not in log.stream.getvalue()


def test_a_tick_that_found_nothing_logs_nothing_at_info(log):
    from reminders.tasks import tick

    tick.delay()
    lines = _lines(log)
    tick_lines = [line for line in lines if line["logger"] in {"minimus.task", "reminders.tasks"}]
    assert tick_lines, "the task line is still there, at DEBUG"
    assert {line["level"] for line in tick_lines} == {"DEBUG"}


def test_a_tick_that_handled_a_due_reminder_says_so_at_info(user, log):
    from django.utils import timezone

    from reminders.models import ReminderSchedule
    from reminders.tasks import tick

    # No push device: the tick advances the schedule and has nothing to send (no network).
    ReminderSchedule.objects.create(
        user=user, times=["08:00"], weekdays=list(range(7)), time_zone="UTC", next_fire_at=timezone.now()
    )
    tick.apply()
    lines = _lines(log)
    [said] = [line for line in lines if line["logger"] == "reminders.tasks"]
    assert said["level"] == "INFO"
    assert said["tick"]["schedules"] == 1
    assert said["tick"]["queued"] == 0


SEND_WITH_REQUEST_ID = (
    "import sys, django; django.setup(); from glute_pwa.celery import app; "
    "from core.request_id import set_request_id; "
    "set_request_id(sys.argv[2]); app.send_task('tests.log_line', args=[sys.argv[1]])"
)


@pytest.mark.services
def test_a_task_enqueued_under_a_request_id_logs_under_the_same_id(tmp_path):
    env = dict(os.environ)
    env.update(REDIS_URL=need_redis(), MINIMUS_DATA_DIR=str(tmp_path / "data"), LOG_FORMAT="json")
    env["LOG_LEVEL"] = "INFO"
    marker, worker_log = tmp_path / "ran", tmp_path / "worker.log"
    with worker_log.open("w") as stderr:
        worker = start_celery_worker(env, stderr=stderr, imports=["tests.glute_pwa.celery_probe_tasks"])
        try:
            run_python(SEND_WITH_REQUEST_ID, str(marker), "req-from-the-phone", env=env)

            def task_lines() -> list[dict]:
                # Only this task's lines: the worker may first run what an earlier test left queued.
                found = []
                for raw in worker_log.read_text().splitlines():
                    if raw.startswith("{"):
                        line = json.loads(raw)
                        ours = line.get("logger") == "tests.probe" or line.get("task") == "tests.log_line"
                        if line.get("logger") in {"tests.probe", "minimus.task"} and ours:
                            found.append(line)
                return found

            wait_for(lambda: len(task_lines()) == 2, timeout=60, what="the task's two log lines")
        finally:
            stop_group(worker, grace_seconds=20)
    probe, done = task_lines()
    assert probe["message"] == "probe task ran"
    assert probe["request_id"] == "req-from-the-phone"
    assert done["request_id"] == "req-from-the-phone"
    assert done["task"] == "tests.log_line"
    assert done["state"] == "SUCCESS"
