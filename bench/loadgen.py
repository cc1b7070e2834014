"""A bounded HTTP load generator for 127.0.0.1: fixed request count, fixed concurrency.

Each worker process keeps one keep-alive connection and records per-request
latency; the run stops after ``total`` requests or ``time_limit`` seconds.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import statistics
import time
import uuid
from dataclasses import dataclass
from typing import Any


@dataclass
class LoadResult:
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def _entry_body() -> str:
    return json.dumps(
        {
            "id": str(uuid.uuid4()),
            "occurred_at": "2026-11-20T08:30:00Z",
            "time_zone": "Europe/Berlin",
            "zone": "outer_thigh",
            "side": "left",
            "posture": "walking",
            "intensity": 5,
            "note": "",
        }
    )


def _worker(args: tuple[str, int, str, str, str, int, float]) -> tuple[list[float], int]:
    host, port, method, path, token, count, deadline = args
    conn = http.client.HTTPConnection(host, port, timeout=30)
    headers = {"Content-Type": "application/json", "Host": "localhost"}
    if token:
        headers["Authorization"] = f"Token {token}"
    latencies: list[float] = []
    errors = 0
    for _ in range(count):
        if time.monotonic() > deadline:
            break
        body = _entry_body() if method == "POST" else None
        start = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status >= 400:
                errors += 1
        except (OSError, http.client.HTTPException):
            errors += 1
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=30)
            continue
        latencies.append((time.perf_counter() - start) * 1000)
    conn.close()
    return latencies, errors


def run_load(
    *,
    host: str,
    port: int,
    method: str,
    path: str,
    tokens: list[str],
    total: int,
    concurrency: int,
    time_limit: float = 60.0,
) -> LoadResult:
    if host not in {"127.0.0.1", "localhost"}:
        raise ValueError("the load generator only targets this machine")
    per_worker = total // concurrency
    deadline = time.monotonic() + time_limit
    jobs: list[Any] = [
        (host, port, method, path, tokens[i % len(tokens)] if tokens else "", per_worker, deadline)
        for i in range(concurrency)
    ]
    start = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(concurrency) as pool:
        outcomes = pool.map(_worker, jobs)
    seconds = time.perf_counter() - start
    latencies = [lat for lats, _ in outcomes for lat in lats]
    errors = sum(err for _, err in outcomes)
    return LoadResult(
        requests=len(latencies),
        errors=errors,
        seconds=seconds,
        p50_ms=statistics.median(latencies) if latencies else float("nan"),
        p95_ms=_percentile(latencies, 0.95),
        p99_ms=_percentile(latencies, 0.99),
    )
