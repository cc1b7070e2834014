"""The production-like run (bench/prodlike.py) as rows of the bench table.

It runs in its own process: it points Django at its own database and starts
gunicorn, two Celery workers and beat, none of which may share the benchmark
process's connections.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import ROOT, Result


def run() -> list[Result]:
    with tempfile.TemporaryDirectory(prefix="minimus-prodlike-report-") as tmp:
        report_file = Path(tmp) / "report.json"
        driver = subprocess.Popen(
            [sys.executable, "-m", "bench.prodlike", "--json", str(report_file)], cwd=ROOT
        )
        try:
            driver.wait(timeout=240)
        except subprocess.TimeoutExpired:
            # SIGTERM lets the driver stop gunicorn, the workers and beat it started.
            driver.send_signal(signal.SIGTERM)
            driver.wait(timeout=60)
        if not report_file.exists():
            raise RuntimeError("the production-like run ended without a report (see its output above)")
        report = json.loads(report_file.read_text())
    journal_ok = all(report[key] == 0 for key in ("lost", "duplicated", "resurrected", "device_mismatches"))
    deliveries_ok = (
        report["deliveries_lost"] == 0
        and report["deliveries_duplicated"] == 0
        and report["push_verification_errors"] == 0
        and report["deliveries_sent"] == report["deliveries_expected"]
    )
    stack = "gunicorn -w 3, 2 Celery workers (-c 2), 1 beat, PostgreSQL, Redis"
    return [
        Result(
            "prodlike: journal records checked",
            report["records_checked"],
            "records",
            target="0 lost, 0 doubled",
            ok=journal_ok,
            notes=[
                f"lost {report['lost']}, duplicated {report['duplicated']}, resurrected "
                f"{report['resurrected']}, device != server {report['device_mismatches']}; "
                f"{report['users']} users x 2 devices, {report['sync_requests']} sync requests in "
                f"{report['sync_seconds']} s, {report['lost_responses']} lost responses re-sent",
                f"{stack}; whole run {report['seconds']} s",
            ],
        ),
        Result(
            "prodlike: reminders delivered once",
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
