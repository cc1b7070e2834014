"""Every response carries the security headers; production adds HSTS and secure cookies."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

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
}))
"""


def test_production_sends_hsts_redirects_http_and_secures_cookies(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(
        {
            "PRODUCTION": "1",
            "SECRET_KEY": "p" * 30 + "-production-probe-" + "q" * 30,
            "ALLOWED_HOSTS": "minimus.example",
            "MINIMUS_DATA_DIR": str(tmp_path),
            "REDIS_URL": "redis://127.0.0.1:1/0",
            "DJANGO_SETTINGS_MODULE": "glute_pwa.settings",
        }
    )
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["status"] == 200
    assert probe["hsts"].startswith("max-age=31536000")
    assert "includeSubDomains" in probe["hsts"]
    assert probe["plain_http"] == [301, "https://minimus.example/api/schema/"]
    assert probe["session_secure"] and probe["csrf_secure"] and probe["session_httponly"]
    assert probe["validators"] == 4
    # Several gunicorn workers share rate-limit counters through Redis, even while Redis is down.
    assert probe["cache"] == "glute_pwa.cache.ResilientRedisCache"
