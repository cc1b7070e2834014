from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from rest_framework.exceptions import ValidationError

from accounts.export import ImportRejected, import_from_dict
from accounts.forms import AccountDeleteForm, ImportForm, SignupForm, TimeZoneForm
from accounts.serializers import read_import_upload
from accounts.services import profile_update, token_revoke, token_rotate, user_create, user_delete
from glute_pwa.clientip import client_ip
from glute_pwa.ratelimit import rate_limit_exceeded

SIGNUP_WINDOW_SECONDS = 3600


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST":
        if rate_limit_exceeded(
            scope="signup",
            key=client_ip(request) or "unknown",
            limit=settings.SIGNUP_RATE_LIMIT,
            window_seconds=SIGNUP_WINDOW_SECONDS,
        ):
            form.full_clean()
            form.add_error(None, "Too many sign-ups from this network. Please try again in an hour.")
            return render(request, "registration/signup.html", {"form": form}, status=429)
        if form.is_valid():
            user = user_create(
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
                time_zone=form.cleaned_data["time_zone"],
            )
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("home")
    return render(request, "registration/signup.html", {"form": form})


@login_required
@require_POST
def time_zone_update(request: HttpRequest) -> HttpResponse:
    form = TimeZoneForm(request.POST)
    if form.is_valid():
        profile_update(user=request.user, time_zone=form.cleaned_data["time_zone"])
        messages.success(request, f"Time zone set to {form.cleaned_data['time_zone']}.")
    else:
        messages.error(request, form.errors["time_zone"][0])
    return redirect("settings")


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/privacy.html")


@login_required
@require_POST
def data_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Choose the .json file Minimus gave you.")
        return redirect("/settings/#privacy")
    try:
        document = read_import_upload({"file": form.cleaned_data["file"]})
        counts = import_from_dict(user=request.user, document=document)
    except ValidationError as exc:
        messages.error(request, _first_message(exc.detail))
    except ImportRejected as rejected:
        messages.error(request, "Nothing was imported: " + _first_message(rejected.errors))
    else:
        changed = sum(counts.values())
        messages.success(request, f"Import finished: {changed} item(s) added or updated.")
    return redirect("/settings/#privacy")


@login_required
@never_cache
def account_delete(request: HttpRequest) -> HttpResponse:
    """Second step of deletion: the user types their password to confirm."""
    form = AccountDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        confirmed = authenticate(
            request, username=request.user.get_username(), password=form.cleaned_data["password"]
        )
        if confirmed is not None and confirmed.pk == request.user.pk:
            user_delete(user=request.user)
            logout(request)
            messages.success(request, "Your account and all your data have been deleted.")
            return redirect("home")
        form.add_error("password", "Wrong password: nothing was deleted.")
    return render(request, "accounts/delete.html", {"form": form})


@login_required
@require_POST
@never_cache
def api_token_create(request: HttpRequest) -> HttpResponse:
    # Shown once on this page, never stored in a message cookie.
    return render(request, "accounts/token.html", {"token": token_rotate(user=request.user)})


@login_required
@require_POST
def api_token_revoke(request: HttpRequest) -> HttpResponse:
    if token_revoke(user=request.user):
        messages.success(request, "API token revoked: apps using it are signed out.")
    return redirect("/settings/#privacy")


def _first_message(errors: object) -> str:
    """The first human message in a nested DRF error structure."""
    while isinstance(errors, dict | list) and errors:
        errors = next(iter(errors.values())) if isinstance(errors, dict) else errors[0]
    return str(errors) if errors else "the file could not be read."
