"""A PostgreSQL cluster of the test's own: initdb in a temporary folder, a free loopback port.

Tests that stop, crash or restart PostgreSQL use this, never the machine's shared server.
Debian's server binaries live in /usr/lib/postgresql/<version>/bin. PostgreSQL refuses to run
as root, so under root every server command runs as the ``postgres`` user (or ``nobody``).
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

from tests.services import REQUIRE_SERVICES


def server_binaries() -> Path | None:
    """The newest installed server's bin folder, or None."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda path: int(path.parent.parent.name) if path.parent.parent.name.isdigit() else 0,
    )
    return found[-1].parent if found else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _server_user() -> str | None:
    """Who runs the server: ourselves, unless we are root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise RuntimeError("running as root and neither a postgres nor a nobody user exists")


class PrivateCluster:
    """One throwaway cluster; ``stop``/``start`` as an operator or a crash would."""

    def __init__(self, folder: Path, binaries: Path) -> None:
        self.folder = folder
        self.data = folder / "data"
        self.log = folder / "server.log"
        self.binaries = binaries
        self.port = _free_port()
        self.user = _server_user()

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, tool: str, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.binaries / tool), *args]
        if self.user is not None:
            command = ["runuser", "-u", self.user, "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)

    def init(self) -> None:
        if self.user is not None:
            shutil.chown(self.folder, user=self.user)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8")

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} "
            "-c fsync=off -c full_page_writes=off -c max_connections=40"
        )
        self._run(
            "pg_ctl", "start", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "-o", options
        )

    def stop(self, mode: str = "fast") -> None:
        """``immediate`` is a crash: no checkpoint, connections cut, WAL replayed at the next start."""
        self._run("pg_ctl", "stop", "-D", str(self.data), "-m", mode, "-w", "-t", "60")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def psql(self, database: str, sql: str) -> str:
        """Run SQL through psql on this cluster; its unaligned, tuples-only output."""
        result = subprocess.run(
            [
                str(self.binaries / "psql"),
                "-X",
                "-v",
                "ON_ERROR_STOP=1",
                "-At",
                "-d",
                self.url(database),
                "-c",
                sql,
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return result.stdout


@contextmanager
def private_cluster() -> Iterator[PrivateCluster]:
    """A started cluster, stopped and deleted afterwards; skipped (failed in CI) without binaries."""
    binaries = server_binaries()
    if binaries is None:
        if REQUIRE_SERVICES:
            pytest.fail("PostgreSQL server binaries (/usr/lib/postgresql/*/bin) are required")
        pytest.skip("PostgreSQL server binaries not installed")
    # Not under pytest's tmp_path: its parents are private to this user, the server user must get in.
    folder = Path(tempfile.mkdtemp(prefix="minimus-pg-"))
    cluster = PrivateCluster(folder, binaries)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        if cluster.running():
            with suppress(subprocess.CalledProcessError):
                cluster.stop("immediate")
        shutil.rmtree(folder, ignore_errors=True)
