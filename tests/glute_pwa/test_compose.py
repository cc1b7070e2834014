"""docker-compose.yml cannot run here (no Docker engine); check it is coherent with the project."""

from __future__ import annotations

import shlex
from pathlib import Path

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
