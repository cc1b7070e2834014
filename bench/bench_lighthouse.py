"""Lighthouse mobile performance (bench/lighthouse.py) as rows of the bench table.

lighthouse.py serves the app as deployed (its own gunicorn and temporary
database) and prints one line per page; it runs in its own process and its
lines are read back here. Needs Lighthouse once: cd bench/lighthouse && npm ci.
"""

from __future__ import annotations

import re

from bench.common import Result, run_bench_script

LINE = re.compile(
    r"^(?P<page>.+?)\s+performance=\s*(?P<score>\d+) \(runs (?P<runs>\[[^\]]*\])\)"
    r"\s+accessibility=(?P<accessibility>\d+)(?P<failing> failing \S+)?\s+(?P<rest>.*)$"
)


def run() -> list[Result]:
    done = run_bench_script("lighthouse.py", timeout=1200)
    results = []
    for line in done.stdout.splitlines():
        match = LINE.match(line)
        if match is None:
            continue
        score = int(match["score"])
        figures = match["rest"].split("  (final URL")[0]
        accessibility = int(match["accessibility"])
        failing = (match["failing"] or "").removeprefix(" failing ")
        results.append(
            Result(
                f"Lighthouse mobile: {match['page']}",
                score,
                "/100",
                target=">= 98",
                ok=score >= 98,
                notes=[f"median of runs {match['runs']}; {figures}"],
            )
        )
        results.append(
            Result(
                f"Lighthouse accessibility: {match['page']}",
                accessibility,
                "/100",
                target="100",
                ok=accessibility == 100,
                notes=[f"failing audits: {failing}"] if failing else [],
            )
        )
    installable = next((line for line in done.stdout.splitlines() if line.startswith("installable")), "")
    if not results:
        raise RuntimeError(f"lighthouse.py printed no scores:\n{done.stdout[-1500:]}\n{done.stderr[-1500:]}")
    results[0].notes.append(installable)
    return results
