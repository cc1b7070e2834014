from __future__ import annotations

from django.http import HttpRequest

from accounts.tombstones import account_marker


def account(request: HttpRequest) -> dict[str, str]:
    """The device marker a signed-in page hands to its scripts (data-account-marker)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"account_marker": ""}
    return {"account_marker": account_marker(user_id=user.pk)}
