"""What a password change or a sign-out ends: other sessions, the API token, signed links."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import F
from rest_framework.authtoken.models import Token

from accounts.models import Profile
from accounts.sessions import sessions_delete


def auth_version(*, user_id: int) -> int:
    """The user's current auth version (signed links carry it)."""
    return Profile.objects.filter(user_id=user_id).values_list("auth_version", flat=True).first() or 0


def auth_version_bump(*, user_id: int) -> None:
    if not Profile.objects.filter(user_id=user_id).update(auth_version=F("auth_version") + 1):
        Profile.objects.get_or_create(user_id=user_id, defaults={"auth_version": 1})


def password_changed(*, user: AbstractBaseUser) -> None:
    """After a new password: every session, the API token and signed links stop working.

    The device that changed it stays signed in (Django's update_session_auth_hash gives it
    a new session, which accounts.views records).
    """
    sessions_delete(user=user)
    Token.objects.filter(user=user).delete()
    auth_version_bump(user_id=user.pk)
