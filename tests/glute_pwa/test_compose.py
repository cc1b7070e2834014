"""docker-compose.yml cannot run here (no Docker engine); check it is coherent with the project."""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_the_production_services():
    services = _compose()["services"]
    assert {"web", "worker", "beat", "db", "redis", "proxy"} <= set(services)
    # Exactly one beat: two would fire every scheduled tick twice.
    assert services["beat"].get("deploy", {}).get("replicas", 1) == 1


def test_every_service_command_exists_in_the_project():
    services = _compose()["services"]
    web = (
        shlex.split(services["web"]["command"])
        if isinstance(services["web"]["command"], str)
        else services["web"]["command"]
    )
    assert web[0] == "gunicorn"
    assert web[1] == "glute_pwa.wsgi:application"
    assert (ROOT / "glute_pwa" / "wsgi.py").exists()
    for name in ("worker", "beat"):
        command = services[name]["command"]
        args = shlex.split(command) if isinstance(command, str) else command
        assert args[:3] == ["celery", "-A", "glute_pwa"]
        assert args[3] == name
    assert (ROOT / "glute_pwa" / "celery.py").exists()
    for service in services.values():
        build = service.get("build")
        if build:
            context = build if isinstance(build, str) else build.get("context", ".")
            dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
            assert (ROOT / context / dockerfile).exists()
    proxy_config = services["proxy"]["volumes"][0].split(":")[0]
    assert (ROOT / proxy_config.removeprefix("./")).exists()


def test_app_services_use_postgres_and_redis_and_production_mode():
    services = _compose()["services"]
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["REDIS_URL"].startswith("redis://")
        assert str(env["PRODUCTION"]) == "1"
    assert set(_compose()["volumes"]) >= {"pgdata", "static"}


def test_the_app_trusts_exactly_the_one_proxy_in_front_of_it():
    services = _compose()["services"]
    assert str(services["web"]["environment"]["TRUSTED_PROXY_COUNT"]) == "1"


def test_the_proxy_refuses_bodies_larger_than_an_import_file():
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text()
    block = caddyfile.split("request_body", 1)[1].split("}", 1)[0]
    assert "max_size 65MB" in block


def test_pgbouncer_is_an_opt_in_service_in_transaction_mode_and_migrations_bypass_it():
    services = _compose()["services"]
    pgbouncer = services["pgbouncer"]
    assert pgbouncer["profiles"] == ["pgbouncer"]
    config = (ROOT / pgbouncer["build"] / "pgbouncer.ini").read_text()
    assert "pool_mode = transaction" in config
    assert "minimus = host=db port=5432 dbname=minimus" in config
    # The app reaches it by setting the host, port and transaction mode in .env; migrate never does.
    web_url = services["web"]["environment"]["DATABASE_URL"]
    assert "${DATABASE_HOST:-db}:${DATABASE_PORT:-5432}" in web_url
    assert services["web"]["environment"]["PGBOUNCER_TRANSACTION_MODE"] == "${PGBOUNCER_TRANSACTION_MODE:-0}"
    assert "@db:5432/" in services["migrate"]["environment"]["DATABASE_URL"]
    assert services["migrate"]["environment"]["PGBOUNCER_TRANSACTION_MODE"] == "0"


def test_web_and_worker_share_the_metrics_folder():
    services = _compose()["services"]
    for name in ("web", "worker"):
        assert "metrics:/metrics" in services[name]["volumes"]
        assert services[name]["environment"]["METRICS_DIR"] == "/metrics"
    assert _compose()["volumes"]["metrics"]["driver_opts"]["type"] == "tmpfs"


def test_the_backup_service_dumps_with_the_servers_own_tools_only_when_asked():
    services = _compose()["services"]
    backup = services["backup"]
    assert backup["profiles"] == ["backup"]  # never started by `docker compose up`
    assert backup["image"] == services["db"]["image"]  # pg_dump of the server's major version
    assert backup["restart"] == "no"
    assert "./backups:/backups" in backup["volumes"]


@pytest.mark.services
@pytest.mark.django_db
def test_the_backup_services_script_writes_a_whole_archive(tmp_path):
    """The script itself, as the container's shell runs it, against this run's PostgreSQL."""
    from django.db import connection

    from tests.services import need_postgres

    need_postgres()
    backup = _compose()["services"]["backup"]
    (script,) = backup["command"]
    # Compose turns $$ into $ before the shell sees it; the bind mount is a folder here.
    script = script.replace("$$", "$").replace("/backups/", f"{tmp_path}/")
    database = connection.settings_dict
    env = {
        **os.environ,
        "PGHOST": database["HOST"] or "127.0.0.1",
        "PGPORT": str(database["PORT"] or 5432),
        "PGUSER": database["USER"],
        "PGDATABASE": database["NAME"],
    }
    result = subprocess.run(["sh", "-ec", script], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    (dump,) = tmp_path.glob("minimus-*.dump")
    assert result.stdout.strip() == f"Backed up to {dump}"
    assert dump.read_bytes().startswith(b"PGDMP")
    assert not list(tmp_path.glob("*.partial"))
    listing = subprocess.run(["pg_restore", "--list", str(dump)], capture_output=True, text=True, check=True)
    assert "TABLE public journal_painentry" in listing.stdout
