"""Refuse a request body larger than any the app accepts before a byte of it is read."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

# Multipart framing around an import file.
MULTIPART_OVERHEAD = 64 * 1024


class BodySizeLimitMiddleware:
    """413 for a declared Content-Length above the import limit (the largest body the app takes).

    Runs before CSRF, which would otherwise read (and spool to disk) a whole upload to look for
    its token. Smaller bodies keep their own limits (DATA_UPLOAD_MAX_MEMORY_SIZE, IMPORT_MAX_BYTES);
    the proxy caps bodies sent without a length.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.IMPORT_MAX_BYTES + MULTIPART_OVERHEAD:
            limit_mb = settings.IMPORT_MAX_BYTES // (1024 * 1024)
            return JsonResponse({"detail": f"Request body is larger than {limit_mb} MB."}, status=413)
        return self.get_response(request)
