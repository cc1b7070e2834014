"""Error reports go to a Sentry-style service only when SENTRY_DSN is set, without the user's data.

The "service" is a loopback HTTP server in this test that keeps what it receives.
"""

from __future__ import annotations

import gzip
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.services import run_python

REPORT_AN_ERROR = """
import django, logging, sentry_sdk
django.setup()
from core.request_id import set_request_id
print("active" if sentry_sdk.get_client().is_active() else "inactive")
set_request_id("req-42")
try:
    raise ValueError("boom")
except ValueError:
    logging.getLogger("journal").exception("failed while saving")
sentry_sdk.flush(timeout=10)
"""


def _report(tmp_path: Path, **extra_env: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SENTRY_")}
    env.update(MINIMUS_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="glute_pwa.settings", **extra_env)
    env.setdefault("SECRET_KEY", "error-report-test-" + "s" * 40)
    return run_python(REPORT_AN_ERROR, env=env, timeout=120).strip()


def test_without_a_dsn_nothing_is_set_up(tmp_path):
    assert _report(tmp_path) == "inactive"


def test_with_a_dsn_an_error_reaches_the_service_with_its_request_id(tmp_path):
    received: list[bytes] = []

    class Collector(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            encoding = self.headers.get("Content-Encoding")
            if encoding == "gzip":
                body = gzip.decompress(body)
            elif encoding == "br":
                import brotli

                body = brotli.decompress(body)
            received.append(body)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *_: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        dsn = f"http://publickey@127.0.0.1:{server.server_port}/1"
        assert _report(tmp_path, SENTRY_DSN=dsn) == "active"
    finally:
        server.shutdown()
    events = [
        json.loads(line)
        for body in received
        for line in body.splitlines()
        if line.startswith(b"{") and b'"exception"' in line
    ]
    [event] = events
    assert event["exception"]["values"][-1]["value"] == "boom"
    assert event["tags"]["request_id"] == "req-42"
    # No local variables, so nothing a frame held (a note, a password) can travel.
    frames = event["exception"]["values"][-1]["stacktrace"]["frames"]
    assert all("vars" not in frame for frame in frames)
