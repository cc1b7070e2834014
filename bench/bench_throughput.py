"""Log-entry API throughput under gunicorn (several workers) on PostgreSQL, against a fair baseline.

The baseline (/bench/fair in bench/urls.py) does the least a log-entry write
must: token lookup, JSON parse, one INSERT and its COMMIT, through the same
middleware. A bare view touching no database is printed too. Everything is
measured in the same run, same server, same load generator, in interleaved
rounds (median of ``BENCH_LOAD_ROUNDS``), so the ratio says what the API itself
costs; requests per second alone mean little on a shared 2-core machine.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request

from bench.common import ROOT, Result, bench_database_url, free_port, setup_django
from bench.loadgen import LoadResult, run_load
from core.processes import start_group, stop_group

TOTAL_REQUESTS = int(os.environ.get("BENCH_LOAD_REQUESTS", "3000"))
CONCURRENCY = int(os.environ.get("BENCH_LOAD_CONCURRENCY", "8"))
GUNICORN_WORKERS = int(os.environ.get("BENCH_GUNICORN_WORKERS", "4"))
ROUNDS = int(os.environ.get("BENCH_LOAD_ROUNDS", "3"))
TARGET_RATIO = 0.5


def _make_tokens(count: int, *, prefix: str = "load") -> list[str]:
    from rest_framework.authtoken.models import Token

    from accounts.services import user_create

    tokens = []
    for i in range(count):
        user = user_create(username=f"{prefix}-{os.getpid()}-{i}", password="bench-Pass-4242")
        tokens.append(Token.objects.create(user=user).key)
    return tokens


def start_gunicorn(port: int, *, workers: int = GUNICORN_WORKERS) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings_bench",
            "DATABASE_URL": bench_database_url(),
            "DEBUG": "0",
            "PRODUCTION": "0",
            "ALLOWED_HOSTS": "localhost,127.0.0.1",
        }
    )
    server = start_group(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "glute_pwa.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--keep-alive",
            "30",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(100):
        try:
            req = urllib.request.Request(f"http://127.0.0.1:{port}/bench/bare", headers={"Host": "localhost"})
            urllib.request.urlopen(req, timeout=2).read()
            return server
        except OSError:
            time.sleep(0.2)
    stop_group(server, grace_seconds=30)
    raise RuntimeError("gunicorn did not start")


def commit_latency_ms(rounds: int = 200) -> float:
    """Median time of one tiny INSERT + COMMIT: the floor of any write request (WAL flush)."""
    import statistics

    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_commit_probe (id serial PRIMARY KEY, at timestamptz)"
        )
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("INSERT INTO bench_commit_probe (at) VALUES (now())")
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def run() -> list[Result]:
    setup_django(fresh=False)
    tokens = _make_tokens(CONCURRENCY)
    port = free_port()
    server = start_gunicorn(port)
    try:
        common = {
            "host": "127.0.0.1",
            "port": port,
            "tokens": tokens,
            "total": TOTAL_REQUESTS,
            "concurrency": CONCURRENCY,
        }
        run_load(method="GET", path="/bench/bare", **{**common, "total": 200})  # warm up workers
        run_load(method="POST", path="/api/entries/", **{**common, "total": 200})
        rounds: dict[str, list[LoadResult]] = {"bare": [], "fair": [], "api": []}
        for _ in range(ROUNDS):  # interleaved: each kind sees the same neighbours
            rounds["bare"].append(run_load(method="GET", path="/bench/bare", **common))
            rounds["fair"].append(run_load(method="POST", path="/bench/fair", **common))
            rounds["api"].append(run_load(method="POST", path="/api/entries/", **common))
    finally:
        stop_group(server, grace_seconds=30)
    commit_ms = commit_latency_ms()
    for kind, results in rounds.items():
        if any(r.errors for r in results):
            raise RuntimeError(f"{sum(r.errors for r in results)} {kind} requests failed")
    bare, fair, api = (_median_round(rounds[kind]) for kind in ("bare", "fair", "api"))
    return [
        Result(
            "log-entry API POST throughput",
            api.rps,
            "req/s",
            baseline_name="same INSERT+COMMIT, token auth",
            baseline=fair.rps,
            target=f"ratio >= {TARGET_RATIO}",
            ok=api.rps >= TARGET_RATIO * fair.rps,
            notes=[
                f"API p50/p95/p99 {api.p50_ms:.1f}/{api.p95_ms:.1f}/{api.p99_ms:.1f} ms; "
                f"fair baseline {fair.p50_ms:.1f}/{fair.p95_ms:.1f}/{fair.p99_ms:.1f} ms; "
                f"bare view (no database) {bare.rps:.0f} req/s, {bare.p50_ms:.1f}/{bare.p95_ms:.1f}/"
                f"{bare.p99_ms:.1f} ms",
                f"{api.requests} requests per round, median of {ROUNDS} interleaved rounds, concurrency "
                f"{CONCURRENCY}, gunicorn --workers {GUNICORN_WORKERS}, PostgreSQL, load generator on the "
                "same 2-core machine",
                f"one INSERT + COMMIT alone took {commit_ms:.2f} ms (median, same run); the API makes 5 "
                "round trips per write (token, BEGIN, counter UPDATE ... RETURNING, INSERT, COMMIT), "
                "the baseline 4",
            ],
        )
    ]


def _median_round(results: list[LoadResult]) -> LoadResult:
    """The round with the median throughput (its latencies belong to it)."""
    return sorted(results, key=lambda r: r.rps)[len(results) // 2]
