"""Passkeys (WebAuthn): registration and sign-in ceremonies, verified by py_webauthn.

A ceremony is two requests. The first hands the browser options with a fresh
challenge, kept in the session with its purpose and an expiry; the second sends
the authenticator's answer. The challenge is taken out of the session before
the answer is checked, so each one is used at most once, even by a failed try.
Every failure raises ``PasskeyRejected`` with a field and words a person can
act on; the views answer it with 400, never 500.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.parse_authentication_credential_json import parse_authentication_credential_json
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from accounts.models import Passkey

SESSION_KEY = "passkey_ceremony"
PURPOSE_SIGNUP = "signup"
PURPOSE_REGISTER = "register"
PURPOSE_LOGIN = "login"
NAME_MAX = 64
DEFAULT_NAME = "Passkey"


class PasskeyRejected(Exception):
    """A ceremony that did not verify; ``field`` and ``message`` go to the user as a 400."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message

    def as_errors(self) -> dict[str, list[str]]:
        return {self.field: [self.message]}


@dataclass(frozen=True)
class RelyingParty:
    rp_id: str
    origins: list[str]
    name: str


def relying_party(request: HttpRequest) -> RelyingParty:
    """The RP ID and accepted origins: WEBAUTHN_RP_ID / WEBAUTHN_ORIGINS when set, else this request's host.

    ``request.get_host()`` has already been checked against ALLOWED_HOSTS, so a forged
    Host header cannot pick the RP ID. Origins default to the CSRF_TRUSTED_ORIGINS on
    that host, or this request's own scheme and host.
    """
    host = request.get_host()
    rp_id = settings.WEBAUTHN_RP_ID or urlsplit(f"//{host}").hostname or host
    origins = list(settings.WEBAUTHN_ORIGINS)
    if not origins:
        origins = [o for o in settings.CSRF_TRUSTED_ORIGINS if urlsplit(o).hostname == rp_id]
    if not origins:
        origins = [f"{request.scheme}://{host}"]
    return RelyingParty(rp_id=rp_id, origins=origins, name=settings.WEBAUTHN_RP_NAME)


def _challenge_store(request: HttpRequest, *, purpose: str, challenge: bytes, **extra: Any) -> None:
    request.session[SESSION_KEY] = {
        "purpose": purpose,
        "challenge": bytes_to_base64url(challenge),
        "expires": time.time() + settings.WEBAUTHN_CHALLENGE_SECONDS,
        **extra,
    }


def _challenge_take(request: HttpRequest, *, purpose: str) -> dict[str, Any]:
    """The pending ceremony of ``purpose``, removed from the session whatever happens next."""
    pending = request.session.pop(SESSION_KEY, None)
    if not isinstance(pending, dict) or pending.get("purpose") != purpose:
        raise PasskeyRejected(
            "challenge", "This passkey request was already used or never started. Please try again."
        )
    if pending.get("expires", 0) < time.time():
        raise PasskeyRejected("challenge", "This passkey request expired. Please try again.")
    return pending


def _plain_words(exc: Exception) -> PasskeyRejected:
    """py_webauthn's reason, said so that a person knows what happened."""
    text = str(exc).lower()
    if "challenge" in text:
        return PasskeyRejected("challenge", "The passkey answered a different request. Please try again.")
    if "origin" in text:
        return PasskeyRejected("origin", "The passkey answer came from another site than this one.")
    if "clientdatajson" in text or "client data" in text:
        return PasskeyRejected("clientDataJSON", "The browser's passkey answer could not be read.")
    if "rp id" in text:
        return PasskeyRejected("credential", "This passkey was made for another site.")
    if "sign count" in text:
        return PasskeyRejected(
            "credential", "This passkey answer was already used (its counter did not go up)."
        )
    if "signature" in text:
        return PasskeyRejected("credential", "The passkey's signature did not check out.")
    if "user was not" in text or "user verification" in text:
        return PasskeyRejected(
            "credential", "The passkey did not confirm it was you (PIN, fingerprint or face)."
        )
    return PasskeyRejected("credential", "The passkey answer could not be verified.")


def _transports(credential: dict[str, Any]) -> list[str]:
    response = credential.get("response") if isinstance(credential, dict) else None
    raw = response.get("transports") if isinstance(response, dict) else None
    known = {t.value for t in AuthenticatorTransport}
    return [t for t in raw if isinstance(t, str) and t in known] if isinstance(raw, list) else []


def _user_handle_for(user: AbstractBaseUser | None) -> str:
    """One WebAuthn user.id per account, so a new passkey on the same device replaces the old one."""
    existing = (
        Passkey.objects.filter(user=user).values_list("user_handle", flat=True).first() if user else None
    )
    return existing or bytes_to_base64url(secrets.token_bytes(32))


def registration_options(
    *, request: HttpRequest, purpose: str, username: str, user: AbstractBaseUser | None = None, **extra: Any
) -> str:
    """Options for navigator.credentials.create(), as JSON; the challenge waits in the session."""
    rp = relying_party(request)
    user_handle = _user_handle_for(user)
    exclude = (
        [
            PublicKeyCredentialDescriptor(id=base64url_to_bytes(p.credential_id))
            for p in Passkey.objects.filter(user=user).only("credential_id")
        ]
        if user is not None
        else []
    )
    options = generate_registration_options(
        rp_id=rp.rp_id,
        rp_name=rp.name,
        user_name=username,
        user_id=base64url_to_bytes(user_handle),
        user_display_name=username,
        timeout=settings.WEBAUTHN_CHALLENGE_SECONDS * 1000,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=exclude,
    )
    _challenge_store(request, purpose=purpose, challenge=options.challenge, user_handle=user_handle, **extra)
    return options_to_json(options)


def _expected(request: HttpRequest, pending: dict[str, Any]) -> dict[str, Any]:
    """What every answer must match: this ceremony's challenge, our relying party id and origins."""
    rp = relying_party(request)
    return {
        "expected_challenge": base64url_to_bytes(pending["challenge"]),
        "expected_rp_id": rp.rp_id,
        "expected_origin": rp.origins,
    }


def registration_verify(*, request: HttpRequest, purpose: str, credential: Any) -> tuple[dict[str, Any], Any]:
    """Check a create() answer against the pending challenge; the ceremony data and the verified key."""
    pending = _challenge_take(request, purpose=purpose)
    if not isinstance(credential, dict):
        raise PasskeyRejected("credential", "The browser sent no passkey.")
    try:
        verified = verify_registration_response(credential=credential, **_expected(request, pending))
    except (WebAuthnException, ValueError, TypeError, KeyError) as exc:
        raise _plain_words(exc) from exc
    credential_id = bytes_to_base64url(verified.credential_id)
    if Passkey.objects.filter(credential_id=credential_id).exists():
        raise PasskeyRejected("credential", "This passkey is already registered.")
    pending["transports"] = _transports(credential)
    return pending, verified


def passkey_store(*, user: AbstractBaseUser, pending: dict[str, Any], verified: Any, name: str) -> Passkey:
    return Passkey.objects.create(
        user=user,
        credential_id=bytes_to_base64url(verified.credential_id),
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        user_handle=pending["user_handle"],
        transports=pending.get("transports", []),
        name=clean_name(name),
    )


def clean_name(name: Any) -> str:
    text = " ".join(str(name or "").split())[:NAME_MAX]
    return text or DEFAULT_NAME


def authentication_options(*, request: HttpRequest) -> str:
    """Options for navigator.credentials.get() with no user named: the passkey says whose it is."""
    rp = relying_party(request)
    options = generate_authentication_options(
        rp_id=rp.rp_id,
        timeout=settings.WEBAUTHN_CHALLENGE_SECONDS * 1000,
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    _challenge_store(request, purpose=PURPOSE_LOGIN, challenge=options.challenge)
    return options_to_json(options)


@transaction.atomic
def authentication_verify(*, request: HttpRequest, credential: Any) -> AbstractBaseUser:
    """The user whose passkey signed the pending challenge; its counter and last use are updated."""
    pending = _challenge_take(request, purpose=PURPOSE_LOGIN)
    if not isinstance(credential, dict):
        raise PasskeyRejected("credential", "The browser sent no passkey.")
    try:
        parsed = parse_authentication_credential_json(credential)
    except (WebAuthnException, ValueError, TypeError, KeyError) as exc:
        raise PasskeyRejected("credential", "The browser's passkey answer could not be read.") from exc
    passkey = (
        Passkey.objects.select_for_update()
        .select_related("user")
        .filter(credential_id=bytes_to_base64url(parsed.raw_id))
        .first()
    )
    if passkey is None or not passkey.user.is_active:
        raise PasskeyRejected(
            "credential",
            "This passkey is not registered here (it may have been removed). Sign in with your password.",
        )
    try:
        verified = verify_authentication_response(
            credential=parsed,
            **_expected(request, pending),
            credential_public_key=bytes(passkey.public_key),
            credential_current_sign_count=passkey.sign_count,
        )
    except (WebAuthnException, ValueError, TypeError, KeyError) as exc:
        raise _plain_words(exc) from exc
    passkey.sign_count = verified.new_sign_count
    passkey.last_used_at = timezone.now()
    passkey.save(update_fields=["sign_count", "last_used_at"])
    return passkey.user


def passkeys_of(*, user: AbstractBaseUser) -> list[Passkey]:
    return list(Passkey.objects.filter(user=user).order_by("created_at"))


def passkey_rename(*, user: AbstractBaseUser, passkey_id: int, name: str) -> Passkey | None:
    """None if the passkey is not the user's."""
    passkey = Passkey.objects.filter(user=user, pk=passkey_id).first()
    if passkey is not None:
        passkey.name = clean_name(name)
        passkey.save(update_fields=["name"])
    return passkey


class LastWayIn(Exception):
    """Removing this passkey would leave the account with no way to sign in."""


@transaction.atomic
def passkey_remove(*, user: AbstractBaseUser, passkey_id: int) -> bool:
    """False if the passkey is not the user's; LastWayIn if it is the only way in left."""
    passkey = Passkey.objects.select_for_update().filter(user=user, pk=passkey_id).first()
    if passkey is None:
        return False
    if not user.has_usable_password() and Passkey.objects.filter(user=user).count() == 1:
        raise LastWayIn
    passkey.delete()
    return True
