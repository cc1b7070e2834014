"""A process group starts with its leader and stops with everything in it, warmly when it can."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from core.processes import process_group, start_group, stop_group
from tests.waiting import wait_for

pytestmark = pytest.mark.skipif(not hasattr(os, "killpg"), reason="process groups are POSIX")

# The leader starts a child that ignores SIGTERM, then writes "warm" when SIGTERM reaches it.
LEADER = """
import pathlib, signal, subprocess, sys, time
folder = pathlib.Path(sys.argv[1])
child = subprocess.Popen([sys.executable, "-c",
    "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(600)"])
(folder / "child.pid").write_text(str(child.pid))
def warm(*_):
    (folder / "warm").write_text("shut down warmly")
    sys.exit(0)
signal.signal(signal.SIGTERM, warm if sys.argv[2] == "warm" else signal.SIG_IGN)
(folder / "ready").touch()
while True:
    time.sleep(0.1)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead but not yet reaped by its (killed) parent's reaper, init.
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] == "Z")


def _start(tmp_path: Path, mode: str):
    process = start_group([sys.executable, "-c", LEADER, tmp_path, mode])
    wait_for((tmp_path / "ready").exists, timeout=30, what="the leader to start its child")
    return process, int((tmp_path / "child.pid").read_text())


def test_the_leader_gets_sigterm_first_and_a_child_left_behind_is_killed(tmp_path):
    process, child = _start(tmp_path, "warm")
    assert os.getpgid(process.pid) == process.pid
    assert os.getpgid(child) == process.pid

    assert stop_group(process, grace_seconds=10) == 0
    assert (tmp_path / "warm").read_text() == "shut down warmly"
    wait_for(lambda: not _alive(child), timeout=10, what="the child to be killed")


def test_a_leader_that_ignores_sigterm_is_killed_with_its_group_after_the_grace_period(tmp_path):
    process, child = _start(tmp_path, "stubborn")
    started = time.monotonic()
    assert stop_group(process, grace_seconds=1) == -9
    assert 1 <= time.monotonic() - started < 10
    assert not (tmp_path / "warm").exists()
    wait_for(lambda: not _alive(child), timeout=10, what="the child to be killed")


def test_the_context_manager_stops_the_group_when_the_block_fails(tmp_path):
    command = [sys.executable, "-c", LEADER, tmp_path, "warm"]
    with pytest.raises(RuntimeError), process_group(command) as process:
        wait_for((tmp_path / "ready").exists, timeout=30, what="the leader to start its child")
        raise RuntimeError("the block failed")
    assert process.returncode == 0
    assert (tmp_path / "warm").exists()
    wait_for(lambda: not _alive(int((tmp_path / "child.pid").read_text())), timeout=10, what="the child")
