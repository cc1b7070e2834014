"""Memory of a long-running gunicorn worker and Celery worker: size after 10,000 requests or
tasks, and growth over a second 10,000 (a leak shows as growth, not as size).

The web side is one gunicorn worker, so every request lands in the process measured, under
a mix of what phones send: REST log writes and reads, sync pulls, the trends API and pages.
The task side is one prefork Celery child running the tasks beat sends (tick, cleanups) and
deliveries of ids that no longer exist (the path a deleted account's queue takes), through
Redis. RSS is read from /proc; both are measured in the same run.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from bench.bench_throughput import _make_tokens, start_gunicorn
from bench.common import Result, bench_database_url, free_port, setup_django
from bench.loadgen import run_load
from core.processes import child_pids, stop_group
from tests.services import start_celery_worker

PHASE = int(os.environ.get("BENCH_MEMORY_PHASE", "10000"))
GROWTH_TARGET = 1.05  # the second phase may add at most 5 % (allocator noise), never a trend
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
# What one phase of the web mix sends, in shares of PHASE.
WEB_MIX = [
    ("POST", "/api/entries/", 0.3),
    ("GET", "/api/entries/", 0.2),
    ("GET", "/api/sync/pull?cursor=0&limit=100", 0.2),
    ("GET", "/api/trends/", 0.1),
    ("GET", "/journal/", 0.1),
    ("GET", "/guide/self-massage/", 0.1),
]
TASK_MIX = ["reminders.tick", "reminders.send_delivery", "reminders.cleanup", "journal.purge_tombstones"]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def _only_child(pid: int, what: str) -> int:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = child_pids(pid)
        if len(found) == 1:
            return found[0]
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not have exactly one worker process")


def _web_phase(port: int, tokens: list[str]) -> None:
    for method, path, share in WEB_MIX:
        result = run_load(
            host="127.0.0.1",
            port=port,
            method=method,
            path=path,
            tokens=tokens,
            total=int(PHASE * share),
            concurrency=4,
            time_limit=600,
        )
        if result.errors:
            raise RuntimeError(f"{result.errors} of {method} {path} failed")


def web_memory() -> tuple[float, float, float]:
    from django.core.management import call_command

    # Pages name their hashed static files, as in production.
    call_command("collectstatic", interactive=False, verbosity=0)
    tokens = _make_tokens(4, prefix="memory")
    port = free_port()
    server = start_gunicorn(port, workers=1)
    try:
        worker = _only_child(server.pid, "gunicorn")
        _web_phase(port, tokens)
        first = rss_mb(worker)
        _web_phase(port, tokens)
        second = rss_mb(worker)
        if child_pids(server.pid) != [worker]:
            raise RuntimeError("the gunicorn worker was replaced during the run: the figures mean nothing")
    finally:
        stop_group(server, grace_seconds=30)
    return first, second, PHASE


def _queue_tasks(app, count: int) -> None:
    for number in range(count):
        name = TASK_MIX[number % len(TASK_MIX)]
        args = (10**9 + number,) if name == "reminders.send_delivery" else ()
        app.send_task(name, args=args)


def _wait_drained(app) -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline:
        if client.llen("celery") == 0:
            inspect = app.control.inspect(timeout=1)
            busy = [inspect.active(), inspect.reserved()]
            if all(answer is not None and not any(answer.values()) for answer in busy):
                return
        time.sleep(0.5)
    raise RuntimeError("the Celery worker did not drain its queue")


def task_memory() -> tuple[float, float, float]:
    import redis

    from glute_pwa.celery import app

    redis.Redis.from_url(REDIS_URL).flushdb()
    app.conf.broker_url = REDIS_URL
    env = {
        **os.environ,
        "REDIS_URL": REDIS_URL,
        "DATABASE_URL": bench_database_url(),
        "DJANGO_SETTINGS_MODULE": "glute_pwa.settings",
    }
    worker = start_celery_worker(env, prefork_children=1)
    try:
        child = _only_child(worker.pid, "celery")
        phases = []
        for _ in range(2):
            _queue_tasks(app, PHASE)
            _wait_drained(app)
            phases.append(rss_mb(child))
        if child_pids(worker.pid) != [child]:
            raise RuntimeError("the Celery child was replaced during the run: the figures mean nothing")
    finally:
        stop_group(worker, grace_seconds=30)
        redis.Redis.from_url(REDIS_URL).flushdb()
    return phases[0], phases[1], PHASE


def run() -> list[Result]:
    setup_django(fresh=False)
    results = []
    for label, measure in (("gunicorn worker", web_memory), ("Celery worker", task_memory)):
        first, second, count = measure()
        results.append(
            Result(
                f"RSS of one {label} after {count:,} mixed "
                + ("requests" if label.startswith("gunicorn") else "tasks"),
                first,
                "MB",
                target="-",
            )
        )
        results.append(
            Result(
                f"{label} RSS growth over a second {count:,}",
                second,
                "MB",
                baseline_name="RSS after the first",
                baseline=first,
                target=f"ratio <= {GROWTH_TARGET}",
                ok=second <= first * GROWTH_TARGET,
            )
        )
    return results
