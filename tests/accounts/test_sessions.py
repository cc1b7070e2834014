"""Sessions are recorded per user at sign-in; expired ones are cleared every night."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import DeletedAccount, UserSession
from accounts.tasks import nightly_cleanup
from accounts.tombstones import tombstone_record

pytestmark = pytest.mark.django_db
PASSWORD = "a-Long-pass-phrase-42"


def test_signing_in_records_the_session_and_signing_out_forgets_it(client, user):
    assert client.post("/accounts/login/", {"username": "alice", "password": PASSWORD}).status_code == 302
    key = client.session.session_key
    assert list(UserSession.objects.filter(user=user).values_list("session_key", flat=True)) == [key]
    client.post("/accounts/logout/")
    assert not UserSession.objects.filter(session_key=key).exists()


def test_nightly_cleanup_clears_expired_sessions_their_records_and_old_deletion_markers(user):
    device = APIClient()
    device.force_login(user)
    Session.objects.update(expire_date=timezone.now() - timedelta(minutes=1))
    tombstone_record(user_id=12345)
    DeletedAccount.objects.update(
        deleted_at=timezone.now() - timedelta(days=settings.ACCOUNT_TOMBSTONE_DAYS + 1)
    )
    tombstone_record(user_id=777)

    assert nightly_cleanup() == {"session_records": 1, "deleted_accounts": 1}
    assert Session.objects.count() == 0
    assert UserSession.objects.count() == 0
    assert DeletedAccount.objects.count() == 1


def test_nightly_cleanup_is_in_the_beat_schedule():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "accounts.nightly_cleanup" in tasks
