"""A local Web Push service for tests: decrypts every message and checks its VAPID token.

It plays the part of FCM / Mozilla autopush / Apple on 127.0.0.1: each test
subscription gets its own P-256 key pair and auth secret (as a browser would),
so the service can decrypt the aes128gcm payload with ``http_ece`` exactly as
the browser will. It verifies the ``Authorization: vapid t=<JWT>, k=<key>``
header (ES256 signature with ``k``, ``aud`` = the endpoint's origin, ``exp`` in
the future and at most 24 h ahead, ``sub`` a mailto: or https: contact) and
answers with statuses scripted per endpoint.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Reply:
    status: int = 201
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering: beyond the client's timeout = "slow"


@dataclass
class FakeSubscription:
    """What a browser keeps for one push subscription: endpoint path, ECDH key pair, auth secret."""

    path: str
    endpoint: str
    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes

    @property
    def keys(self) -> dict[str, str]:
        public = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {"p256dh": b64url(public), "auth": b64url(self.auth_secret)}


@dataclass
class Received:
    path: str
    status: int
    headers: dict[str, str]
    claims: dict[str, Any]
    payload: dict[str, Any]


class VerificationError(Exception):
    pass


class FakePushService:
    def __init__(self, *, vapid_public_key: str | None = None) -> None:
        self.vapid_public_key = vapid_public_key
        self.subscriptions: dict[str, FakeSubscription] = {}
        self.scripts: dict[str, deque[Reply]] = defaultdict(deque)
        self.received: list[Received] = []
        self.errors: list[str] = []
        # Called with (path, payload) before a message is accepted; returning False drops the
        # connection without an answer, as a push service that never got to accept it.
        self.before_accept: Callable[[str, dict[str, Any]], bool] | None = None
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> FakePushService:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- Test API ----------------------------------------------------------------------
    def subscribe(self) -> FakeSubscription:
        path = f"/push/{secrets.token_urlsafe(12)}"
        sub = FakeSubscription(
            path=path,
            endpoint=self.origin + path,
            private_key=ec.generate_private_key(ec.SECP256R1()),
            auth_secret=secrets.token_bytes(16),
        )
        self.subscriptions[path] = sub
        return sub

    def script(self, sub: FakeSubscription, *replies: Reply) -> None:
        self.scripts[sub.path].extend(replies)

    def accepted(self, sub: FakeSubscription | None = None) -> list[Received]:
        with self.lock:
            return [
                r for r in self.received if r.status in (201, 202) and (sub is None or r.path == sub.path)
            ]

    # --- Checks ---------------------------------------------------------------------------
    def verify_vapid(self, authorization: str) -> dict[str, Any]:
        match = re.fullmatch(r"vapid t=([\w\-.]+),\s*k=([\w\-]+)", authorization.strip())
        if not match:
            raise VerificationError(f"Authorization is not 'vapid t=..., k=...': {authorization[:60]!r}")
        token, key = match.groups()
        if self.vapid_public_key and key != self.vapid_public_key:
            raise VerificationError("VAPID k is not the application server key the browser subscribed with")
        header_b64, claims_b64, signature_b64 = token.split(".")
        header = json.loads(unb64url(header_b64))
        if header.get("alg") != "ES256":
            raise VerificationError(f"JWT alg must be ES256, got {header.get('alg')}")
        signature = unb64url(signature_b64)
        if len(signature) != 64:
            raise VerificationError("ES256 signature must be 64 raw bytes (r || s)")
        der = encode_dss_signature(
            int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
        )
        public_key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(key))
        try:
            public_key.verify(der, f"{header_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
        except InvalidSignature as exc:
            raise VerificationError("JWT signature does not verify with k") from exc
        claims = json.loads(unb64url(claims_b64))
        if claims.get("aud") != self.origin:
            raise VerificationError(f"aud {claims.get('aud')!r} is not {self.origin!r}")
        now = time.time()
        if not isinstance(claims.get("exp"), int) or not now < claims["exp"] <= now + 24 * 3600:
            raise VerificationError(f"exp {claims.get('exp')!r} must be in the future and at most 24 h ahead")
        if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
            raise VerificationError(f"sub {claims.get('sub')!r} must be a mailto: or https: contact")
        return claims

    def decrypt(self, sub: FakeSubscription, headers: dict[str, str], body: bytes) -> dict[str, Any]:
        if headers.get("content-encoding") != "aes128gcm":
            raise VerificationError(
                f"Content-Encoding must be aes128gcm, got {headers.get('content-encoding')}"
            )
        plaintext = http_ece.decrypt(
            body, private_key=sub.private_key, auth_secret=sub.auth_secret, version="aes128gcm"
        )
        return json.loads(plaintext)

    # --- HTTP ------------------------------------------------------------------------------
    def _handle(self, path: str, headers: dict[str, str], body: bytes) -> tuple[Reply, Received | None]:
        sub = self.subscriptions.get(path)
        if sub is None:
            return Reply(404), None
        try:
            claims = self.verify_vapid(headers.get("authorization", ""))
            payload = self.decrypt(sub, headers, body)
            if "ttl" not in headers:
                raise VerificationError("TTL header missing")
        except (VerificationError, ValueError, KeyError, http_ece.ECEException) as exc:
            with self.lock:
                self.errors.append(f"{path}: {exc}")
            return Reply(400), None
        with self.lock:
            reply = self.scripts[path].popleft() if self.scripts[path] else Reply(201)
        return reply, Received(path, reply.status, headers, claims, payload)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        service = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # quiet test output
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {k.lower(): v for k, v in self.headers.items()}
                reply, received = service._handle(self.path, headers, body)
                # Lets a test act (e.g. kill the sender) while the request is in flight.
                hook = service.before_accept
                if received is not None and hook is not None and hook(self.path, received.payload) is False:
                    self.close_connection = True
                    return
                if reply.delay:
                    time.sleep(reply.delay)
                if received is not None:
                    with service.lock:
                        service.received.append(received)
                try:
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:
                    pass  # the client gave up (timeout) or died

        return Handler
