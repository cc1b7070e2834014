"""The account's email address: optional, used only for password reset, confirmed by a link.

An address is only used once its owner opened the confirmation link (a signed, expiring
TimestampSigner token naming the user and the address), so a typo or someone else's address
never receives reset links for this account.
"""

from __future__ import annotations

import enum

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.core.mail import send_mail
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import Profile

CONFIRM_SALT = "accounts.email-confirm"


class ConfirmResult(enum.Enum):
    CONFIRMED = "confirmed"
    ALREADY_CONFIRMED = "already_confirmed"
    EXPIRED = "expired"
    REPLACED = "replaced"
    INVALID = "invalid"


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=CONFIRM_SALT)


def email_confirmation_send(*, user: AbstractBaseUser, email: str, request: HttpRequest) -> None:
    """Keep ``email`` as the address waiting for confirmation and mail it the link."""
    Profile.objects.update_or_create(user=user, defaults={"pending_email": email})
    token = _signer().sign_object({"u": user.pk, "e": email})
    link = request.build_absolute_uri(reverse("email-confirm", args=[token]))
    hours = settings.EMAIL_CONFIRM_MAX_AGE_HOURS
    context = {"username": user.get_username(), "link": link, "hours": hours}
    send_mail(
        subject="Confirm your email for Minimus",
        message=render_to_string("accounts/email_confirm_message.txt", context),
        from_email=None,
        recipient_list=[email],
    )


def email_confirm(*, token: str) -> ConfirmResult:
    """Apply a confirmation link; nothing changes unless it is valid, current and unused."""
    max_age = settings.EMAIL_CONFIRM_MAX_AGE_HOURS * 3600
    try:
        data = _signer().unsign_object(token, max_age=max_age)
    except signing.SignatureExpired:
        return ConfirmResult.EXPIRED
    except signing.BadSignature:
        return ConfirmResult.INVALID
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not isinstance(data.get("e"), str):
        return ConfirmResult.INVALID
    user = get_user_model().objects.filter(pk=data["u"], is_active=True).first()
    if user is None:
        return ConfirmResult.INVALID
    if user.email.lower() == data["e"].lower():
        return ConfirmResult.ALREADY_CONFIRMED
    profile = Profile.objects.filter(user=user).first()
    if profile is None or profile.pending_email.lower() != data["e"].lower():
        return ConfirmResult.REPLACED
    user.email = data["e"]
    user.save(update_fields=["email"])
    profile.pending_email = ""
    profile.save(update_fields=["pending_email", "updated_at"])
    return ConfirmResult.CONFIRMED


def email_remove(*, user: AbstractBaseUser) -> None:
    user.email = ""
    user.save(update_fields=["email"])
    Profile.objects.filter(user=user).update(pending_email="")
