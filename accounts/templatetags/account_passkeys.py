from __future__ import annotations

from typing import Any

from django import template

from accounts.models import Passkey
from accounts.passkeys import passkeys_of

register = template.Library()


@register.simple_tag(takes_context=True)
def account_passkeys(context: dict[str, Any]) -> list[Passkey]:
    """The signed-in user's passkeys, oldest first, for Settings → Passkeys."""
    return passkeys_of(user=context["request"].user)
