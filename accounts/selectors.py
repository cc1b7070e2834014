"""Reads for accounts. Nothing here writes."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

from accounts.models import Profile


def profile_get(*, user: AbstractBaseUser) -> Profile:
    """The user's profile (every user has one from creation, see ``receivers.profile_for_new_user``)."""
    return Profile.objects.get(user=user)
