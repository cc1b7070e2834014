"""Log-entry API throughput under gunicorn (several workers) on PostgreSQL, against a bare view.

Both are measured in the same run, same server, same load generator, so the
ratio says what the API itself costs; requests per second alone mean little on
a shared 2-core machine.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

from bench.common import ROOT, Result, bench_database_url, setup_django
from bench.loadgen import run_load

TOTAL_REQUESTS = int(os.environ.get("BENCH_LOAD_REQUESTS", "3000"))
CONCURRENCY = int(os.environ.get("BENCH_LOAD_CONCURRENCY", "8"))
GUNICORN_WORKERS = int(os.environ.get("BENCH_GUNICORN_WORKERS", "4"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _make_tokens(count: int) -> list[str]:
    from rest_framework.authtoken.models import Token

    from accounts.services import user_create

    tokens = []
    for i in range(count):
        user = user_create(username=f"load-{os.getpid()}-{i}", password="bench-Pass-4242")
        tokens.append(Token.objects.create(user=user).key)
    return tokens


def start_gunicorn(port: int) -> subprocess.Popen[bytes]:
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
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "glute_pwa.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(GUNICORN_WORKERS),
            "--log-level",
            "warning",
            "--keep-alive",
            "30",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            req = urllib.request.Request(f"http://127.0.0.1:{port}/bench/bare", headers={"Host": "localhost"})
            urllib.request.urlopen(req, timeout=2).read()
            return server
        except OSError:
            time.sleep(0.2)
    os.killpg(server.pid, signal.SIGTERM)
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
    port = _free_port()
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
        bare = run_load(method="GET", path="/bench/bare", **common)
        api = run_load(method="POST", path="/api/entries/", **common)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    commit_ms = commit_latency_ms()
    if api.errors:
        raise RuntimeError(f"{api.errors} of {api.requests} log-entry requests failed")
    return [
        Result(
            "log-entry API POST throughput",
            api.rps,
            "req/s",
            baseline_name="bare Django view",
            baseline=bare.rps,
            notes=[
                f"API p50/p95/p99 {api.p50_ms:.1f}/{api.p95_ms:.1f}/{api.p99_ms:.1f} ms; "
                f"bare p50/p95/p99 {bare.p50_ms:.1f}/{bare.p95_ms:.1f}/{bare.p99_ms:.1f} ms",
                f"{api.requests} requests, concurrency {CONCURRENCY}, gunicorn --workers {GUNICORN_WORKERS}, "
                "PostgreSQL, load generator on the same 2-core machine",
                f"one INSERT + COMMIT alone took {commit_ms:.2f} ms (median, same run): each POST makes "
                "8 database round trips and one commit; the bare view makes none",
            ],
        )
    ]
