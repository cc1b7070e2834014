from __future__ import annotations

from typing import Any

from django import template
from rest_framework.authtoken.models import Token

from accounts.authentication import token_expires_at
from accounts.devices import device_groups
from accounts.sessions import sessions_of

register = template.Library()


@register.simple_tag(takes_context=True)
def account_devices(context: dict[str, Any]) -> dict[str, Any]:
    """Sessions, the API token and every other app's devices of the user, for Settings → Your devices."""
    request = context["request"]
    current = request.session.session_key
    sessions = [
        {"record": record, "current": record.session_key == current}
        for record in sessions_of(user=request.user)
    ]
    token = Token.objects.filter(user=request.user).first()
    return {
        "sessions": sessions,
        "token": token,
        "token_expires_at": token_expires_at(token) if token else None,
        "groups": device_groups(user=request.user),
    }
