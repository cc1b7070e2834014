"""Signal receivers of accounts, connected in ``AccountsConfig.ready``: a profile for every new user,
and the per-user session records kept current at sign-in, sign-out and password change."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from accounts.models import Profile
from accounts.security import auth_version_bump, password_changed
from accounts.sessions import session_forget, session_record


def profile_for_new_user(
    sender: type, *, instance: AbstractBaseUser, created: bool, raw: bool, **_: Any
) -> None:
    """Every user gets a profile when created, however created (sign-up, admin, shell), so reads
    never have to create one. Fixture loading (raw) brings its own profiles."""
    if created and not raw:
        Profile.objects.get_or_create(user=instance)


@receiver(user_logged_in, dispatch_uid="accounts.record_session")
def _record_session(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None:
        session_record(user=user, request=request)


@receiver(user_logged_out, dispatch_uid="accounts.forget_session")
def _forget_session(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        session_forget(session_key=request.session.session_key)
    if user is not None and user.pk is not None:  # None: the account was just deleted
        auth_version_bump(user_id=user.pk)


@receiver(pre_save, sender=get_user_model(), dispatch_uid="accounts.notice_password_change")
def _notice_password_change(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    # set_password() keeps the raw password in _password until the save; a rehash at sign-in
    # (new hasher settings) saves with _password None and is no change of password.
    instance._password_changed = instance.pk is not None and getattr(instance, "_password", None) is not None


@receiver(post_save, sender=get_user_model(), dispatch_uid="accounts.end_sessions_after_password_change")
def _end_sessions_after_password_change(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if not created and getattr(instance, "_password_changed", False):
        instance._password_changed = False
        password_changed(user=instance)
