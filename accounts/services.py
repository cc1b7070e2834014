"""Writes for accounts: sign-up and profile changes."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from accounts.models import Profile
from accounts.timezones import validate_time_zone


@transaction.atomic
def user_create(*, username: str, password: str, time_zone: str = "UTC") -> AbstractBaseUser:
    validate_time_zone(time_zone)
    user = get_user_model().objects.create_user(username=username, password=password)
    Profile.objects.create(user=user, time_zone=time_zone)
    return user


def profile_get(*, user: AbstractBaseUser) -> Profile:
    """The user's profile, created on first use for users made outside sign-up (admin, shell)."""
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile


@transaction.atomic
def profile_update(*, user: AbstractBaseUser, time_zone: str) -> Profile:
    from reminders.services import schedules_follow_time_zone

    validate_time_zone(time_zone)
    profile = profile_get(user=user)
    previous = profile.time_zone
    profile.time_zone = time_zone
    profile.save(update_fields=["time_zone", "updated_at"])
    # Travel: reminders set in the old home zone now ring at the same local times in the new one.
    schedules_follow_time_zone(user=user, old=previous, new=time_zone)
    return profile
