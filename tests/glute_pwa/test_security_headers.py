"""Every response carries the security headers; production adds HSTS and secure cookies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.glute_pwa.production import run_in_production

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def _directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


@pytest.mark.parametrize("path", ["/", "/privacy/", "/accounts/login/", "/api/schema/", "/healthz"])
def test_responses_carry_the_security_headers(client, path):
    response = client.get(path)
    csp = _directives(response["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_api_docs_need_no_inline_script(client):
    page = client.get("/api/docs/").content.decode()
    assert "<script>" not in page
    assert "cdn" not in page.lower()


PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
response = Client().get("/api/schema/", secure=True, HTTP_HOST="minimus.example")
plain = Client().get("/api/schema/", HTTP_HOST="minimus.example")
print(json.dumps({
    "status": response.status_code,
    "hsts": response.get("Strict-Transport-Security", ""),
    "plain_http": [plain.status_code, plain.get("Location", "")],
    "session_secure": settings.SESSION_COOKIE_SECURE,
    "csrf_secure": settings.CSRF_COOKIE_SECURE,
    "session_httponly": settings.SESSION_COOKIE_HTTPONLY,
    "validators": len(settings.AUTH_PASSWORD_VALIDATORS),
    "cache": settings.CACHES["default"]["BACKEND"],
    "healthz_plain": Client().get("/healthz", HTTP_HOST="minimus.example").status_code,
    "proxy_count": settings.TRUSTED_PROXY_COUNT,
    "forwarded_proto_trusted": settings.SECURE_PROXY_SSL_HEADER is not None,
    "push_loopback": settings.PUSH_ALLOW_LOOPBACK,
}))
"""


# Nothing listens on port 1: the probe sees Redis down without reaching anything.
PROBE_ENV = {"REDIS_URL": "redis://127.0.0.1:1/0", "DJANGO_SETTINGS_MODULE": "glute_pwa.settings"}


def test_production_sends_hsts_redirects_http_and_secures_cookies(tmp_path):
    result = run_in_production(["-c", PROBE], data_dir=tmp_path, **PROBE_ENV)
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["status"] == 200
    assert probe["hsts"].startswith("max-age=31536000")
    assert "includeSubDomains" in probe["hsts"]
    assert probe["plain_http"] == [301, "https://minimus.example/api/schema/"]
    assert probe["session_secure"] and probe["csrf_secure"] and probe["session_httponly"]
    assert probe["validators"] == 4
    # Several gunicorn workers share rate-limit counters through Redis, even while Redis is down.
    assert probe["cache"] == "core.cache.ResilientRedisCache"


def test_production_trusts_no_forwarded_header_and_health_checks_over_plain_http(tmp_path):
    result = run_in_production(["-c", PROBE], data_dir=tmp_path, drop=("TRUSTED_PROXY_COUNT",), **PROBE_ENV)
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    # Reached directly (0.0.0.0 in the image), a client's X-Forwarded-* says nothing.
    assert probe["proxy_count"] == 0 and probe["forwarded_proto_trusted"] is False
    # The compose health check asks http://127.0.0.1:8000/healthz: answered, not redirected
    # (503 here only because the probe's Redis is not there).
    assert probe["healthz_plain"] == 503
    # The test-only loopback allowance never holds in production, whatever the environment says.
    assert probe["push_loopback"] is False
