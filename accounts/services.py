"""Writes for accounts: sign-up, profile changes, API tokens, deletion."""

from __future__ import annotations

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.sessions.models import Session
from django.db import transaction
from rest_framework.authtoken.models import Token

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


def profile_update(*, user: AbstractBaseUser, time_zone: str) -> Profile:
    validate_time_zone(time_zone)
    profile = profile_get(user=user)
    profile.time_zone = time_zone
    profile.save(update_fields=["time_zone", "updated_at"])
    return profile


@transaction.atomic
def user_delete(*, user: AbstractBaseUser) -> None:
    """Remove the user and everything of theirs.

    Rows that belong to the user point at it with ``on_delete=CASCADE`` (journal
    rows, push subscriptions, schedules, deliveries, API token, profile), so
    deleting the user deletes them in the same transaction. Three things do not
    hold a foreign key and are removed here: their sessions on other devices,
    and the sign-in records django-axes keeps under their username.
    """
    user_id = str(user.pk)
    username = user.get_username()
    for session in Session.objects.iterator():
        if str(session.get_decoded().get("_auth_user_id")) == user_id:
            session.delete()
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username=username).delete()
    user.delete()


def token_for(*, user: AbstractBaseUser) -> str:
    """The user's API token for non-browser clients, created on first request."""
    token, _ = Token.objects.get_or_create(user=user)
    return token.key


def token_rotate(*, user: AbstractBaseUser) -> str:
    """Revoke the user's token and issue a new one (shown once in settings)."""
    token_revoke(user=user)
    return token_for(user=user)


def token_revoke(*, user: AbstractBaseUser) -> bool:
    """Revoke the user's API token; True if there was one. Clients using it get 401 from now on."""
    deleted, _ = Token.objects.filter(user=user).delete()
    return bool(deleted)
