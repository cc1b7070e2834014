"""Passkey endpoints: JSON for the two steps of each ceremony (frontend/static/js/passkeys.js),
plain forms for renaming and removing in Settings."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model, login, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.email import email_confirmation_send
from accounts.forms import TimeZoneField, check_username
from accounts.limits import passkey_signin_limited, signup_limited
from accounts.passkeys import (
    PURPOSE_REGISTER,
    PURPOSE_SIGNUP,
    LastWayIn,
    PasskeyRejected,
    authentication_options,
    authentication_verify,
    passkey_remove,
    passkey_rename,
    passkey_store,
    registration_options,
    registration_verify,
)
from accounts.services import user_create
from accounts.sessions import session_record
from core.settings_actions import SettingsOutcome, back_to_settings, owned_action_done
from core.text import JSONTooDeep, json_loads_bounded

BACKEND = "django.contrib.auth.backends.ModelBackend"


def _body(request: HttpRequest) -> dict[str, Any]:
    try:
        data = json_loads_bounded(request.body or b"{}")
    except JSONTooDeep as too_deep:
        raise PasskeyRejected("non_field_errors", str(too_deep)) from None
    except (ValueError, UnicodeDecodeError):
        raise PasskeyRejected("non_field_errors", "The request was not JSON.") from None
    if not isinstance(data, dict):
        raise PasskeyRejected("non_field_errors", "The request was not a JSON object.")
    return data


def _options(json_text: str) -> HttpResponse:
    return HttpResponse(json_text, content_type="application/json")


def _rejected(rejected: PasskeyRejected, status: int = 400) -> JsonResponse:
    return JsonResponse(rejected.as_errors(), status=status)


def _rejection_answered(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A ceremony step that raises PasskeyRejected answers 400 with the field and its message."""

    @wraps(view)
    def answered(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except PasskeyRejected as rejected:
            return _rejected(rejected)

    return answered


def _refused(message: str, *, status: int) -> JsonResponse:
    return JsonResponse({"non_field_errors": [message]}, status=status)


class PasskeySignupForm(forms.Form):
    username = forms.CharField(max_length=300, required=False)
    email = forms.EmailField(
        required=False,
        error_messages={
            "invalid": "This does not look like an email address (name@example.org), or leave it empty."
        },
    )
    time_zone = TimeZoneField(required=False, max_length=64)

    def clean_username(self) -> str:
        name = check_username(self.cleaned_data.get("username", ""))
        if get_user_model().objects.filter(username__iexact=name).exists():
            raise forms.ValidationError("That username is taken: add a letter or a number, e.g. Maria K2.")
        return name


@require_POST
@_rejection_answered
def signup_options(request: HttpRequest) -> HttpResponse:
    """Step 1 of "Create account with a passkey": the name is checked before the browser asks."""
    if request.user.is_authenticated:
        return _refused("You are signed in already.", status=400)
    form = PasskeySignupForm(_body(request))
    if not form.is_valid():
        return JsonResponse({name: list(errors) for name, errors in form.errors.items()}, status=400)
    data = form.cleaned_data
    return _options(
        registration_options(
            request=request,
            purpose=PURPOSE_SIGNUP,
            username=data["username"],
            signup={
                "username": data["username"],
                "email": data["email"],
                "time_zone": data["time_zone"] or "UTC",
            },
        )
    )


def _registration_checked(
    request: HttpRequest, *, purpose: str
) -> tuple[dict[str, Any], dict[str, Any], Any]:
    """The request body, the pending ceremony and the verified new key; PasskeyRejected otherwise."""
    body = _body(request)
    pending, verified = registration_verify(
        request=request, purpose=purpose, credential=body.get("credential")
    )
    return body, pending, verified


@require_POST
@_rejection_answered
def signup_verify(request: HttpRequest) -> JsonResponse:
    """Step 2: the new passkey is checked, then the account is made with it and no password."""
    body, pending, verified = _registration_checked(request, purpose=PURPOSE_SIGNUP)
    if signup_limited(request):
        return _refused("Too many sign-ups from this network. Please try again in an hour.", status=429)
    signup = pending["signup"]
    try:
        with transaction.atomic():
            user = user_create(username=signup["username"], password=None, time_zone=signup["time_zone"])
            passkey_store(user=user, pending=pending, verified=verified, name=body.get("name") or "")
    except IntegrityError:
        return JsonResponse(
            {"username": ["That username was taken a moment ago: choose another and try again."]}, status=400
        )
    login(request, user, backend=BACKEND)
    if signup["email"]:
        email_confirmation_send(user=user, email=signup["email"], request=request)
        messages.info(request, f"We sent a confirmation link to {signup['email']}.")
    return JsonResponse({"redirect": "/"})


@require_POST
def login_options(request: HttpRequest) -> HttpResponse:
    return _options(authentication_options(request=request))


@require_POST
@_rejection_answered
def login_verify(request: HttpRequest) -> JsonResponse:
    if passkey_signin_limited(request):
        return _refused("Too many passkey sign-ins from this network. Wait ten minutes.", status=429)
    user = authentication_verify(request=request, credential=_body(request).get("credential"))
    login(request, user, backend=BACKEND)
    target = request.GET.get("next", "")
    return JsonResponse(
        {"redirect": target if target.startswith("/") and not target.startswith("//") else "/"}
    )


@login_required
@require_POST
def register_options(request: HttpRequest) -> HttpResponse:
    return _options(
        registration_options(
            request=request, purpose=PURPOSE_REGISTER, username=request.user.get_username(), user=request.user
        )
    )


@login_required
@require_POST
@_rejection_answered
def register_verify(request: HttpRequest) -> JsonResponse:
    body, pending, verified = _registration_checked(request, purpose=PURPOSE_REGISTER)
    passkey = passkey_store(
        user=request.user, pending=pending, verified=verified, name=body.get("name") or ""
    )
    messages.success(request, f"Passkey “{passkey.name}” added: you can sign in with it.")
    return JsonResponse({"id": passkey.pk, "name": passkey.name})


NO_SUCH_PASSKEY = "No such passkey among yours."
PASSKEY_REMOVED = SettingsOutcome(
    "passkeys", done="Passkey removed: it can no longer sign in to this account.", missing=NO_SUCH_PASSKEY
)


@login_required
@require_POST
def rename(request: HttpRequest, passkey_id: int) -> HttpResponse:
    passkey = passkey_rename(user=request.user, passkey_id=passkey_id, name=request.POST.get("name", ""))
    if passkey is None:
        raise Http404(NO_SUCH_PASSKEY)
    return back_to_settings(request, section="passkeys", success=f"Passkey renamed to “{passkey.name}”.")


@login_required
@require_POST
def remove(request: HttpRequest, passkey_id: int) -> HttpResponse:
    try:
        removed = passkey_remove(user=request.user, passkey_id=passkey_id)
    except LastWayIn:
        messages.error(request, "This is your only way to sign in. Set a password first, then remove it.")
        return redirect("/settings/#passkeys")
    return owned_action_done(request, found=removed, outcome=PASSKEY_REMOVED)


@login_required
@never_cache
def password_set(request: HttpRequest) -> HttpResponse:
    """A password for an account made with a passkey, as a fallback (the change form needs an old one)."""
    if request.user.has_usable_password():
        return redirect("password_change")
    form = SetPasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        update_session_auth_hash(request, form.user)
        session_record(user=form.user, request=request)
        messages.success(request, "Password set: you can sign in with it as well as with your passkey.")
        return redirect("/settings/#passkeys")
    return render(request, "accounts/password_set.html", {"form": form}, status=400 if form.errors else 200)
