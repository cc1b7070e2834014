"""The reminders tick over 100,000 schedules with 2,000 due (bench/bench_tick.py) as bench table rows.

bench_tick.py makes its own scratch database and Django setup, so it runs in
its own process; its table is read back here. Redis db 9 takes the published
send messages (a scratch queue, purged by the script).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from urllib.parse import urlparse, urlunparse

from bench.common import ROOT, Result, bench_database_url

ROW = re.compile(r"^\| (?P<what>[^|]+?) \| (?P<seconds>[\d.]+) \| (?P<share>[\d.]+%) \|$")


def run() -> list[Result]:
    server = urlunparse(urlparse(bench_database_url())._replace(path="/postgres"))
    env = {**os.environ, "DATABASE_URL": server, "REDIS_URL": "redis://127.0.0.1:6379/9", "DEBUG": "0"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_tick.py")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    print(done.stdout, end="")
    rows = [match for line in done.stdout.splitlines() if (match := ROW.match(line.strip()))]
    if len(rows) != 2:
        raise RuntimeError(f"bench_tick.py printed no table:\n{done.stdout[-1500:]}\n{done.stderr[-1500:]}")
    baseline, tick = rows
    tick_s = float(tick["seconds"])
    return [
        Result(
            "reminder tick, 100k schedules, 2k due",
            tick_s * 1000,
            "ms",
            baseline_name="indexed SELECT of due rows",
            baseline=float(baseline["seconds"]) * 1000,
            target="< 5 % of 60 s (3,000 ms)",
            ok=tick_s < 3.0,
            notes=[f"{tick['what']}: {tick['share']} of the minute (median of 3)"],
        )
    ]
