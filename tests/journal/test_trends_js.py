"""The browser's trend computation passes the shared fixtures too (Node's built-in test runner)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NODE = shutil.which("node") or "/usr/bin/node"


def test_javascript_trends_match_the_shared_fixtures():
    if not Path(NODE).exists():
        pytest.fail("node is needed to test frontend/static/js/trends-compute.js")
    result = subprocess.run(
        [NODE, "--test", "--test-reporter=dot", "tests/js/trends_compute.test.mjs"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
