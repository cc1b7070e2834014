"""Start a command in its own process group and stop it with everything it started.

Standard library only: ``run.py`` imports this module before the virtual
environment (and so Django) exists.

Stopping sends SIGTERM to the group leader alone, so a Celery worker or
gunicorn shuts its children down warmly itself; whatever is still alive in the
group after the grace period is killed with SIGKILL.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:  # aliases for annotations only: run.py may import this on an old Python
    from typing import TypeAlias, TypedDict, Unpack

    Command: TypeAlias = Sequence[str | os.PathLike[str]]
    Output: TypeAlias = int | IO[Any] | None
    Folder: TypeAlias = str | os.PathLike[str] | None

    class GroupOptions(TypedDict, total=False):
        """What ``process_group`` hands on to ``start_group``."""

        env: Mapping[str, str] | None
        cwd: Folder
        stdout: Output
        stderr: Output


def start_group(
    command: Command,
    *,
    env: Mapping[str, str] | None = None,
    cwd: Folder = None,
    stdout: Output = None,
    stderr: Output = None,
) -> subprocess.Popen[bytes]:
    """Run ``command`` as the leader of a new session (and process group)."""
    return subprocess.Popen(  # noqa: S603 - the commands are the project's own, never shell strings
        [os.fspath(part) for part in command],
        env=dict(env) if env is not None else None,
        cwd=cwd,
        stdout=stdout,
        stderr=stderr,
        start_new_session=True,
    )


def child_pids(pid: int) -> list[int]:
    """The ids of the processes whose parent is ``pid`` (Linux /proc; empty elsewhere)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended while we looked
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def kill_group(process: subprocess.Popen[Any]) -> None:
    """SIGKILL the leader and every process left in its group, then reap the leader."""
    killpg = getattr(os, "killpg", None)
    if killpg is None:  # no process groups (Windows): the leader is all we can reach
        if process.poll() is None:
            process.kill()
    else:
        with suppress(ProcessLookupError, PermissionError):  # the group is already empty
            killpg(process.pid, signal.SIGKILL)
    process.wait()


def stop_groups(processes: Iterable[subprocess.Popen[Any]], *, grace_seconds: float) -> None:
    """Stop several groups within one shared grace period (they shut down in parallel)."""
    processes = list(processes)
    for process in processes:
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + grace_seconds
    for process in processes:
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
        # Also after a clean exit of the leader: a child it left behind must not outlive it.
        kill_group(process)


def stop_group(process: subprocess.Popen[Any], *, grace_seconds: float) -> int:
    """SIGTERM to the leader, SIGKILL to the whole group after ``grace_seconds``; the exit code."""
    stop_groups([process], grace_seconds=grace_seconds)
    return process.returncode


@contextmanager
def process_group(
    command: Command, *, grace_seconds: float = 15.0, **options: Unpack[GroupOptions]
) -> Iterator[subprocess.Popen[bytes]]:
    """``start_group`` on entry, ``stop_group`` on exit, however the block ends."""
    process = start_group(command, **options)
    try:
        yield process
    finally:
        stop_group(process, grace_seconds=grace_seconds)
