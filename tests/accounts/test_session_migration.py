"""Sessions signed in before per-user records existed are recorded by the migration."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.contrib.sessions.backends.db import SessionStore

from accounts.models import UserSession

pytestmark = pytest.mark.django_db


def test_existing_sessions_are_recorded_once_for_their_user(user):
    mine = SessionStore()
    mine["_auth_user_id"] = str(user.pk)
    mine.create()
    anonymous = SessionStore()
    anonymous["cart"] = 1
    anonymous.create()
    migration = importlib.import_module("accounts.migrations.0004_record_existing_sessions")
    migration.record_existing_sessions(apps, None)
    migration.record_existing_sessions(apps, None)
    assert list(UserSession.objects.values_list("user_id", "session_key")) == [(user.pk, mine.session_key)]
