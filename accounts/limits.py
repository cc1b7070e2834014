"""Per-network caps on signing up and signing in, shared by the password and the passkey forms.

Both sign-up forms count in one bucket, so a second form is no way around the first one's cap.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from core.clientip import client_ip
from core.ratelimit import rate_limit_exceeded

SIGNUP_WINDOW_SECONDS = 3600
LOGIN_WINDOW_SECONDS = 900
PASSKEY_SIGNIN_WINDOW_SECONDS = 600


def _network_limited(request: HttpRequest, *, scope: str, limit: int, window_seconds: int) -> bool:
    return rate_limit_exceeded(
        scope=scope, key=client_ip(request) or "unknown", limit=limit, window_seconds=window_seconds
    )


def signup_limited(request: HttpRequest) -> bool:
    return _network_limited(
        request, scope="signup", limit=settings.SIGNUP_RATE_LIMIT, window_seconds=SIGNUP_WINDOW_SECONDS
    )


def login_limited(request: HttpRequest) -> bool:
    return _network_limited(
        request, scope="login-ip", limit=settings.LOGIN_IP_RATE_LIMIT, window_seconds=LOGIN_WINDOW_SECONDS
    )


def passkey_signin_limited(request: HttpRequest) -> bool:
    return _network_limited(
        request,
        scope="passkey-signin",
        limit=settings.PASSKEY_SIGNIN_RATE_LIMIT,
        window_seconds=PASSKEY_SIGNIN_WINDOW_SECONDS,
    )
