"""Each xdist worker gets its own Redis database, so real Celery workers never share a queue."""

from __future__ import annotations

import pytest

from tests.parallel import worker_redis_url


def test_workers_take_the_databases_after_the_runs_own():
    assert worker_redis_url("redis://127.0.0.1:6379/0", worker="gw0") == "redis://127.0.0.1:6379/1"
    assert worker_redis_url("redis://127.0.0.1:6379/5", worker="gw1") == "redis://127.0.0.1:6379/7"
    assert worker_redis_url("redis://127.0.0.1:6379", worker="gw2") == "redis://127.0.0.1:6379/3"


def test_listed_databases_are_handed_out_in_order():
    url = "redis://127.0.0.1:6379/5"
    assert worker_redis_url(url, worker="gw0", spare_dbs="9,10") == "redis://127.0.0.1:6379/9"
    assert worker_redis_url(url, worker="gw1", spare_dbs="9,10") == "redis://127.0.0.1:6379/10"
    with pytest.raises(RuntimeError, match="too few for gw2"):
        worker_redis_url(url, worker="gw2", spare_dbs="9,10")


def test_a_database_past_redis_default_range_is_refused():
    with pytest.raises(RuntimeError, match="outside"):
        worker_redis_url("redis://127.0.0.1:6379/15", worker="gw0")
