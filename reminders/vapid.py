"""VAPID key pairs for Web Push: generated once for local runs, from the environment in production."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def generate_vapid_keys() -> dict[str, str]:
    """A new P-256 pair: raw private scalar and uncompressed public point, base64url."""
    private_key = ec.generate_private_key(ec.SECP256R1())
    private_raw = private_key.private_numbers().private_value.to_bytes(32, "big")
    public_raw = private_key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return {"public_key": _b64url(public_raw), "private_key": _b64url(private_raw)}


def read_key_file(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    return json.loads(path.read_text())


def ensure_key_file(path: Path) -> bool:
    """Write a key pair to ``path`` unless one is there. Returns True when it created one.

    Never overwrites: rotating keys silently would invalidate every subscription.
    """
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w") as handle:
        json.dump(generate_vapid_keys(), handle)
    return True
