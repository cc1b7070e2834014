"""VAPID key pairs for Web Push: generated once for local runs, from the environment in production."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings

from core.files import write_once


@dataclass(frozen=True)
class VapidKeys:
    public_key: str
    private_key: str


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
    return write_once(path, json.dumps(generate_vapid_keys()))


def vapid_keys() -> VapidKeys | None:
    """This server's pair: from the environment, else (not in production) the data folder's file.

    Read when needed rather than in settings, so settings stay free of file access and a
    pair created by ``ensure_vapid_keys`` is used without a restart.
    """
    if settings.VAPID_PUBLIC_KEY and settings.VAPID_PRIVATE_KEY:
        return VapidKeys(settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY)
    if settings.PRODUCTION:
        return None
    stored = read_key_file(Path(settings.VAPID_KEY_FILE))
    if stored.get("public_key") and stored.get("private_key"):
        return VapidKeys(stored["public_key"], stored["private_key"])
    return None
