"""Shared helpers for benchmarks: a dedicated PostgreSQL database, timing, result rows.

Figures are ratios against a baseline measured in the same run on the same
machine (these machines are noisy); absolute times are printed for reference.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BENCH_DB = "postgres://postgres@127.0.0.1:5432/minimus_bench"
# Settings read a key and never create one; benchmarks keep nothing a real key would protect.
BENCH_SECRET_KEY = "bench-only-not-secret-" + "x" * 40


@dataclass
class Result:
    name: str
    value: float
    unit: str
    baseline_name: str = ""
    baseline: float | None = None
    target: str = ""
    ok: bool | None = None
    notes: list[str] = field(default_factory=list)

    @classmethod
    def milliseconds(
        cls, name: str, seconds: float, *, baseline_name: str, baseline_seconds: float, **rest: Any
    ) -> Result:
        """A time measured in seconds, shown in ms beside its baseline's."""
        return cls(
            name, seconds * 1000, "ms", baseline_name=baseline_name, baseline=baseline_seconds * 1000, **rest
        )

    @property
    def ratio(self) -> float | None:
        if self.baseline in (None, 0):
            return None
        return self.value / self.baseline


def run_bench_script(
    name: str, *, timeout: float, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``python bench/<name>`` in a process of its own; what it printed is echoed for the log too."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / name)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    print(done.stdout, end="")
    return done


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now, for a server started here."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_database_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL", DEFAULT_BENCH_DB)


def recreate_database(url: str, *, create: bool = True) -> None:
    """Drop and create the benchmark database so every run starts from the same state."""
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"refusing odd database name {name!r}")
    admin = urlunparse(parsed._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            conn.execute(f'CREATE DATABASE "{name}"')


_django_ready = False


def setup_django(*, fresh: bool = True) -> None:
    """Point Django at the benchmark database, migrate it, and set it up once per process."""
    global _django_ready
    if _django_ready:
        return
    url = bench_database_url()
    if fresh:
        recreate_database(url)
    os.environ["DATABASE_URL"] = url
    # DEBUG keeps every SQL query in memory and serves static files: not what production runs.
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "glute_pwa.settings")
    os.environ.setdefault("MINIMUS_DATA_DIR", str(ROOT / "var" / "bench"))
    os.environ.setdefault("SECRET_KEY", BENCH_SECRET_KEY)
    # One log line per request would bury the table (gunicorn and workers started here inherit it).
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    _django_ready = True


def best_of(
    func: Callable[[], object], *, repeat: int = 5, setup: Callable[[], object] | None = None
) -> float:
    """Median wall time in seconds of ``repeat`` runs (median resists a noisy neighbour)."""
    times = []
    for _ in range(repeat):
        if setup is not None:
            setup()
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def format_table(results: list[Result]) -> str:
    headers = ["benchmark", "value", "baseline", "ratio", "target", "ok"]
    rows = []
    for r in results:
        baseline = f"{r.baseline:.4g} ({r.baseline_name})" if r.baseline is not None else "-"
        ratio = f"{r.ratio:.3f}" if r.ratio is not None else "-"
        ok = {True: "yes", False: "NO", None: "-"}[r.ok]
        rows.append([r.name, f"{r.value:.4g} {r.unit}", baseline, ratio, r.target or "-", ok])
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows, strict=False)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    out = [line, "-" * len(line)]
    for row in rows:
        out.append("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
    for r in results:
        for note in r.notes:
            out.append(f"  * {r.name}: {note}")
    return "\n".join(out)
