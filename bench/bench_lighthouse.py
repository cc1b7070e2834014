"""Lighthouse mobile performance (bench/lighthouse.py, from the pwa work) as rows of the bench table.

lighthouse.py serves the app as deployed (its own gunicorn and temporary
database) and prints one line per page; it runs in its own process and its
lines are read back here. Needs Lighthouse once: cd bench/lighthouse && npm ci.
"""

from __future__ import annotations

import re
import subprocess
import sys

from bench.common import ROOT, Result

LINE = re.compile(
    r"^(?P<page>.+?)\s+performance=\s*(?P<score>\d+) \(runs (?P<runs>\[[^\]]*\])\)\s+(?P<rest>.*)$"
)


def run() -> list[Result]:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "lighthouse.py")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=420,
        check=False,
    )
    print(done.stdout, end="")
    results = []
    for line in done.stdout.splitlines():
        match = LINE.match(line)
        if match is None:
            continue
        score = int(match["score"])
        figures = match["rest"].split("  (final URL")[0]
        results.append(
            Result(
                f"Lighthouse mobile: {match['page']}",
                score,
                "/100",
                target=">= 95",
                ok=score >= 95,
                notes=[f"median of runs {match['runs']}; {figures}"],
            )
        )
    installable = next((line for line in done.stdout.splitlines() if line.startswith("installable")), "")
    if not results:
        raise RuntimeError(f"lighthouse.py printed no scores:\n{done.stdout[-1500:]}\n{done.stderr[-1500:]}")
    results[0].notes.append(installable)
    return results
