"""Run a JavaScript test file with Node's built-in test runner, failing the pytest test on any failure."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NODE = shutil.which("node") or "/usr/bin/node"


def run_node_test_file(test_file: str, *, needed_for: str) -> None:
    """``node --test test_file`` from the project root; its output is the assertion message."""
    if not Path(NODE).exists():
        pytest.fail(f"node is needed to test {needed_for}")
    result = subprocess.run(
        [NODE, "--test", "--test-reporter=dot", test_file],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
