#!/usr/bin/env python3
"""Set up and run Minimus, or run its tests. Needs only Python 3.11+.

    python3 run.py          # venv, install, migrate, web + Celery worker + beat
    python3 run.py test     # the whole test suite, over 2 xdist workers (extra arguments go to pytest)
    python3 run.py test --fast   # the quick tier: no browser, no real services, nothing slow
    python3 run.py bench    # every benchmark, one table (needs PostgreSQL; see bench/)

Uses only the standard library until the virtual environment exists.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
# Started from any folder, before the venv exists: the project's stdlib-only helpers come from ROOT.
sys.path.insert(0, str(ROOT))

from core.files import write_once  # noqa: E402
from core.processes import start_group, stop_groups  # noqa: E402

VENV = Path(os.environ.get("MINIMUS_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"
DATA_DIR = Path(os.environ.get("MINIMUS_DATA_DIR") or ROOT / "var")
# Only for `run.py test`: the suite's processes need some key, and none of it is kept.
TEST_SECRET_KEY = "test-only-not-secret-" + "x" * 40


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


def ensure_secret_key(path: Path) -> bool:
    """Write a new secret key to ``path`` unless one is there; True when it created one.

    Settings only read this file: local runs keep a stable SECRET_KEY (sessions
    survive a restart) without asking a newcomer to configure anything.
    """
    return write_once(path, secrets.token_urlsafe(50))


def prepare_data_dir(env: dict[str, str]) -> None:
    """Create the data folder and, unless SECRET_KEY is given, the key settings will read."""
    data_dir = Path(env["MINIMUS_DATA_DIR"])
    data_dir.mkdir(parents=True, exist_ok=True)
    if not env.get("SECRET_KEY") and ensure_secret_key(data_dir / "secret_key"):
        say(f"created a secret key in {data_dir / 'secret_key'}")


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
    prepare_data_dir(env)
    manage("migrate", "--noinput", env=env)
    manage("ensure_vapid_keys", env=env)
    celery = [str(BIN / "celery"), "-A", "glute_pwa"]
    commands = {
        "web": [str(PYTHON), str(ROOT / "manage.py"), "runserver", "--noreload", f"{host}:{port}"],
        "worker": [*celery, "worker", "--loglevel=INFO", "--concurrency=2"],
        "beat": [*celery, "beat", "--loglevel=INFO"],
    }
    # Own process group each, so stopping below takes every child with it.
    processes = {name: start_group(command, cwd=ROOT, env=env) for name, command in commands.items()}
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
    stop_groups(processes.values(), grace_seconds=15)
    say("stopped")
    return exit_code


# The day-to-day tier: no browser, no real worker or service, nothing marked slow.
FAST_TIER = "not browser and not services and not slow"
TEST_WORKERS = os.environ.get("MINIMUS_TEST_WORKERS", "2")


def pytest_arguments(args: list[str]) -> list[str]:
    """``--fast`` selects the quick tier. A run over the whole suite (no test named, no
    ``-n`` given) is spread over TEST_WORKERS pytest-xdist workers; naming a file or test
    runs it in this one process, where starting workers would cost more than it saves."""
    args = list(args)
    if "--fast" in args:
        args.remove("--fast")
        args = ["-m", FAST_TIER, *args]
    informational = {"--version", "-V", "--help", "-h", "--collect-only", "--co"}
    chooses_workers = any(
        arg.startswith(("-n", "--numprocesses", "--dist")) or arg == "no:xdist" for arg in args
    )
    names_tests = any(not arg.startswith("-") and (ROOT / arg.split("::")[0]).exists() for arg in args)
    if not (chooses_workers or names_tests or informational & set(args)) and TEST_WORKERS != "0":
        args = ["-n", TEST_WORKERS, "--dist", "worksteal", *args]
    return args


def test(pytest_args: list[str]) -> int:
    ensure_venv("requirements-dev.txt")
    env = dict(os.environ)
    env["PYTHONUNBUFFERED"] = "1"
    # Settings never create a key; the suite and the servers it starts share this throwaway one.
    env.setdefault("SECRET_KEY", TEST_SECRET_KEY)
    return subprocess.call([PYTHON, "-m", "pytest", *pytest_arguments(pytest_args)], cwd=ROOT, env=env)


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
