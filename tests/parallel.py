"""Give each pytest-xdist worker its own Redis database, before Django reads its settings.

Loaded with ``-p tests.parallel`` (pyproject's addopts), so it runs before pytest-django
imports the settings. PostgreSQL needs nothing here: pytest-django already gives each worker
its own test database (``test_<name>_gw0``, ...). Redis does: a real Celery worker started
by one xdist worker would otherwise take the tasks another one queued, and a purge in one
would empty the other's queue. Each worker's REDIS_URL gets another database number, the
n-th of ``MINIMUS_TEST_REDIS_DBS`` (comma-separated) when given, else the run's own number
plus 1 + n. Live servers and the fake push service already listen on free ports.
"""

from __future__ import annotations

import os
from urllib.parse import urlparse, urlunparse


def worker_redis_url(url: str, *, worker: str, spare_dbs: str = "") -> str:
    """``url`` with the database number that xdist worker ``worker`` ("gw0", "gw1", ...) uses."""
    index = int(worker.removeprefix("gw"))
    parsed = urlparse(url)
    base = int(parsed.path.strip("/") or 0)
    choices = [int(n) for n in spare_dbs.split(",") if n.strip()]
    if choices:
        if index >= len(choices):
            raise RuntimeError(f"MINIMUS_TEST_REDIS_DBS lists {len(choices)} databases, too few for {worker}")
        db = choices[index]
    else:
        db = base + 1 + index
    if not 0 <= db <= 15:
        raise RuntimeError(f"Redis database {db} for worker {worker} is outside Redis' default 0-15")
    return urlunparse(parsed._replace(path=f"/{db}"))


def _isolate_this_worker() -> None:
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    url = os.environ.get("REDIS_URL")
    if not worker or not url:
        return
    os.environ["REDIS_URL"] = worker_redis_url(
        url, worker=worker, spare_dbs=os.environ.get("MINIMUS_TEST_REDIS_DBS", "")
    )


_isolate_this_worker()
