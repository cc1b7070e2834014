"""A task for the worker-death test only: records each start, sleeps, records completion."""

from __future__ import annotations

import time
from pathlib import Path

from glute_pwa.celery import app


@app.task(name="tests.record_slowly")
def record_slowly(journal: str, seconds: float) -> str:
    path = Path(journal)
    with path.open("a") as handle:
        handle.write("started\n")
    time.sleep(seconds)
    with path.open("a") as handle:
        handle.write("done\n")
    return "done"
