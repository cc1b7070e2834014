"""Run Python with production settings in a child process, as a deployment would load them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_SECRET = "p" * 30 + "-production-probe-" + "q" * 30


def production_env(data_dir: Path, *, drop: tuple[str, ...] = (), **extra: str) -> dict[str, str]:
    """This process's environment switched to production, with a data folder of its own."""
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", *drop}}
    env.update(
        {
            "PRODUCTION": "1",
            "SECRET_KEY": PRODUCTION_SECRET,
            "ALLOWED_HOSTS": "minimus.example",
            "MINIMUS_DATA_DIR": str(data_dir),
            **extra,
        }
    )
    return env


def run_in_production(
    args: list[str], *, data_dir: Path, drop: tuple[str, ...] = (), **env: str
) -> subprocess.CompletedProcess[str]:
    """``python args...`` from the project root under production settings."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=production_env(data_dir, drop=drop, **env),
        capture_output=True,
        text=True,
        timeout=120,
    )
