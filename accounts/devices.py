"""Settings → Your devices: the shape other apps use to list their own devices there.

accounts lists browser sessions and the API token itself. Apps above it (journal's sync
clients, reminders' push subscriptions) each provide a function named in
``settings.ACCOUNT_DEVICE_PROVIDERS``, taking the user and returning a ``DeviceGroup``;
accounts loads them by name, so it never imports those apps.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class DeviceItem:
    label: str
    detail: str
    # A POST to this URL revokes the device; it answers 404 for anyone else's.
    revoke_url: str
    revoke_label: str


@dataclass(frozen=True)
class DeviceGroup:
    title: str
    help: str
    items: list[DeviceItem] = field(default_factory=list)


DeviceProvider = Callable[[AbstractBaseUser], DeviceGroup]


@cache
def _providers(names: tuple[str, ...]) -> list[DeviceProvider]:
    return [import_string(name) for name in names]


def device_groups(*, user: AbstractBaseUser) -> list[DeviceGroup]:
    """Every provider's group for ``user``, in the order settings lists them."""
    return [provider(user) for provider in _providers(tuple(settings.ACCOUNT_DEVICE_PROVIDERS))]
