"""Locally the VAPID pair comes from the data folder's file, read where it is used; in production
only the environment counts."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from reminders.models import Delivery
from reminders.sending import delivery_send
from reminders.vapid import vapid_keys
from tests.reminders.factories import make_delivery
from tests.reminders.fakepush import FakePushService

pytestmark = pytest.mark.django_db


@pytest.fixture
def key_file(settings, tmp_path):
    """No keys in the environment; `manage.py ensure_vapid_keys` made a pair in the data folder."""
    settings.VAPID_PUBLIC_KEY = ""
    settings.VAPID_PRIVATE_KEY = ""
    settings.VAPID_KEY_FILE = tmp_path / "vapid.json"
    call_command("ensure_vapid_keys", verbosity=0)
    return json.loads(settings.VAPID_KEY_FILE.read_text())


def test_the_key_endpoint_serves_the_public_key_from_the_data_folder(api_client, key_file):
    response = api_client.get("/api/push/key")
    assert response.status_code == 200
    assert response.json() == {"public_key": key_file["public_key"]}


def test_a_reminder_is_signed_with_the_pair_from_the_data_folder(user, key_file):
    from reminders.services import subscription_upsert

    with FakePushService(vapid_public_key=key_file["public_key"]) as service:
        device = service.subscribe()
        subscription = subscription_upsert(
            user=user, endpoint=device.endpoint, user_agent="Test", **device.keys
        )
        delivery = make_delivery(subscription)
        assert delivery_send(delivery_id=delivery.pk).status == "sent"
        assert len(service.accepted(device)) == 1
        assert service.errors == []
    assert Delivery.objects.get(pk=delivery.pk).status == "sent"


def test_the_command_keeps_an_existing_pair(settings, key_file):
    call_command("ensure_vapid_keys", verbosity=0)
    assert json.loads(settings.VAPID_KEY_FILE.read_text()) == key_file


def test_production_never_reads_the_file(api_client, settings, key_file):
    settings.PRODUCTION = True
    assert vapid_keys() is None
    assert api_client.get("/api/push/key").status_code == 503


def test_keys_from_the_environment_win_over_the_file(settings, key_file, vapid):
    settings.VAPID_PUBLIC_KEY = vapid["public_key"]
    settings.VAPID_PRIVATE_KEY = vapid["private_key"]
    assert vapid_keys().public_key == vapid["public_key"] != key_file["public_key"]
