"""A task sent through each broker is executed by a real worker process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.services import need_redis, start_celery_worker

ROOT = Path(__file__).resolve().parents[2]
SEND_PING = "from glute_pwa.celery import ping; print(ping.delay().get(timeout=60))"


def _round_trip(env: dict[str, str]) -> str:
    worker = start_celery_worker(env)
    try:
        sender = subprocess.run(
            [sys.executable, "-c", SEND_PING], cwd=ROOT, env=env, capture_output=True, text=True, timeout=90
        )
        assert sender.returncode == 0, sender.stderr
        return sender.stdout.strip()
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def _base_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL"}}
    env["MINIMUS_DATA_DIR"] = str(tmp_path)
    return env


@pytest.mark.services
def test_task_round_trip_through_embedded_filesystem_broker(tmp_path):
    assert _round_trip(_base_env(tmp_path)) == "pong"
    assert (tmp_path / "broker" / "queue").is_dir()


@pytest.mark.services
def test_task_round_trip_through_redis(tmp_path):
    env = _base_env(tmp_path)
    env["REDIS_URL"] = need_redis()
    assert _round_trip(env) == "pong"
    assert not (tmp_path / "broker").exists()
