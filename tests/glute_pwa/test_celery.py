"""A task sent through each broker is executed by a real worker process.

Tasks keep no results (CELERY_TASK_IGNORE_RESULT): the test waits for the task's effect, a file.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from core.processes import stop_group
from tests.services import need_redis, run_python, start_celery_worker
from tests.waiting import wait_for

ROOT = Path(__file__).resolve().parents[2]
SEND_TOUCH = "import sys; from glute_pwa.celery import app; app.send_task('tests.touch', args=[sys.argv[1]])"


def _round_trip(env: dict[str, str], marker: Path) -> None:
    worker = start_celery_worker(env, imports=["tests.glute_pwa.celery_probe_tasks"])
    try:
        run_python(SEND_TOUCH, str(marker), env=env)
        wait_for(marker.exists, timeout=60, what="the worker to run the task")
    finally:
        exit_code = stop_group(worker, grace_seconds=20)
    assert exit_code == 0, "the worker did not shut down warmly on SIGTERM"


def _base_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL"}}
    env["MINIMUS_DATA_DIR"] = str(tmp_path / "data")
    return env


@pytest.mark.services
def test_task_round_trip_through_embedded_filesystem_broker(tmp_path):
    _round_trip(_base_env(tmp_path), tmp_path / "touched")
    broker = tmp_path / "data" / "broker"
    assert (broker / "queue").is_dir()
    # The exchange tables live in the data folder, not in ./control of the working directory.
    assert (broker / "control" / "celery.exchange").is_file()
    assert not (ROOT / "control").exists()


@pytest.mark.services
def test_task_round_trip_through_redis(tmp_path):
    env = _base_env(tmp_path)
    env["REDIS_URL"] = need_redis()
    _round_trip(env, tmp_path / "touched")
    assert not (tmp_path / "data" / "broker").exists()
