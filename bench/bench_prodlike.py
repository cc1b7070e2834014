"""The production-like run (bench/prodlike.py) as rows of the bench table, in two topologies.

- as deployed by default: one gunicorn, two Celery workers and beat straight on PostgreSQL;
- the scaling path: PgBouncer in transaction mode (conn_max_age=0) in front of
  PostgreSQL for every process, and two gunicorn instances behind Caddy;
- a bounded soak: 1,000 simulated users on the default stack for a few minutes, with the
  latency of every request they sent (sync, REST logs, pages) and 0 server errors.

Each runs in its own process: it points Django at its own database and starts
its servers, none of which may share the benchmark process's connections.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import ROOT, Result

SCALED = ["--pgbouncer", "--web-instances", "2"]
SOAK = {
    "PRODLIKE_USERS": os.environ.get("SOAK_USERS", "1000"),
    "PRODLIKE_ROUNDS": "10",
    "PRODLIKE_CONCURRENCY": "32",
    "PRODLIKE_TIME_LIMIT": "700",
}


def _report(extra_args: list[str], *, env: dict[str, str] | None = None, timeout: int = 240) -> dict:
    with tempfile.TemporaryDirectory(prefix="minimus-prodlike-report-") as tmp:
        report_file = Path(tmp) / "report.json"
        driver = subprocess.Popen(
            [sys.executable, "-m", "bench.prodlike", "--json", str(report_file), *extra_args],
            cwd=ROOT,
            env={**os.environ, **(env or {})},
        )
        try:
            driver.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            # SIGTERM lets the driver stop gunicorn, the workers and beat it started.
            driver.send_signal(signal.SIGTERM)
            driver.wait(timeout=60)
        if not report_file.exists():
            raise RuntimeError("the production-like run ended without a report (see its output above)")
        return json.loads(report_file.read_text())


def _rows(report: dict, label: str, stack: str) -> list[Result]:
    journal_ok = all(report[key] == 0 for key in ("lost", "duplicated", "resurrected", "device_mismatches"))
    deliveries_ok = (
        report["deliveries_lost"] == 0
        and report["deliveries_duplicated"] == 0
        and report["push_verification_errors"] == 0
        and report["deliveries_sent"] == report["deliveries_expected"]
    )
    spread = report["sync_requests_by_instance"]
    topology_ok = all(count > 0 for count in spread) and (
        not report["pgbouncer"] or report.get("pgbouncer_transactions", 0) > 0
    )
    carried = f"sync requests per web instance {spread}" + (
        f", {report['pgbouncer_transactions']} transactions through PgBouncer" if report["pgbouncer"] else ""
    )
    return [
        Result(
            f"{label}: journal records checked",
            report["records_checked"],
            "records",
            target="0 lost, 0 doubled",
            ok=journal_ok and topology_ok,
            notes=[
                f"lost {report['lost']}, duplicated {report['duplicated']}, resurrected "
                f"{report['resurrected']}, device != server {report['device_mismatches']}; "
                f"{report['users']} users x 2 devices, {report['sync_requests']} requests in "
                f"{report['sync_seconds']} s, {report['lost_responses']} lost responses re-sent",
                f"{stack}; {carried}; whole run {report['seconds']} s",
            ],
        ),
        Result(
            f"{label}: reminders delivered once",
            report["deliveries_sent"],
            "pushes",
            baseline_name="due",
            baseline=report["deliveries_expected"],
            target="each due push exactly once",
            ok=deliveries_ok,
            notes=[
                f"lost {report['deliveries_lost']}, duplicated {report['deliveries_duplicated']}, "
                f"VAPID/decrypt errors {report['push_verification_errors']} at the fake push service; "
                "beat tick every 5 s instead of 60 s (bench/settings_prodlike.py)"
            ],
        ),
    ]


def _soak_rows(report: dict) -> list[Result]:
    latency = report["latency_ms"]
    rows = _rows(report, f"soak, {report['users']} users", "gunicorn -w 3, 2 Celery workers (-c 2), 1 beat")
    rows.append(
        Result(
            f"soak, {report['users']} users: request latency p50",
            latency["p50"],
            "ms",
            target="0 server errors",
            ok=report["server_errors"] == 0,
            notes=[
                f"p95 {latency['p95']} ms, p99 {latency['p99']} ms over {report['sync_requests']} requests "
                f"(sync push and pull, REST logs, pages) in {report['sync_seconds']} s, "
                f"{SOAK['PRODLIKE_CONCURRENCY']} users at a time; {report['server_errors']} server errors"
            ],
        )
    )
    return rows


def run() -> list[Result]:
    direct = _report([])
    scaled = _report(SCALED)
    soak = _report([], env=SOAK, timeout=900)
    return [
        *_rows(direct, "prodlike", "gunicorn -w 3, 2 Celery workers (-c 2), 1 beat, PostgreSQL, Redis"),
        *_rows(
            scaled,
            "prodlike via PgBouncer, 2 web",
            "2 x gunicorn -w 2 behind Caddy (round robin), 2 Celery workers (-c 2), 1 beat, every process "
            "through PgBouncer 1.18 in transaction mode (conn_max_age=0), PostgreSQL, Redis",
        ),
        *_soak_rows(soak),
    ]
