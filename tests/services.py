"""Which real services this run has, and the rule for when one is missing.

With REQUIRE_SERVICES=1 (CI) a missing PostgreSQL, Redis or Chromium fails the
run; locally the suite falls back to SQLite and the embedded broker, and tests
that need a missing service are skipped with a reason.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from core.processes import start_group

ROOT = Path(__file__).resolve().parent.parent
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES", "") == "1"
CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def run_python(code: str, *args: str, env: dict[str, str], timeout: float = 90) -> str:
    """``python -c code args...`` in the project root; its output, the test failing on a non-zero exit."""
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def tcp_reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    host = parsed.hostname or "127.0.0.1"
    if host not in {"127.0.0.1", "localhost", "::1"}:
        # Tests only ever talk to this machine.
        return False
    try:
        with socket.create_connection((host, parsed.port or default_port), timeout=2):
            return True
    except OSError:
        return False


def redis_url() -> str:
    return os.environ.get("REDIS_URL", "")


def chromium_available() -> bool:
    return bool(shutil.which(CHROMIUM_PATH) or os.path.exists(CHROMIUM_PATH))


def need(available: bool, what: str) -> None:
    """Skip locally, fail in CI, when a service a test needs is missing."""
    if available:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"{what} is required (REQUIRE_SERVICES=1) but not available")
    pytest.skip(f"{what} not available")


def need_redis() -> str:
    url = redis_url()
    need(bool(url) and tcp_reachable(url, 6379), "Redis (REDIS_URL)")
    return url


def need_postgres() -> None:
    from django.db import connection

    need(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")


def start_celery_worker(
    env: dict[str, str], *, stderr: Any = None, imports: Sequence[str] = (), prefork_children: int = 0
) -> subprocess.Popen:
    """A real Celery worker process (solo pool, or ``prefork_children`` children as deployed)
    with ``env``, in its own process group so that stopping the group
    (core.processes.stop_group) takes everything it started. ``imports`` are extra task
    modules, such as tests/glute_pwa/celery_probe_tasks.py."""
    return start_group(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "glute_pwa",
            "worker",
            *(
                ["--pool=prefork", f"--concurrency={prefork_children}"]
                if prefork_children
                else ["--pool=solo"]
            ),
            "--loglevel=WARNING",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            *([f"--include={','.join(imports)}"] if imports else []),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=stderr if stderr is not None else subprocess.DEVNULL,
    )
