"""Writes for accounts: sign-up, profile changes, API tokens, deletion."""

from __future__ import annotations

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from rest_framework.authtoken.models import Token

from accounts.models import Profile
from accounts.signals import time_zone_changed
from accounts.timezones import validate_time_zone


@transaction.atomic
def user_create(*, username: str, password: str | None, time_zone: str = "UTC") -> AbstractBaseUser:
    """A new user; ``password=None`` makes an account that signs in with a passkey only."""
    validate_time_zone(time_zone)
    user = get_user_model().objects.create_user(username=username, password=password)
    # The profile was created with the user (receivers.profile_for_new_user); set the zone sign-up detected.
    Profile.objects.filter(user=user).update(time_zone=time_zone)
    return user


@transaction.atomic
def profile_update(*, user: AbstractBaseUser, time_zone: str) -> Profile:
    """Change the user's time zone and tell the apps that keep times in it (``time_zone_changed``)."""
    validate_time_zone(time_zone)
    profile = Profile.objects.select_for_update().get(user=user)
    previous = profile.time_zone
    profile.time_zone = time_zone
    profile.save(update_fields=["time_zone", "updated_at"])
    if previous != time_zone:
        time_zone_changed.send(sender=Profile, user=user, old=previous, new=time_zone)
    return profile


@transaction.atomic
def user_delete(*, user: AbstractBaseUser) -> None:
    """Remove the user and everything of theirs.

    Rows that belong to the user point at it with ``on_delete=CASCADE`` (journal
    rows, push subscriptions, schedules, deliveries, API token, profile), so
    deleting the user deletes them in the same transaction. Sessions are found by
    the keys recorded at sign-in (accounts/sessions.py); the sign-in records
    django-axes keeps under their username are removed too. A hashed marker of the
    id stays, so the user's other devices wipe their copy at their next contact.
    """
    from accounts.sessions import sessions_delete
    from accounts.tombstones import tombstone_record

    username = user.get_username()
    sessions_delete(user=user)
    tombstone_record(user_id=user.pk)
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username=username).delete()
    user.delete()


def token_for(*, user: AbstractBaseUser) -> str:
    """The user's API token for non-browser clients, created on first request."""
    from accounts.authentication import token_expired

    token, _ = Token.objects.get_or_create(user=user)
    if token_expired(token):
        return token_rotate(user=user)
    return token.key


def token_rotate(*, user: AbstractBaseUser) -> str:
    """Revoke the user's token and issue a new one (shown once in settings)."""
    token_revoke(user=user)
    return token_for(user=user)


def token_revoke(*, user: AbstractBaseUser) -> bool:
    """Revoke the user's API token; True if there was one. Clients using it get 401 from now on."""
    from accounts.security import auth_version_bump

    deleted, _ = Token.objects.filter(user=user).delete()
    if deleted:
        auth_version_bump(user_id=user.pk)
    return bool(deleted)
