"""Tells a device holding a deleted account's journal to wipe it (see accounts/tombstones.py)."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from accounts.tombstones import MARKER_HEADER, marker_names_deleted_account

ACCOUNT_DELETED = {
    "detail": "This account was deleted. Its journal is removed from this device.",
    "code": "account_deleted",
}


class DeletedAccountMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        marker = request.META.get(MARKER_HEADER)
        if response.status_code == 401 and marker and marker_names_deleted_account(marker):
            response.content = json.dumps(ACCOUNT_DELETED).encode()
            response["Content-Type"] = "application/json"
        return response
