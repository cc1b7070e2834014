"""Error answers every operation may give, added to the OpenAPI schema in one place."""

from __future__ import annotations

from typing import Any

ERROR_SCHEMA = {
    "type": "object",
    "description": 'Field messages {"field": ["message"]}, or {"detail": "message"}',
    "additionalProperties": True,
}
DESCRIPTIONS = {
    "400": "Bad input: field messages (never echoing text that cannot be stored).",
    "401": "Not signed in (session or token).",
    "403": "Signed in but not allowed, or the CSRF token is missing.",
    "404": "No such object of yours.",
    "409": "Conflicts with what is stored (e.g. a device registered to another account, a used snooze link).",
    "413": "Request body too large.",
    "429": "Too many requests: wait and try again (Retry-After says how long).",
}
# Operations that can answer 409 or 429 beyond the common ones.
CONFLICTS = {("/api/push/subscriptions/", "post"), ("/api/reminders/snooze", "post")}
THROTTLED = {
    ("/api/push/subscriptions/", "post"),
    ("/api/reminders/test", "post"),
    ("/api/auth/token", "post"),
    ("/api/auth/token", "delete"),
}


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: document the error statuses of every operation."""
    for path, methods in result.get("paths", {}).items():
        for method, operation in methods.items():
            responses = operation.setdefault("responses", {})
            codes = ["400", "401", "403"]
            if "{" in path:
                codes.append("404")
            if "requestBody" in operation:
                codes.append("413")
            if (path, method) in CONFLICTS:
                codes.append("409")
            if (path, method) in THROTTLED:
                codes.append("429")
            for code in codes:
                responses.setdefault(
                    code,
                    {
                        "description": DESCRIPTIONS[code],
                        "content": {"application/json": {"schema": ERROR_SCHEMA}},
                    },
                )
    return result
