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


@pytest.mark.services
@pytest.mark.skipif(not Path("/proc").exists(), reason="needs /proc to find child processes")
def test_run_command_serves_the_app_and_ctrl_c_leaves_no_process(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
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
        for _ in range(60):
            try:
                with urllib.request.urlopen(url + "healthz", timeout=5) as response:
                    health = response.read().decode()
                break
            except OSError:
                time.sleep(0.5)
        assert '"database": true' in health and '"broker": true' in health
        with urllib.request.urlopen(url, timeout=5) as response:
            assert "Minimus" in response.read().decode()
        children = _descendants(process.pid)
        assert len(children) >= 3, "web, worker and beat should be running"
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
    time.sleep(1)
    alive = [pid for pid in children if Path(f"/proc/{pid}").exists()]
    assert alive == [], f"processes left after Ctrl-C: {alive}"
    assert (tmp_path / "vapid.json").exists()
