"""The app keeps serving when Redis is down, and a task survives the death of its worker."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from core.processes import start_group, stop_groups
from core.ratelimit import rate_limit_exceeded
from core.tasks_util import enqueue_by_name
from glute_pwa.celery import app as celery_app
from tests import isolation_registry as registry
from tests.services import need_redis
from tests.waiting import wait_for

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def test_enqueue_reports_failure_quickly_instead_of_raising(redis_down, caplog):
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="core.tasks_util"):
        assert enqueue_by_name("glute_pwa.ping", [()]) is False
    assert time.monotonic() - started < 10
    assert "Could not enqueue 1 x glute_pwa.ping" in caplog.text


def test_pages_and_api_keep_serving_while_redis_is_down(redis_down, user, client):
    registry.seed_everything(user)
    client.force_login(user)
    api = APIClient()
    api.force_login(user)
    served = []
    for name in sorted(registry.OWN_DATA_URLS | registry.PUBLIC_URLS - registry.NOT_SENT_AS_ATTACKER):
        path = reverse(name)
        response = (api if path.startswith("/api/") else client).get(path)
        if name == "healthz":
            assert response.status_code == 503
            assert response.json() == {"status": "unavailable", "database": True, "broker": False}
            continue
        assert response.status_code < 500, f"{path} -> {response.status_code}"
        served.append(path)
    assert "/api/export" in served and "/settings/" in served
    # Writes too: a settings change and an import go through.
    assert api.patch("/api/account/", {"time_zone": "Asia/Tokyo"}, format="json").status_code == 200
    assert api.post("/api/import", api.get("/api/export").json(), format="json").status_code == 200


def test_rate_limited_doors_fail_open_while_the_cache_is_down(redis_down, user):
    # Sign-up and token login both count hits in the cache; without it they still work.
    signup = APIClient().post(
        "/accounts/signup/",
        {"username": "newcomer", "password1": "pelvis-Trochanter-81", "password2": "pelvis-Trochanter-81"},
    )
    assert signup.status_code == 302
    token = APIClient().post(
        "/api/auth/token", {"username": "alice", "password": "a-Long-pass-phrase-42"}, format="json"
    )
    assert token.status_code == 200


def test_resilient_cache_counts_through_real_redis(settings):
    url = need_redis()
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    scope = uuid.uuid4().hex
    hits = [rate_limit_exceeded(scope=scope, key="1.2.3.4", limit=2, window_seconds=60) for _ in range(3)]
    assert hits == [False, False, True]


WORKER = """
import sys
from glute_pwa.celery import app
import tests.glute_pwa.celery_probe_tasks  # noqa: F401
# Redeliver an unacknowledged message after 3 s instead of an hour, checking every second.
app.conf.broker_transport_options.update(
    visibility_timeout=3, unacked_restore_interval=1, unacked_restore_throttle=1
)
app.worker_main(["worker", "--pool=solo", "--loglevel=WARNING", "-Q", sys.argv[1],
                 "--without-heartbeat", "--without-gossip", "--without-mingle"])
"""


def _start_worker(env: dict[str, str], queue: str) -> subprocess.Popen:
    return start_group(
        [sys.executable, "-c", WORKER, queue],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.mark.services
def test_a_task_whose_worker_is_killed_runs_again_on_a_new_worker(tmp_path, monkeypatch):
    redis = need_redis()
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update({"REDIS_URL": redis, "MINIMUS_DATA_DIR": str(tmp_path)})
    queue = f"worker-death-{uuid.uuid4().hex[:8]}"
    journal = tmp_path / "journal.txt"
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)

    first = _start_worker(env, queue)
    second = None
    try:
        celery_app.send_task("tests.record_slowly", args=[str(journal), 4], queue=queue)
        wait_for(
            lambda: journal.exists() and "started" in journal.read_text(),
            timeout=30,
            what="the task to start",
        )
        first.send_signal(signal.SIGKILL)  # the worker dies mid-task: no ack, no clean shutdown
        first.wait(timeout=10)
        assert "done" not in journal.read_text()

        second = _start_worker(env, queue)
        wait_for(
            lambda: "done" in journal.read_text(), timeout=45, what="the task to finish on the new worker"
        )
        assert journal.read_text().splitlines() == ["started", "started", "done"]
    finally:
        stop_groups([worker for worker in (first, second) if worker], grace_seconds=15)
