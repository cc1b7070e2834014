"""A production-like run without Docker: gunicorn, two Celery workers, one beat, PostgreSQL, Redis.

    .venv/bin/python -m bench.prodlike [--json report.json] [--pgbouncer] [--web-instances 2]

Starts gunicorn (3 workers), two Celery workers (``-c 2`` each, named w1 and
w2) and one beat against a dedicated PostgreSQL database (minimus_prodlike,
created and dropped here) and Redis db 9 (flushed first), with VAPID keys
generated in a temporary data folder and the project's fake push service on
127.0.0.1 as every subscription's endpoint. Simulated users (bench/prodlike_clients.py)
register push subscriptions and a reminder through the API, then push and pull
journal changes from two devices each, with lost responses and re-sends. The
reminders fall due during the run and beat's tick fires them: beat ticks every
PRODLIKE_TICK_SECONDS (5) instead of every 60 s (bench/settings_prodlike.py),
so the run stays under three minutes.

The scaling path (``--pgbouncer --web-instances 2``): Debian's PgBouncer in
transaction mode, started here on a loopback port in front of the same
database, with every process set to PGBOUNCER_TRANSACTION_MODE=1 (no kept
connections, conn_max_age=0); and two gunicorn instances behind Caddy
(Debian's, round robin, plain HTTP on loopback), each trusting that one proxy.

Afterwards: the server holds exactly each user's reference model (nothing lost,
nothing doubled), each device's pulled state equals the server, and every due
reminder reached the fake push service exactly once per device. Exit status 1
on any discrepancy. Every process started here is stopped, the database dropped.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import BENCH_SECRET_KEY, free_port, recreate_database  # noqa: E402
from bench.prodlike_clients import TIME_ZONES, SimulatedUser  # noqa: E402
from core.processes import start_group, stop_groups  # noqa: E402

DATABASE_URL = os.environ.get("PRODLIKE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/minimus_prodlike")
REDIS_URL = os.environ.get("PRODLIKE_REDIS_URL", "redis://127.0.0.1:6379/9")
USERS = int(os.environ.get("PRODLIKE_USERS", "50"))
ROUNDS = int(os.environ.get("PRODLIKE_ROUNDS", "6"))
BATCH = int(os.environ.get("PRODLIKE_BATCH", "20"))
CONCURRENCY = int(os.environ.get("PRODLIKE_CONCURRENCY", "12"))
DEVICES_PER_USER = 2
# Seconds for the whole run: under three minutes by default, longer for the soak.
TIME_LIMIT = int(os.environ.get("PRODLIKE_TIME_LIMIT", "170"))


def say(message: str) -> None:
    print(f"[prodlike] {message}", flush=True)


class Stack:
    """The processes of the run, each in its own process group so stopping takes its children too."""

    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self.env = env
        self.log_dir = log_dir
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, args: list[str], env: dict[str, str] | None = None) -> None:
        self.start_program(name, [sys.executable, "-m", *args], env=env)

    def start_program(self, name: str, argv: list[str], env: dict[str, str] | None = None) -> None:
        with (self.log_dir / f"{name}.log").open("ab") as log:
            self.processes[name] = start_group(
                argv, cwd=ROOT, env=env or self.env, stdout=log, stderr=subprocess.STDOUT
            )

    def check_alive(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with {process.returncode}: {self.log_tail(name)}")

    def log_tail(self, name: str) -> str:
        return (self.log_dir / f"{name}.log").read_text(errors="replace")[-1500:]

    def stop(self) -> None:
        stop_groups(self.processes.values(), grace_seconds=20)


def wait_for_http(url: str, stack: Stack, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        stack.check_alive()
        try:
            request = urllib.request.Request(url, headers={"Host": "localhost"})
            with urllib.request.urlopen(request, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not come up")


def pgbouncer_start(stack: Stack, data_dir: Path, database_url: str) -> str:
    """Debian's PgBouncer in transaction mode on a free loopback port; returns the URL through it."""
    import shutil
    from urllib.parse import urlparse, urlunparse

    binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
    if not Path(binary).exists():
        raise RuntimeError("pgbouncer is not installed (Debian: apt-get install pgbouncer)")
    target = urlparse(database_url)
    name, user = target.path.lstrip("/"), target.username or "postgres"
    port = free_port()
    folder = data_dir / "pgbouncer"
    folder.mkdir()
    (folder / "userlist.txt").write_text(f'"{user}" ""\n')
    (folder / "pgbouncer.ini").write_text(
        f"""[databases]
{name} = host={target.hostname} port={target.port or 5432} dbname={name} user={user}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {folder / "userlist.txt"}
pool_mode = transaction
max_client_conn = 1000
default_pool_size = 20
ignore_startup_parameters = extra_float_digits,options
admin_users = {user}
"""
    )
    argv = [binary, str(folder / "pgbouncer.ini")]
    if os.geteuid() == 0:  # PgBouncer refuses to run as root
        import pwd

        owner = pwd.getpwnam("postgres")
        for path in (folder, folder / "userlist.txt", folder / "pgbouncer.ini"):
            os.chown(path, owner.pw_uid, owner.pw_gid)
        data_dir.chmod(0o755)
        argv += ["-u", "postgres"]
    stack.start_program("pgbouncer", argv)
    wait_for_port(port, stack)
    return urlunparse(target._replace(netloc=f"{user}@127.0.0.1:{port}"))


def pgbouncer_transactions(pgbouncer_url: str) -> int:
    """Transactions PgBouncer passed to the database so far (its admin console, SHOW STATS)."""
    from urllib.parse import urlparse

    url = urlparse(pgbouncer_url)
    user = url.username or "postgres"
    console = ["psql", "-h", "127.0.0.1", "-p", str(url.port), "-U", user, "-d", "pgbouncer"]
    shown = subprocess.run(
        [*console, "-At", "-F", ",", "-c", "SHOW STATS"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    name = url.path.lstrip("/")
    rows = [line.split(",") for line in shown.stdout.splitlines()]
    return sum(int(row[1]) for row in rows if row and row[0] == name)


METRICS_TOKEN = "prodlike-metrics-token"


def sync_requests_answered(port: int) -> int:
    """Sync requests one web instance answered, from its own /metrics (all its workers)."""
    from prometheus_client.parser import text_string_to_metric_families

    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/metrics",
        headers={"Host": "localhost", "Authorization": f"Bearer {METRICS_TOKEN}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        text = response.read().decode()
    return int(
        sum(
            sample.value
            for family in text_string_to_metric_families(text)
            for sample in family.samples
            if sample.name == "minimus_http_responses_total"
            and sample.labels.get("route") in {"api/sync/push", "api/sync/pull"}
        )
    )


def caddy_start(stack: Stack, data_dir: Path, upstreams: list[int]) -> int:
    """Caddy (Debian's) round-robin in front of the web instances, plain HTTP on loopback."""
    import shutil

    binary = shutil.which("caddy")
    if binary is None:
        raise RuntimeError("caddy is not installed (Debian: apt-get install caddy)")
    port = free_port()
    config = data_dir / "Caddyfile"
    backends = " ".join(f"127.0.0.1:{upstream}" for upstream in upstreams)
    config.write_text(
        f"""{{
\tadmin off
\tauto_https off
}}
http://127.0.0.1:{port}, http://localhost:{port} {{
\treverse_proxy {backends} {{
\t\tlb_policy round_robin
\t}}
}}
"""
    )
    env = {
        **stack.env,
        "HOME": str(data_dir),
        "XDG_DATA_HOME": str(data_dir),
        "XDG_CONFIG_HOME": str(data_dir),
    }
    stack.start_program("caddy", [binary, "run", "--config", str(config), "--adapter", "caddyfile"], env=env)
    wait_for_port(port, stack)
    return port


def wait_for_port(port: int, stack: Stack, timeout: float = 30) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        stack.check_alive()
        with socket.socket() as sock:
            sock.settimeout(1)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


def setup_environment(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings_prodlike",
        DATABASE_URL=DATABASE_URL,
        REDIS_URL=REDIS_URL,
        MINIMUS_DATA_DIR=str(data_dir),
        SECRET_KEY=os.environ.get("SECRET_KEY") or BENCH_SECRET_KEY,
        DEBUG="0",
        # PRODUCTION=1 would demand https push endpoints and TLS; the fake push service is plain http.
        PRODUCTION="0",
        ALLOWED_HOSTS="localhost,127.0.0.1",
        VAPID_SUBJECT="mailto:ops@minimus.test",
        # The fake push service on 127.0.0.1 is the one push host this run may send to.
        PUSH_SERVICE_HOSTS="127.0.0.1",
        PUSH_ALLOW_LOOPBACK="1",
        PYTHONUNBUFFERED="1",
    )
    os.environ.update(env)
    return env


def seed_users(count: int) -> list[tuple[int, str]]:
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from accounts.models import Profile

    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"prodlike-{i}", password="!") for i in range(count)
    )
    Profile.objects.bulk_create(Profile(user=user, time_zone=TIME_ZONES[user.pk % 4]) for user in users)
    tokens = Token.objects.bulk_create(Token(user=user, key=Token.generate_key()) for user in users)
    return [(token.user_id, token.key) for token in tokens]


def register_reminders(sim: SimulatedUser, fake_push: Any, fire_at: datetime) -> list[Any]:
    """Two devices subscribe to push; one massage reminder at the local time of ``fire_at``."""
    from bench.prodlike_clients import Http

    http = Http(sim.port, sim.token)
    subscriptions = []
    for _ in range(DEVICES_PER_USER):
        sub = fake_push.subscribe()
        status, answer = http.call(
            "POST", "/api/push/subscriptions/", {"endpoint": sub.endpoint, "keys": sub.keys}
        )
        if status not in (200, 201):
            raise RuntimeError(f"subscription answered {status}: {answer}")
        subscriptions.append(sub)
    zone = TIME_ZONES[sim.index % len(TIME_ZONES)]
    local = fire_at.astimezone(ZoneInfo(zone))
    reminder = {"times": [f"{local:%H:%M}"], "weekdays": list(range(7)), "time_zone": zone}
    status, answer = http.call("POST", "/api/reminders/", reminder)
    if status != 201:
        raise RuntimeError(f"reminder answered {status}: {answer}")
    got = datetime.fromisoformat(answer["next_fire_at"])
    if got != fire_at:
        raise RuntimeError(f"reminder set for {fire_at} fires at {got}")
    return subscriptions


def _same(value: Any, stored: Any) -> bool:
    if isinstance(stored, datetime):
        return datetime.fromisoformat(value) == stored
    return value == stored


def check_journal(sims: list[SimulatedUser]) -> dict[str, int]:
    from journal.models import RECORD_MODELS, SyncClient

    lost = duplicated = resurrected = device_mismatches = checked = 0
    for sim in sims:
        user_id = sim.index
        server: dict[str, tuple[str, Any]] = {}
        for record_type, model in RECORD_MODELS.items():
            for row in model.objects.filter(user_id=user_id):
                server[str(row.pk)] = (record_type, row)
        for rid, expected in sim.expected.items():
            checked += 1
            row = server.get(rid)
            if expected is None:
                if row is None or not row[1].deleted:
                    resurrected += 1
                continue
            record_type, fields = expected
            if row is None or row[1].deleted or row[0] != record_type:
                lost += 1
            elif not all(
                _same(fields[name], getattr(row[1], name))
                for name in RECORD_MODELS[record_type].domain_fields
            ):
                lost += 1  # an edit that did not arrive, or arrived twice out of order
        duplicated += len(set(server) - set(sim.expected))
        for device in sim.devices:
            client = SyncClient.objects.get(client_id=device.client_id)
            if client.last_mutation_id != device.next_mutation_id - 1 or device.outbox:
                lost += 1
            for rid, (record_type, row) in server.items():
                seen = device.records.get(rid, "missing")
                if row.deleted:
                    device_mismatches += seen is not None
                elif seen in ("missing", None) or not all(
                    _same(seen[name], getattr(row, name)) for name in RECORD_MODELS[record_type].domain_fields
                ):
                    device_mismatches += 1
    return {
        "records_checked": checked,
        "lost": lost,
        "duplicated": duplicated,
        "resurrected": resurrected,
        "device_mismatches": device_mismatches,
    }


def check_deliveries(fake_push: Any, subscriptions: list[Any]) -> dict[str, int]:
    from reminders.models import Delivery, ReminderSchedule

    accepted = Counter((r.path, r.payload.get("tag")) for r in fake_push.accepted())
    per_device = Counter(path for path, _ in accepted)
    rows = Delivery.objects.all()
    statuses = Counter(rows.values_list("status", flat=True))
    overdue = ReminderSchedule.objects.filter(next_fire_at__lte=datetime.now(UTC))
    return {
        "deliveries_expected": len(subscriptions),
        "deliveries_rows": rows.count(),
        "deliveries_sent": statuses.get("sent", 0),
        "deliveries_lost": sum(1 for sub in subscriptions if per_device[sub.path] == 0),
        "deliveries_duplicated": sum(n - 1 for n in accepted.values() if n > 1)
        + sum(n - 1 for n in per_device.values() if n > 1),
        "push_verification_errors": len(fake_push.errors),
        "schedules_not_advanced": overdue.count(),
        "other_statuses": sum(n for status, n in statuses.items() if status != "sent"),
    }


def run(
    report_path: Path | None = None, *, pgbouncer: bool = False, web_instances: int = 1
) -> dict[str, Any]:
    started = time.monotonic()
    recreate_database(DATABASE_URL)
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    with tempfile.TemporaryDirectory(prefix="minimus-prodlike-") as tmp:
        data_dir = Path(tmp)
        env = setup_environment(data_dir)
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0, interactive=False)
        call_command("ensure_vapid_keys", verbosity=0)
        # Pages name their hashed static files, as after a deploy.
        call_command("collectstatic", verbosity=0, interactive=False)
        vapid = json.loads((data_dir / "vapid.json").read_text())
        from tests.reminders.fakepush import FakePushService

        stack = Stack(env, data_dir)
        report: dict[str, Any] = {"pgbouncer": pgbouncer, "web_instances": web_instances}
        with FakePushService(vapid_public_key=vapid["public_key"]) as fake_push:
            try:
                pgbouncer_url = ""
                if pgbouncer:
                    # Every process of the stack talks to PostgreSQL through PgBouncer only.
                    pgbouncer_url = pgbouncer_start(stack, data_dir, DATABASE_URL)
                    env.update(DATABASE_URL=pgbouncer_url)
                    env.update(PGBOUNCER_TRANSACTION_MODE="1", DATABASE_CONN_MAX_AGE="0")
                env.update(METRICS_TOKEN=METRICS_TOKEN)
                if web_instances > 1:
                    env.update(TRUSTED_PROXY_COUNT="1")
                celery = ["celery", "-A", "glute_pwa"]
                quiet = ["--without-gossip", "--without-mingle"]
                env.setdefault("LOG_LEVEL", "WARNING")
                web_ports = [free_port() for _ in range(web_instances)]
                for number, web_port in enumerate(web_ports, start=1):
                    web = ["gunicorn", "glute_pwa.wsgi:application", "--bind", f"127.0.0.1:{web_port}"]
                    workers = "3" if web_instances == 1 else "2"
                    # Each instance counts its own workers' requests, to show the proxy used both.
                    own = {**env, "METRICS_DIR": str(data_dir / f"metrics-{number}")}
                    stack.start(
                        f"gunicorn{number}", [*web, "--workers", workers, "--log-level", "warning"], env=own
                    )
                stack.start("w1", [*celery, "worker", "-c", "2", "-n", "w1@%h", *quiet])
                stack.start("w2", [*celery, "worker", "-c", "2", "-n", "w2@%h", *quiet])
                stack.start("beat", [*celery, "beat", "-s", str(data_dir / "celerybeat-schedule")])
                for web_port in web_ports:
                    wait_for_http(f"http://127.0.0.1:{web_port}/healthz", stack)
                port = caddy_start(stack, data_dir, web_ports) if web_instances > 1 else web_ports[0]
                wait_for_http(f"http://127.0.0.1:{port}/healthz", stack)
                say(
                    f"stack up in {time.monotonic() - started:.0f} s ({web_instances} gunicorn "
                    f"{'behind Caddy ' if web_instances > 1 else ''}:{port}, w1, w2, beat"
                    f"{', PgBouncer (transaction mode)' if pgbouncer else ''})"
                )

                users = seed_users(USERS)
                sims = [
                    SimulatedUser(index=user_id, token=token, port=port, rng=random.Random(user_id))
                    for user_id, token in users
                ]
                # Reminders fall due at a whole minute after every user has registered (about three
                # requests each, one user after another): beat's tick fires them.
                now = datetime.now(UTC)
                lead = timedelta(seconds=80 + USERS // 4)
                fire_at = (now + lead).replace(second=0, microsecond=0)
                subscriptions = [sub for sim in sims for sub in register_reminders(sim, fake_push, fire_at)]
                say(f"{USERS} users, {len(subscriptions)} push devices, reminders due at {fire_at:%H:%M:%S}Z")

                load_start = time.perf_counter()
                with ThreadPoolExecutor(CONCURRENCY) as pool:
                    list(pool.map(lambda sim: sim.run(rounds=ROUNDS, batch=BATCH), sims))
                load_seconds = time.perf_counter() - load_start
                requests = sum(sim.requests for sim in sims)
                say(f"load: {requests} requests (sync, REST logs, pages) in {load_seconds:.1f} s")

                deadline = time.monotonic() + max(0.0, TIME_LIMIT - (time.monotonic() - started))
                while len(fake_push.accepted()) < len(subscriptions) and time.monotonic() < deadline:
                    stack.check_alive()
                    time.sleep(0.5)
                time.sleep(3)  # a late duplicate would arrive now
                say(f"{len(fake_push.accepted())} of {len(subscriptions)} reminders received")
                report["sync_requests_by_instance"] = [sync_requests_answered(p) for p in web_ports]
                if pgbouncer:
                    report["pgbouncer_transactions"] = pgbouncer_transactions(pgbouncer_url)
                latencies = sorted(latency for sim in sims for latency in sim.latencies_ms)
                report.update(
                    users=USERS,
                    latency_ms={
                        f"p{q}": round(latencies[min(len(latencies) - 1, len(latencies) * q // 100)], 1)
                        for q in (50, 95, 99)
                    },
                    server_errors=sum(sim.server_errors for sim in sims),
                    sync_requests=requests,
                    sync_seconds=round(load_seconds, 2),
                    lost_responses=sum(d.lost_responses for sim in sims for d in sim.devices),
                    **check_journal(sims),
                    **check_deliveries(fake_push, subscriptions),
                )
            finally:
                stack.stop()
            report["seconds"] = round(time.monotonic() - started, 1)
        from django.db import connections

        connections.close_all()
    recreate_database(DATABASE_URL, create=False)
    redis.Redis.from_url(REDIS_URL).flushdb()
    report["ok"] = (
        all(
            report[key] == 0
            for key in (
                "lost",
                "duplicated",
                "resurrected",
                "device_mismatches",
                "deliveries_lost",
                "deliveries_duplicated",
                "push_verification_errors",
                "schedules_not_advanced",
                "other_statuses",
                "server_errors",
            )
        )
        and report["deliveries_sent"] == report["deliveries_expected"]
        # Every instance behind the proxy answered some of the load; PgBouncer carried the database work.
        and all(count > 0 for count in report["sync_requests_by_instance"])
        and (not pgbouncer or report["pgbouncer_transactions"] > 0)
    )
    if report_path:
        report_path.write_text(json.dumps(report, indent=2))
    return report


def _stop_on_sigterm(signum: int, frame: object) -> None:
    # Unwinds through run()'s finally blocks, which stop every process started here.
    raise SystemExit(f"stopped by signal {signum}")


def main() -> int:
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write the report here")
    parser.add_argument("--pgbouncer", action="store_true", help="every process through PgBouncer")
    parser.add_argument("--web-instances", type=int, default=1, help="gunicorn instances behind Caddy")
    args = parser.parse_args()
    report = run(args.json, pgbouncer=args.pgbouncer, web_instances=args.web_instances)
    print(json.dumps(report, indent=2))
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
