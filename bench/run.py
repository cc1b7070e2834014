"""Run every benchmark and print one table.  Usage: python3 run.py bench [name ...]

Each bench module exposes ``run() -> list[Result]``. They share one freshly
created PostgreSQL database (BENCH_DATABASE_URL, default minimus_bench on the
local server).
"""

from __future__ import annotations

import importlib
import platform
import sys
import time
import traceback

from bench.common import Result, format_table, setup_django

BENCHMARKS = [
    "bench_page_weight",
    "bench_lighthouse",
    "bench_sync",
    "bench_import",
    "bench_trends",
    "bench_reminder_tick",
    "bench_throughput",
    "bench_prodlike",
    "bench_account_delete",
    "bench_memory",
]


def main(argv: list[str]) -> int:
    selected = [name for name in BENCHMARKS if not argv or any(arg in name for arg in argv)]
    setup_django(fresh=True)
    results: list[Result] = []
    failures = 0
    started = time.perf_counter()
    for name in selected:
        t0 = time.perf_counter()
        print(f"[bench] {name} ...", flush=True)
        try:
            module = importlib.import_module(f"bench.{name}")
            results.extend(module.run())
        except Exception:  # noqa: BLE001 - one broken benchmark must not hide the others
            failures += 1
            traceback.print_exc()
            results.append(Result(name, float("nan"), "", notes=["FAILED, see traceback above"]))
        print(f"[bench] {name} took {time.perf_counter() - t0:.1f} s", flush=True)
    print()
    print(
        f"Machine: {platform.machine()}, {platform.processor() or 'cpu'}, Python {platform.python_version()}"
    )
    print(format_table(results))
    print(f"\nTotal {time.perf_counter() - started:.0f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
