"""The README's run command starts web, worker and beat, and Ctrl-C stops them all."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.waiting import wait_for

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _descendants(pid: int) -> set[int]:
    children: set[int] = set()
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
        except OSError:
            continue
        if stat.rsplit(")", 1)[1].split()[1] == str(pid):
            child = int(proc.name)
            children |= {child} | _descendants(child)
    return children


def _still_running(pids: set[int]) -> list[int]:
    """Those of ``pids`` still alive (a zombie has exited; only its parent has not looked yet)."""
    alive = []
    for pid in sorted(pids):
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.append(pid)
    return alive


def _read(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode()
    except OSError:
        return None


@pytest.mark.services
@pytest.mark.skipif(not Path("/proc").exists(), reason="needs /proc to find child processes")
def test_run_command_serves_the_app_and_ctrl_c_leaves_no_process(tmp_path):
    port = _free_port()
    # A fresh checkout: no services and no secret key configured.
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY"}}
    env.update({"MINIMUS_DATA_DIR": str(tmp_path), "PORT": str(port), "MINIMUS_VENV": str(Path(sys.prefix))})
    process = subprocess.Popen(
        [sys.executable, "run.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/"
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            lines.append(line)
            if f"running at {url}" in line:
                break
            assert process.poll() is None, "".join(lines)
        else:
            pytest.fail("run.py never printed its URL:\n" + "".join(lines))
        health = wait_for(lambda: _read(url + "healthz"), timeout=30, interval=0.5, what="/healthz")
        assert '"database": true' in health and '"broker": true' in health
        with urllib.request.urlopen(url, timeout=5) as response:
            assert "Minimus" in response.read().decode()
        children = _descendants(process.pid)
        assert len(children) >= 3, "web, worker and beat should be running"
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
    try:
        wait_for(lambda: not _still_running(children), timeout=5, what="every child to exit")
    except AssertionError:
        pytest.fail(f"processes left after Ctrl-C: {_still_running(children)}")
    # What the run command creates before Django starts (settings only read them).
    assert (tmp_path / "vapid.json").exists()
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    output = "".join(lines) + process.stdout.read()
    assert "stopped" in output
    assert "No hostname was supplied" not in output


def test_run_command_needs_only_the_standard_library_and_works_from_any_folder(tmp_path):
    """Before the venv exists run.py has only the standard library (-S: no site-packages at all)."""
    result = subprocess.run(
        [sys.executable, "-S", str(ROOT / "run.py"), "help"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2, result.stderr
    assert "python3 run.py test" in result.stdout
    assert list(tmp_path.iterdir()) == []
