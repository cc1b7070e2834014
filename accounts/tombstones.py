"""Deleted accounts, remembered only as a keyed hash of their id.

A signed-in page carries a device marker: the user's id, signed by the server. A device
keeps sending it; when a request is refused (401) and the marker names a deleted account,
the answer says {"code": "account_deleted"} so the device wipes its copy of that journal.
Only a device that was signed in to that account holds its marker, so the answer tells
nothing about any other account.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.models import DeletedAccount

MARKER_SALT = "accounts.device-marker"
HASH_SALT = "accounts.deleted-account"
MARKER_HEADER = "HTTP_X_MINIMUS_ACCOUNT"


def account_marker(*, user_id: int) -> str:
    """What a signed-in page gives its device to prove later which account it held."""
    return signing.dumps({"u": user_id}, salt=MARKER_SALT)


def marker_user_id(marker: str) -> int | None:
    try:
        data = signing.loads(marker, salt=MARKER_SALT)
    except signing.BadSignature:
        return None
    user_id = data.get("u") if isinstance(data, dict) else None
    return user_id if isinstance(user_id, int) else None


def _id_hash(user_id: int) -> str:
    return salted_hmac(HASH_SALT, str(user_id), algorithm="sha256").hexdigest()


def tombstone_record(*, user_id: int) -> None:
    DeletedAccount.objects.get_or_create(id_hash=_id_hash(user_id))


def marker_names_deleted_account(marker: str) -> bool:
    user_id = marker_user_id(marker)
    return user_id is not None and DeletedAccount.objects.filter(id_hash=_id_hash(user_id)).exists()


def tombstones_purge() -> int:
    """Forget deletions older than ACCOUNT_TOMBSTONE_DAYS (a device offline that long keeps its copy)."""
    horizon = timezone.now() - timedelta(days=settings.ACCOUNT_TOMBSTONE_DAYS)
    deleted, _ = DeletedAccount.objects.filter(deleted_at__lt=horizon).delete()
    return deleted
