#!/usr/bin/env python3
"""Set up and run Minimus, or run its tests. Needs only Python 3.11+.

    python3 run.py          # venv, install, migrate, web + Celery worker + beat
    python3 run.py test     # the whole test suite (extra arguments go to pytest)
    python3 run.py bench    # every benchmark, one table (needs PostgreSQL; see bench/)

Uses only the standard library until the virtual environment exists.
"""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import subprocess
import sys
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("MINIMUS_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"
DATA_DIR = Path(os.environ.get("MINIMUS_DATA_DIR", ROOT / "var"))


def say(message: str) -> None:
    print(f"[minimus] {message}", flush=True)


def ensure_venv(requirements: str) -> None:
    """Create the venv and install requirements, only when they changed since last time."""
    if sys.version_info < (3, 11):  # noqa: UP036 - run.py may be started by an older python3
        sys.exit("Minimus needs Python 3.11 or newer.")
    if not PYTHON.exists():
        say(f"creating virtual environment in {VENV}")
        venv.EnvBuilder(with_pip=True).create(VENV)
    req_file = ROOT / requirements
    digest = hashlib.sha256()
    for name in ("requirements.txt", requirements):
        digest.update((ROOT / name).read_bytes())
    stamp = VENV / f".installed-{req_file.stem}"
    if stamp.exists() and stamp.read_text() == digest.hexdigest():
        return
    say(f"installing {requirements}")
    subprocess.run([PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    subprocess.run([PYTHON, "-m", "pip", "install", "--quiet", "-r", req_file], check=True)
    stamp.write_text(digest.hexdigest())


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([PYTHON, ROOT / "manage.py", *args], check=True, env=env, cwd=ROOT)


def local_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DEBUG", "1")
    env.setdefault("MINIMUS_DATA_DIR", str(DATA_DIR))
    env["PYTHONUNBUFFERED"] = "1"
    return env


def wait_for_port(host: str, port: int, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    """Print the URL only once the web server answers, so the first click works."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with socket.create_connection((host, port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)


def start() -> int:
    ensure_venv("requirements.txt")
    env = local_env()
    host = env.get("HOST", "127.0.0.1")
    port = env.get("PORT", "8000")
    manage("migrate", "--noinput", env=env)
    manage("ensure_vapid_keys", env=env)
    celery = [str(BIN / "celery"), "-A", "glute_pwa"]
    commands = {
        "web": [str(PYTHON), str(ROOT / "manage.py"), "runserver", "--noreload", f"{host}:{port}"],
        "worker": [*celery, "worker", "--loglevel=INFO", "--concurrency=2"],
        "beat": [*celery, "beat", "--loglevel=INFO"],
    }
    processes: dict[str, subprocess.Popen[bytes]] = {}
    for name, command in commands.items():
        # Own process group each, so Ctrl-C handling below stops every child.
        processes[name] = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    wait_for_port(host, int(port), processes["web"])
    say(f"Minimus is running at http://{host}:{port}/  (web, Celery worker and beat). Ctrl-C stops all.")

    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    exit_code = 0
    while not stopping:
        for name, process in processes.items():
            if process.poll() is not None:
                say(f"{name} exited with code {process.returncode}; stopping the others")
                exit_code = process.returncode or 1
                stopping = True
                break
        time.sleep(0.5)
    say("stopping web, worker and beat")
    # SIGTERM to each leader only: Celery then shuts its pool down warmly itself.
    # Whatever is still alive after the grace period is killed with its whole group.
    for process in processes.values():
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + 15
    for process in processes.values():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    say("stopped")
    return exit_code


def test(pytest_args: list[str]) -> int:
    ensure_venv("requirements-dev.txt")
    env = dict(os.environ)
    env["PYTHONUNBUFFERED"] = "1"
    return subprocess.call([PYTHON, "-m", "pytest", *pytest_args], cwd=ROOT, env=env)


def bench(names: list[str]) -> int:
    ensure_venv("requirements-dev.txt")
    env = dict(os.environ)
    env["PYTHONUNBUFFERED"] = "1"
    env.setdefault("PRODUCTION", "0")
    return subprocess.call([PYTHON, "-m", "bench.run", *names], cwd=ROOT, env=env)


def main(argv: list[str]) -> int:
    if argv[:1] == ["test"]:
        return test(argv[1:])
    if argv[:1] == ["bench"]:
        return bench(argv[1:])
    if argv[:1] in ([], ["start"]):
        return start()
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
