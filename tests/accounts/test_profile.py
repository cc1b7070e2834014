"""Every user has a profile from creation on, so reading it never writes."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model

from accounts.models import Profile
from accounts.selectors import profile_get

pytestmark = pytest.mark.django_db


def test_a_user_made_outside_sign_up_has_a_utc_profile():
    admin_made = get_user_model().objects.create_user(username="made-in-admin", password="x-Long-pass-42")
    assert Profile.objects.get(user=admin_made).time_zone == "UTC"


def test_reading_the_profile_is_one_select_and_no_write(user, django_assert_num_queries):
    with django_assert_num_queries(1) as captured:
        assert profile_get(user=user).time_zone == "Europe/Berlin"
    assert captured.captured_queries[0]["sql"].lstrip().upper().startswith("SELECT")


def test_the_migration_gives_older_users_without_a_profile_one(user, other_user):
    Profile.objects.filter(user=user).delete()
    migration = importlib.import_module("accounts.migrations.0005_profile_for_every_user")
    migration.create_missing_profiles(apps, None)
    assert Profile.objects.get(user=user).time_zone == "UTC"
    assert Profile.objects.get(user=other_user).time_zone == "America/New_York"
