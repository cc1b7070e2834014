"""Fixtures for reminders: VAPID keys, the local fake push service, subscribed users."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from reminders.vapid import generate_vapid_keys
from tests.reminders.fakepush import FakePushService


@pytest.fixture
def vapid(settings: object) -> dict[str, str]:
    keys = generate_vapid_keys()
    settings.VAPID_PUBLIC_KEY = keys["public_key"]
    settings.VAPID_PRIVATE_KEY = keys["private_key"]
    settings.VAPID_SUBJECT = "mailto:reminders@minimus.test"
    return keys


@pytest.fixture
def fake_push(vapid: dict[str, str]) -> Iterator[FakePushService]:
    with FakePushService(vapid_public_key=vapid["public_key"]) as service:
        yield service


@pytest.fixture
def subscribe(fake_push: FakePushService):
    """Register a new fake device for a user, as the browser would through the API."""
    from reminders.services import subscription_upsert

    def make(user: object, *, user_agent: str = "Test browser"):
        device = fake_push.subscribe()
        subscription = subscription_upsert(
            user=user, endpoint=device.endpoint, user_agent=user_agent, **device.keys
        )
        return device, subscription

    return make
