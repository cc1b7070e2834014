"""One log line and one metric observation per request, under the request's id.

The line names the route pattern (``api/entries/<uuid:pk>/``), never the path
or query string: paths carry record ids and password-reset tokens, and nothing
of what the user wrote ever reaches the log. The user appears by id only.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from core.metrics import observe_request
from core.request_id import REQUEST_ID_HEADER, accepted_request_id, reset_request_id, set_request_id

logger = logging.getLogger("minimus.request")

UNMATCHED_ROUTE = "<unmatched>"
STATIC_ROUTE = "<static>"


def route_of(request: HttpRequest) -> str:
    """The URL pattern that answered, so metrics and logs group by endpoint, not by id."""
    match = getattr(request, "resolver_match", None)
    if match is not None and match.route:
        return match.route
    if request.path.startswith(settings.STATIC_URL or "/static/"):
        return STATIC_ROUTE
    return UNMATCHED_ROUTE


class RequestLogMiddleware:
    """Outermost middleware: sets the request id, times the request, logs and counts it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = accepted_request_id(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = request_id  # type: ignore[attr-defined]
        token = set_request_id(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            duration = time.perf_counter() - started
            route = route_of(request)
            observe_request(
                method=request.method or "", route=route, status=response.status_code, seconds=duration
            )
            user = getattr(request, "user", None)
            user_id = user.pk if user is not None and user.is_authenticated else None
            level = logging.WARNING if response.status_code >= 500 else logging.INFO
            logger.log(
                level,
                "%s %s %s",
                request.method,
                route,
                response.status_code,
                extra={
                    "method": request.method,
                    "route": route,
                    "status": response.status_code,
                    "duration_ms": round(duration * 1000, 1),
                    "user_id": user_id,
                },
            )
            return response
        finally:
            reset_request_id(token)
