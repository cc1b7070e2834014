"""Fixtures for reminders: VAPID keys, the local fake push service, subscribed users."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.reminders.fakepush import FakePushService
from tests.reminders.push_browser import push_context, push_page  # noqa: F401  (browser fixtures)


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
