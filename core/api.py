"""Project-wide API conventions: error shape and status codes."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig
from rest_framework import status
from rest_framework.exceptions import ParseError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.text import safe_errors


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus 413 for oversized bodies and a field-shaped parse error.

    Errors follow ``{"field": ["message"]}``; errors that belong to no field use
    ``non_field_errors`` or ``detail`` as DRF does.
    """
    if isinstance(exc, RequestDataTooBig):
        return Response(
            {"detail": "Request body is too large."},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, ParseError):
        return Response({"detail": f"Malformed request body: {exc.detail}"}, status=400)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict | list):
        # A message must never carry a NUL or a lone surrogate back: the renderer cannot encode it.
        response.data = safe_errors(response.data)
    return response
