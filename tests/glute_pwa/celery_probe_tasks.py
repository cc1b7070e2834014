"""Tasks for tests that run a real worker; each leaves an effect on disk the test waits for."""

from __future__ import annotations

import time
from pathlib import Path

from glute_pwa.celery import app


@app.task(name="tests.touch")
def touch(path: str) -> None:
    Path(path).touch()


@app.task(name="tests.record_slowly")
def record_slowly(journal: str, seconds: float) -> None:
    """Records each start, sleeps, records completion (the worker-death test kills it mid-sleep)."""
    path = Path(journal)
    with path.open("a") as handle:
        handle.write("started\n")
    time.sleep(seconds)
    with path.open("a") as handle:
        handle.write("done\n")


@app.task(name="tests.log_line")
def log_line(path: str) -> None:
    """Logs one line from inside a task, then leaves the file the test waits for."""
    import logging

    logging.getLogger("tests.probe").warning("probe task ran")
    Path(path).touch()


@app.task(name="tests.count_pain_entries")
def count_pain_entries(path: str) -> None:
    """Writes how many pain entries the database holds (a query through the worker's own connection)."""
    from journal.models import PainEntry

    Path(path).write_text(str(PainEntry.objects.count()))
