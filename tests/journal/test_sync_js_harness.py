"""The shipped sync client (frontend/static/js/db.js and sync.js) as three devices of one user,
against the real server on PostgreSQL, through a network that loses, repeats and delays
requests, with pages closed mid-transaction, restarts, purges, gaps and foreign client ids.

The devices run in Node (tests/js/sync_harness/run.mjs: fake-indexeddb, fast-check); the
server is gunicorn serving this test's database, restarted (SIGKILL) when a sequence asks.
The harness asks for what only the operator can do over a line protocol on its stdin and
stdout (see ``Operator``). It fails with fast-check's shrunk sequence.

CI: ``SYNC_HARNESS_RUNS`` runs of ``SYNC_HARNESS_OPS`` operations (defaults below, over
10,000 operations). A longer hunt: ``SYNC_HARNESS_RUNS=1000 python3 run.py test
tests/journal/test_sync_js_harness.py`` (figures in docs/journal.md).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.utils import timezone

from accounts.tombstones import account_marker
from body import vocabulary as vocab
from core.processes import child_pids, kill_group, start_group
from journal.devices import sync_client_revoke
from journal.models import RECORD_MODELS, SyncClient, SyncRejection
from journal.services.sync import sync_tombstones_purge
from tests.services import need_postgres
from tests.waiting import wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow, pytest.mark.services]

ROOT = Path(__file__).resolve().parents[2]
NODE = shutil.which("node") or "/usr/bin/node"
RUNS = int(os.environ.get("SYNC_HARNESS_RUNS", "10"))
OPS = int(os.environ.get("SYNC_HARNESS_OPS", "1000"))
SEED = os.environ.get("SYNC_HARNESS_SEED")
TRACE = bool(os.environ.get("SYNC_HARNESS_TRACE"))
# Runs and shrinking stop after this long, so a failure cannot hold CI for hours shrinking.
TIME_LIMIT_SECONDS = int(os.environ.get("SYNC_HARNESS_SECONDS", "900"))

VALID = {
    "pain_entry": {
        "occurred_at": ["2026-03-09T23:30:00Z", "2026-03-10T08:15:00Z", "2026-03-10T12:00:00Z"],
        "time_zone": ["Europe/Berlin", "America/New_York", "Asia/Tokyo", "Pacific/Kiritimati", "UTC"],
        "zone": [code for code, _ in vocab.ZONE_CHOICES],
        "side": list(vocab.SIDES),
        "posture": list(vocab.POSTURES),
        "intensity": list(range(vocab.INTENSITY_MIN, vocab.INTENSITY_MAX + 1)),
        "note": [""],
    },
    "massage_session": {
        "occurred_at": ["2026-03-09T23:30:00Z", "2026-03-10T08:15:00Z", "2026-03-10T12:00:00Z"],
        "time_zone": ["Europe/Berlin", "America/New_York", "Asia/Tokyo", "Pacific/Kiritimati", "UTC"],
        "portion": list(vocab.PORTIONS),
        "side": list(vocab.SIDES),
        "tool": list(vocab.MASSAGE_TOOLS),
        "minutes": [1, 5, 60],
        "pain_before": [0, 4, 10],
        "pain_after": [None, 0, 3, 10],
        "note": [""],
    },
}
# What a buggy or outdated client might send; the reference knows each is refused.
INVALID = {
    "intensity": [11, -1, "7"],
    "zone": ["elbow"],
    "minutes": [0, 61],
    "pain_before": [12],
    "time_zone": ["Mars/Olympus"],
}


FIGURES = (
    "runs", "operations", "requests", "seconds", "server_restarts", "most_requests_in_one_sync",
    "lost", "doubled", "resurrected",
)  # fmt: skip


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn on this test's database, the app loaded once (--preload).

    ``restart`` kills the process serving requests with SIGKILL, as a crash or an OOM kill
    would (its transaction rolls back, its connections drop); gunicorn forks a fresh one.
    """

    def __init__(self, log: Path) -> None:
        self.port = _free_port()
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None
        database = connection.settings_dict
        self.env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
        self.env["DATABASE_URL"] = (
            f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
            f"/{database['NAME']}"
        )
        self.restarts = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = start_group(
                [
                    sys.executable, "-m", "gunicorn", "glute_pwa.wsgi",
                    "--bind", f"127.0.0.1:{self.port}", "--workers", "1", "--threads", "1",
                    "--log-level", "warning", "--graceful-timeout", "1", "--preload",
                ],
                cwd=ROOT, env=self.env, stdout=log, stderr=log,
            )  # fmt: skip
        wait_for(self._answers, timeout=60, what=f"gunicorn on {self.url} (log: {self.log})")

    def _answers(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise AssertionError(f"gunicorn exited: {self.log.read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                return sock.recv(12).startswith(b"HTTP/1")
        except OSError:
            return False

    def restart(self) -> None:
        assert self.process is not None
        workers = child_pids(self.process.pid)
        assert workers, "gunicorn has no worker to kill"
        for worker in workers:
            os.kill(worker, signal.SIGKILL)
        self.restarts += 1
        wait_for(
            lambda: set(child_pids(self.process.pid)) - set(workers) and self._answers(),
            timeout=60,
            what="a fresh gunicorn worker",
        )

    def stop(self) -> None:
        if self.process is not None:
            kill_group(self.process)
            self.process = None


class Operator:
    """What the harness asks for that only someone with the database can do."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.foreign_owner = get_user_model().objects.create_user(
            username=f"other-{uuid.uuid4().hex[:10]}", password=None
        )

    def new_user(self) -> dict[str, Any]:
        user = get_user_model().objects.create_user(username=f"sim-{uuid.uuid4().hex[:12]}", password=None)
        sessions = []
        for _ in range(3):  # three devices, each signed in on its own
            browser = Client()
            browser.force_login(user)
            sessions.append(
                {
                    "sessionid": browser.cookies["sessionid"].value,
                    "csrftoken": _get_new_csrf_string(),
                    "account_marker": account_marker(user_id=user.pk),
                }
            )
        return {"user_id": str(user.pk), "sessions": sessions}

    def purge(self, user_id: str) -> list[str]:
        # Every tombstone of this user becomes older than the retention horizon, then the
        # nightly purge runs: devices behind it must re-sync from 0.
        ids = []
        for model in RECORD_MODELS.values():
            tombstones = model.objects.filter(user_id=int(user_id), deleted=True)
            ids += [str(pk) for pk in tombstones.values_list("id", flat=True)]
            tombstones.update(updated_at=timezone.now() - timedelta(days=400))
        sync_tombstones_purge()
        return ids

    def forget(self, client_id: str, to: int) -> None:
        # A restored sync-client table: the counter and the refusals above it are gone.
        client = SyncClient.objects.get(client_id=client_id)
        SyncRejection.objects.filter(client=client, mutation_id__gt=to).delete()
        SyncClient.objects.filter(pk=client.pk).update(last_mutation_id=to)

    def foreign_client(self) -> str:
        client_id = uuid.uuid4()
        SyncClient.objects.create(client_id=client_id, user=self.foreign_owner)
        return str(client_id)

    def revoke(self, user_id: str, client_id: str) -> None:
        user = get_user_model().objects.get(pk=int(user_id))
        sync_client_revoke(user=user, client_id=uuid.UUID(client_id))

    def restart(self) -> None:
        self.server.restart()

    def dump(self, user_id: str) -> dict[str, Any]:
        live: dict[str, dict[str, Any]] = {}
        tombstones: list[str] = []
        for record_type, model in RECORD_MODELS.items():
            for row in model.objects.filter(user_id=int(user_id)):
                if row.deleted:
                    tombstones.append(str(row.pk))
                    continue
                fields = {name: getattr(row, name) for name in model.domain_fields}
                fields["occurred_at"] = fields["occurred_at"].strftime("%Y-%m-%dT%H:%M:%SZ")
                live[str(row.pk)] = {"type": record_type, "version": row.version, **fields}
        return {"live": live, "tombstones": tombstones}

    def answer(self, request: dict[str, Any]) -> dict[str, Any]:
        message_id = request.pop("id")
        command = request.pop("cmd")
        try:
            return {"id": message_id, "result": getattr(self, command)(**request)}
        except Exception as error:  # noqa: BLE001 - reported to the harness, which fails the run
            return {"id": message_id, "error": f"{command}: {error!r}"}


def run_harness(
    *, runs: int, ops: int, tmp_path: Path, seed: str | None = None, bug: str | None = None
) -> tuple[dict, str]:
    """Run the Node harness against a fresh server; returns its summary and its output.

    ``bug`` names a deliberate bug loaded into the client (tests/js/sync_harness/
    deliberate_bugs.mjs); the first failing sequence then ends the run, unshrunk.
    """
    if not Path(NODE).exists():
        pytest.fail("node is needed to run the shipped sync client")
    # The server under test runs in its own process, which cannot reach the test's SQLite database.
    need_postgres()
    server = Server(tmp_path / "gunicorn.log")
    server.start()
    operator = Operator(server)
    config = {
        "base_url": server.url,
        "runs": runs,
        "ops_per_run": ops,
        "seed": int(seed) if seed else None,
        "vocabulary": {"valid": VALID, "noteMax": vocab.NOTE_MAX_LENGTH},
        "invalid": INVALID,
        "time_zones": VALID["pain_entry"]["time_zone"],
        "trace": TRACE,
        "path": os.environ.get("SYNC_HARNESS_PATH"),
        "without": [kind for kind in os.environ.get("SYNC_HARNESS_WITHOUT", "").split(",") if kind],
        "shrink": os.environ.get("SYNC_HARNESS_SHRINK", "1") != "0" and bug is None,
        "bug": bug,
        "time_limit_ms": TIME_LIMIT_SECONDS * 1000,
    }
    harness = subprocess.Popen(
        [NODE, "tests/js/sync_harness/run.mjs"],
        cwd=ROOT,
        env={**os.environ, "SYNC_HARNESS_CONFIG": json.dumps(config)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output: list[str] = []
    summary: dict[str, Any] = {}
    try:
        for line in harness.stdout:
            if line.startswith("@@control "):
                reply = operator.answer(json.loads(line[len("@@control ") :]))
                harness.stdin.write(json.dumps(reply) + "\n")
                harness.stdin.flush()
            elif line.startswith("@@summary "):
                summary = json.loads(line[len("@@summary ") :])
            else:
                output.append(line)
                if TRACE:
                    print(line, end="", flush=True)
        harness.wait(timeout=30)
    finally:
        if harness.poll() is None:
            harness.kill()
        server.stop()
    summary["server_restarts"] = server.restarts
    return summary, "".join(output)


def test_the_shipped_client_on_three_devices_loses_and_doubles_nothing_under_faults(tmp_path):
    summary, output = run_harness(runs=RUNS, ops=OPS, tmp_path=tmp_path, seed=SEED)
    figures = {k: summary.get(k) for k in FIGURES}
    print(f"sync harness: {json.dumps(figures)}")
    print(f"sync harness faults: {json.dumps(summary.get('faults'))}")
    print(f"sync harness events: {json.dumps(summary.get('events'))}")
    print(f"sync harness milliseconds: {json.dumps(summary.get('ms'))}")
    assert "failure" in summary, f"the harness ended without a summary:\n{output[-5000:]}"
    assert summary["failure"] is None, summary["failure"] + "\n" + output[-3000:]
    assert summary["operations"] >= RUNS * OPS
    # Every kind of fault and event happened somewhere in the run.
    assert set(summary["faults"]) >= {"drop_request", "drop_response", "http_500", "duplicate"}
    assert (summary["lost"], summary["doubled"], summary["resurrected"]) == (0, 0, 0)


def test_the_harness_reports_lost_writes_when_the_client_skips_renumbering(tmp_path):
    # A client that keeps its outbox's old mutation ids under a new client id (after a foreign
    # or revoked id, or a gap) can never push them: the harness must report those writes lost.
    summary, output = run_harness(runs=5, ops=300, tmp_path=tmp_path, seed="7", bug="skip_renumbering")
    assert summary.get("failure"), f"the harness missed the bug:\n{output[-3000:]}"
    print(f"sync harness with skip_renumbering: lost {summary['lost']}, doubled {summary['doubled']}")
    print(summary["failure"].split("Got error: ", 1)[-1][:2000])
    assert summary["lost"] > 0, summary["failure"][-3000:]
    assert "was processed 0 times" in summary["failure"]
