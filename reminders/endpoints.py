"""Which push endpoints the server will ever POST to, and a connection pinned to a checked address.

An endpoint is user input: without these rules a subscription could make the
worker POST to an internal address and read the answer back from the device
list. Two checks, both needed:

- on subscribe: an http(s) URL whose host is a real Web Push service
  (``settings.PUSH_SERVICE_HOSTS``), on the standard port, without userinfo;
- at send time: the host is resolved once, every address must be public
  (loopback only with ``settings.PUSH_ALLOW_LOOPBACK``, for the local test push
  service), and the socket connects to that checked address while TLS (SNI,
  certificate) and the Host header still use the name, so a DNS answer that
  changes between the check and the connection cannot redirect the request.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

ENDPOINT_REFUSED = "Not a push endpoint of a known Web Push service."


class UnsafePushEndpoint(Exception):
    """The endpoint is not one we send to; nothing was connected."""


def _host_listed(host: str) -> bool:
    host = host.lower().rstrip(".")
    for pattern in settings.PUSH_SERVICE_HOSTS:
        pattern = pattern.lower()
        if pattern.startswith("*."):
            if host.endswith(pattern[1:]) and len(host) > len(pattern) - 1:
                return True
        elif host == pattern:
            return True
    return False


def _loopback_literal(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def endpoint_problem(url: str) -> str | None:
    """Why ``url`` cannot be a subscription's endpoint, or None when it can."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return ENDPOINT_REFUSED
    host = parts.hostname or ""
    if parts.username is not None or parts.password is not None or not _host_listed(host):
        return ENDPOINT_REFUSED
    test_service = settings.PUSH_ALLOW_LOOPBACK and _loopback_literal(host)
    if parts.scheme != "https" and not (parts.scheme == "http" and test_service):
        return "A push endpoint must be an https URL."
    if port not in (None, 443) and not test_service:
        return ENDPOINT_REFUSED
    return None


def address_allowed(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return bool(settings.PUSH_ALLOW_LOOPBACK)
    # is_global is False for private, link-local, shared (100.64/10), reserved and documentation ranges.
    return ip.is_global and not ip.is_multicast


def checked_address(host: str, port: int) -> str:
    """The one address to connect to for ``host``; raises UnsafePushEndpoint before any connection."""
    if not _host_listed(host):
        raise UnsafePushEndpoint(f"{host} is not a known push service")
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise UnsafePushEndpoint(f"{host} does not resolve") from exc
    addresses = [answer[4][0] for answer in answers]
    # Every answer must be acceptable: a name that also points inside is refused outright.
    if not addresses or not all(address_allowed(address) for address in addresses):
        raise UnsafePushEndpoint(f"{host} resolves to an address we never send to")
    return addresses[0]


class _PinnedMixin:
    """Connect to the checked address; ``host`` (SNI, certificate, Host header) stays the name."""

    _dns_host: str
    port: int

    def _new_conn(self) -> socket.socket:
        name = self._dns_host
        self._dns_host = checked_address(name, self.port)
        try:
            return super()._new_conn()  # type: ignore[misc]
        finally:
            self._dns_host = name


class PinnedHTTPConnection(_PinnedMixin, HTTPConnection):
    pass


class PinnedHTTPSConnection(_PinnedMixin, HTTPSConnection):
    pass


class PinnedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = PinnedHTTPConnection


class PinnedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = PinnedHTTPSConnection


class PinnedAdapter(HTTPAdapter):
    """A requests adapter whose every connection goes through ``checked_address``."""

    def init_poolmanager(self, *args: object, **kwargs: object) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": PinnedHTTPConnectionPool,
            "https": PinnedHTTPSConnectionPool,
        }

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: object) -> object:
        raise UnsafePushEndpoint("push requests never go through a proxy")
