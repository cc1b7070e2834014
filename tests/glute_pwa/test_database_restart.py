"""PostgreSQL crashes and comes back in the middle of a run: nothing a client was told is saved is lost.

The cluster is the test's own (tests/postgres_cluster.py). gunicorn (two workers) and a real
Celery worker run against it while a phone keeps logging: pain entries through the REST API
and through sync pushes, each sent again until it gets a 2xx, as the app does. PostgreSQL is
then stopped with ``-m immediate`` (a crash: connections cut, no checkpoint, WAL replayed at
start) and started again once several requests have met the outage. Neither gunicorn nor the
worker is restarted: Django's connection health checks reconnect on the first query. During
the outage the API answers a clean 503 with Retry-After, never a 500, and a task the worker
takes meanwhile is retried until the database is back.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from core.processes import kill_group, start_group, stop_group
from glute_pwa.celery import app as celery_app
from tests.journal.helpers import pain_payload
from tests.postgres_cluster import PrivateCluster, private_cluster
from tests.services import need_redis, start_celery_worker
from tests.waiting import wait_for

pytestmark = [pytest.mark.services, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
DATABASE = "minimus_restart"
PASSWORD = "a-Long-pass-phrase-42"
REQUESTS_DURING_OUTAGE = 8
OUTAGE_SECONDS = 3.0
ENTRIES_AFTER_RECOVERY = 20
MAKE_USER = (
    "from accounts.services import user_create; "
    f"user_create(username='phone', password='{PASSWORD}', time_zone='Europe/Berlin')"
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Answer:
    sent: float
    at: float
    kind: str
    status: int
    body: str


@dataclass
class Phone:
    """Logs entries one after another, each sent until a 2xx; remembers what the server acknowledged."""

    base: str
    token: str
    kind: str
    client_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    next_mutation: int = 1
    acknowledged: list[str] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    failure: list[BaseException] = field(default_factory=list)

    def _send(self, path: str, body: dict[str, Any]) -> tuple[int, str]:
        request = urllib.request.Request(
            self.base + path,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Token {self.token}"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def _deliver(self, kind: str, path: str, body: dict[str, Any], entry_id: str) -> None:
        while True:
            sent = time.monotonic()
            status, text = self._send(path, body)
            self.answers.append(Answer(sent, time.monotonic(), kind, status, text))
            if 200 <= status < 300:
                if kind == "sync":
                    reply = json.loads(text)
                    assert reply["rejected"] == [], reply
                    assert reply["last_mutation_id"] == body["mutations"][-1]["id"], reply
                self.acknowledged.append(entry_id)
                return
            # A 503 is the one refusal the outage may cause; anything else is a defect.
            assert status == 503, f"{kind} answered {status}: {text[:500]}"
            if self.stop.is_set():
                return

    def log_one(self, number: int) -> None:
        entry = pain_payload(intensity=number % 11, note=f"entry {number}")
        if self.kind == "rest":
            self._deliver("rest", "/api/entries/", entry, entry["id"])
        else:
            mutation = {"id": self.next_mutation, "type": "pain_entry", "op": "upsert", "record": entry}
            self.next_mutation += 1
            body = {"client_id": self.client_id, "schema": 1, "mutations": [mutation]}
            self._deliver("sync", "/api/sync/push", body, entry["id"])

    def run(self) -> None:
        number = 0
        try:
            while not self.stop.is_set():
                number += 1
                self.log_one(number)
        except BaseException as error:  # noqa: BLE001 - handed to the test thread
            self.failure.append(error)


def _manage(env: dict[str, str], *args: str) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except OSError:
        return 0, ""


def _token(base: str) -> str:
    request = urllib.request.Request(
        base + "/api/auth/token",
        data=json.dumps({"username": "phone", "password": PASSWORD}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["token"]


def _stored_entry_ids(cluster: PrivateCluster) -> list[str]:
    rows = cluster.psql(DATABASE, "SELECT id FROM journal_painentry WHERE NOT deleted")
    return [str(uuid.UUID(row)) for row in rows.split()]


def _worker_count(worker_dir: Path, name: str) -> int | None:
    celery_app.conf.task_always_eager = False  # conftest's default; this task goes to the real worker
    marker = worker_dir / name
    celery_app.send_task("tests.count_pain_entries", args=[str(marker)])
    wait_for(marker.exists, timeout=60, what=f"the Celery worker to answer ({name})")
    return int(marker.read_text())


def test_nothing_acknowledged_is_lost_when_postgresql_crashes_mid_run(tmp_path):
    redis_url = need_redis()
    with private_cluster() as cluster:
        cluster.psql("postgres", f"CREATE DATABASE {DATABASE}")
        env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "CACHE_URL"}}
        env.update(
            {
                "DATABASE_URL": cluster.url(DATABASE),
                "REDIS_URL": redis_url,
                "MINIMUS_DATA_DIR": str(tmp_path / "data"),
                "AUTH_THROTTLE_RATE": "1000/min",
            }
        )
        _manage(env, "migrate", "--noinput")
        _manage(env, "shell", "-c", MAKE_USER)

        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        log = tmp_path / "gunicorn.log"
        with log.open("ab") as handle:
            web = start_group(
                [
                    sys.executable, "-m", "gunicorn", "glute_pwa.wsgi", "--bind", f"127.0.0.1:{port}",
                    "--workers", "2", "--log-level", "warning", "--graceful-timeout", "2",
                ],
                cwd=ROOT, env=env, stdout=handle, stderr=handle,
            )  # fmt: skip
        worker = start_celery_worker(
            env, stderr=(tmp_path / "worker.log").open("ab"), imports=["tests.glute_pwa.celery_probe_tasks"]
        )
        phones: list[Phone] = []
        threads: list[threading.Thread] = []

        def answers() -> list[Answer]:
            return [answer for phone in phones for answer in phone.answers]

        def acknowledged() -> list[str]:
            return [entry for phone in phones for entry in phone.acknowledged]

        def failures() -> list[BaseException]:
            return [error for phone in phones for error in phone.failure]

        try:
            wait_for(lambda: _get(base + "/healthz")[0] == 200, timeout=60, what=f"gunicorn (log {log})")
            token = _token(base)
            phones = [Phone(base=base, token=token, kind="rest"), Phone(base=base, token=token, kind="sync")]
            threads = [threading.Thread(target=phone.run, daemon=True) for phone in phones]
            for thread in threads:
                thread.start()
            wait_for(lambda: len(acknowledged()) >= 20 or failures(), timeout=60, what="a steady run")
            assert _worker_count(tmp_path, "before") >= 20

            # The crash, then the outage: down for a few seconds and until several requests met it.
            answers_before = len(answers())
            down_at = time.monotonic()
            cluster.stop("immediate")
            stopped_at = time.monotonic()
            wait_for(
                lambda: (
                    (
                        len(answers()) - answers_before >= REQUESTS_DURING_OUTAGE
                        and time.monotonic() - down_at >= OUTAGE_SECONDS
                    )
                    or failures()
                ),
                timeout=60,
                what="requests during the outage",
            )
            # The worker takes a task while the database is down: it must run once the server is back.
            celery_app.conf.task_always_eager = False
            celery_app.send_task("tests.count_pain_entries", args=[str(tmp_path / "during")])
            health_during = _get(base + "/healthz")
            start_at = time.monotonic()
            cluster.start()
            up_at = time.monotonic()

            acknowledged_at_restart = len(acknowledged())
            wait_for(
                lambda: len(acknowledged()) >= acknowledged_at_restart + ENTRIES_AFTER_RECOVERY or failures(),
                timeout=60,
                what="logging to go on after the restart",
            )
        finally:
            for phone in phones:
                phone.stop.set()
            for thread in threads:
                thread.join(timeout=60)
        try:
            assert not any(thread.is_alive() for thread in threads)
            assert failures() == []
            recovered_at = min(a.at for a in answers() if a.at > up_at and 200 <= a.status < 300)
            after_count = _worker_count(tmp_path, "after")
            wait_for((tmp_path / "during").exists, timeout=90, what="the task taken during the outage to run")
        finally:
            stop_group(worker, grace_seconds=20)
            kill_group(web)

        # Sent while the server was down; and those in flight when it crashed (committed or cut off).
        during = [a for a in answers() if a.sent >= stopped_at and a.at <= start_at]
        statuses = Counter((a.kind, a.status) for a in during)
        in_flight = Counter((a.kind, a.status) for a in answers() if a.sent < stopped_at and a.at > down_at)
        stored = _stored_entry_ids(cluster)
        print(
            f"\noutage {up_at - down_at:.2f} s (first 2xx {recovered_at - up_at:.2f} s after the start); "
            f"{len(during)} requests during it: {dict(statuses)}; in flight at the crash: {dict(in_flight)}; "
            f"{len(acknowledged())} entries acknowledged, {len(stored)} stored, "
            f"{len(set(acknowledged()) - set(stored))} lost"
        )

    # What the phone met during the outage: only clean 503s, JSON, with a hint when to retry.
    assert len(during) >= REQUESTS_DURING_OUTAGE
    assert set(statuses) == {("rest", 503), ("sync", 503)}, statuses
    refused = json.loads(during[-1].body)
    assert refused["code"] == "database_unavailable"
    assert health_during[0] == 503 and json.loads(health_during[1])["database"] is False
    # Everything acknowledged is stored, exactly once; nothing appeared that was never sent.
    assert sorted(stored) == sorted(acknowledged())
    assert len(set(stored)) == len(stored)
    # The worker was not restarted and reads the recovered database through a fresh connection.
    assert after_count == len(stored)
    # The task the worker took while the database was down failed, was retried, and ran.
    worker_log = (tmp_path / "worker.log").read_text()
    assert "task tests.count_pain_entries RETRY" in worker_log
    # No request was answered with a traceback.
    assert "Traceback" not in log.read_text()
