"""This app's part of Settings → Your devices: every install that syncs the journal."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractBaseUser
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from accounts.devices import DeviceGroup, DeviceItem
from journal.models import SyncClient


def sync_clients_of(*, user: AbstractBaseUser) -> list[SyncClient]:
    """The user's installs still allowed to sync, most recently seen first."""
    return list(SyncClient.objects.filter(user=user, revoked_at__isnull=True).order_by("-last_seen_at"))


def sync_client_revoke(*, user: AbstractBaseUser, client_id: uuid.UUID) -> bool:
    """Refuse this install's client_id from now on; False if it is not one of the user's.

    The row stays, marked, so the install's next push or pull is told "client_revoked"
    (not bound afresh): it takes a new client_id and sends its outbox again under it.
    """
    updated = SyncClient.objects.filter(user=user, client_id=client_id, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    return updated > 0


def sync_clients(user: AbstractBaseUser) -> DeviceGroup:
    return DeviceGroup(
        title="Journal sync",
        help="Each app that keeps your journal offline and syncs it. Revoking one makes it start "
        "over with a new sync id at its next sync; its unsent entries are sent again, none lost.",
        items=[
            DeviceItem(
                label=f"Journal app {str(client.client_id)[:8]}",
                detail=f"First synced {date_format(client.created_at, 'j M Y')}, "
                f"last seen {date_format(client.last_seen_at, 'j M Y, H:i')} UTC",
                revoke_url=reverse("sync-client-revoke", kwargs={"client_id": client.client_id}),
                revoke_label="Revoke this sync client",
            )
            for client in sync_clients_of(user=user)
        ],
    )
