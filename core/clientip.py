"""The client's IP address, for lockouts and rate limits, behind a known number of proxies."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or the address the nearest trusted proxy saw when there are proxies.

    Behind Caddy every request comes from the proxy's address; counting from
    the right of X-Forwarded-For (which our own proxy appends to) gives the real
    client without trusting anything a client could write into that header.
    Only valid IP addresses are returned (django-axes stores them in an IP
    column, where garbage would be a database error); None when there is none.
    """
    remote = _valid(request.META.get("REMOTE_ADDR", ""))
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        return remote
    return _valid(forwarded[-proxies]) or remote


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None
