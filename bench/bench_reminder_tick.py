"""The reminders tick over 100,000 schedules with 2,000 due (bench/bench_tick.py) as bench table rows.

bench_tick.py makes its own scratch database and Django setup, so it runs in
its own process; its table is read back here. Redis db 9 takes the published
send messages (a scratch queue, purged by the script).
"""

from __future__ import annotations

import os
import re
from urllib.parse import urlparse, urlunparse

from bench.common import Result, bench_database_url, run_bench_script

ROW = re.compile(r"^\| (?P<what>[^|]+?) \| (?P<seconds>[\d.]+) \| (?P<share>[\d.]+%) \|$")


def run() -> list[Result]:
    server = urlunparse(urlparse(bench_database_url())._replace(path="/postgres"))
    env = {**os.environ, "DATABASE_URL": server, "REDIS_URL": "redis://127.0.0.1:6379/9", "DEBUG": "0"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = run_bench_script("bench_tick.py", timeout=300, env=env)
    rows = [match for line in done.stdout.splitlines() if (match := ROW.match(line.strip()))]
    if len(rows) != 2:
        raise RuntimeError(f"bench_tick.py printed no table:\n{done.stdout[-1500:]}\n{done.stderr[-1500:]}")
    baseline, tick = rows
    tick_s = float(tick["seconds"])
    return [
        Result.milliseconds(
            "reminder tick, 100k schedules, 2k due",
            tick_s,
            baseline_name="indexed SELECT of due rows",
            baseline_seconds=float(baseline["seconds"]),
            target="< 5 % of 60 s (3,000 ms)",
            ok=tick_s < 3.0,
            notes=[f"{tick['what']}: {tick['share']} of the minute (median of 3)"],
        )
    ]
