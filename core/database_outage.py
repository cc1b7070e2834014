"""A database that cannot be reached is a 503 the client may retry, not a 500 traceback.

PostgreSQL restarting (a failover, an upgrade, a crash) drops every open connection and
refuses new ones for a few seconds. Django's health checks (``conn_health_checks``) make
the first query after it reconnect, so the process recovers on its own; a request that
arrives while the server is still down gets this answer. Its transaction failed with the
connection, so sending it again is safe (sync mutations and record ids are idempotent), and
the sync client already retries a 503.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader

logger = logging.getLogger("minimus.database")

# psycopg's "connection refused", "terminating connection due to administrator command" and
# "server closed the connection unexpectedly" all arrive as one of these two.
DATABASE_OUTAGE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5
OUTAGE_DETAIL = "The server's database is unavailable for a moment: send the request again shortly."


def is_database_outage(exc: BaseException | None) -> bool:
    return isinstance(exc, DATABASE_OUTAGE_ERRORS)


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: JSON under /api/, the app's own page elsewhere (no database needed)."""
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"detail": OUTAGE_DETAIL, "code": "database_unavailable"}, status=503
        )
    else:
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    # One WARNING line per request (minimus.request, and minimus.database below) is enough: without
    # this Django also logs every 503 at ERROR, which error reporting would send once per request.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


class DatabaseOutageMiddleware:
    """Turns a lost database connection raised by a view into a 503 (DEBUG or not)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_database_outage(exception):
            return None
        logger.warning("database unavailable: %s", type(exception).__name__)
        return database_unavailable_response(request)
