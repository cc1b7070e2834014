from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from rest_framework.exceptions import ValidationError

from accounts.email import ConfirmResult, email_confirm, email_confirmation_send, email_remove
from accounts.export import ImportRejected, import_from_dict
from accounts.forms import AccountDeleteForm, EmailForm, ImportForm, SignInForm, SignupForm, TimeZoneForm
from accounts.limits import login_limited, signup_limited
from accounts.security import auth_version_bump
from accounts.serializers import read_import_upload
from accounts.services import profile_update, token_revoke, token_rotate, user_create, user_delete
from accounts.sessions import session_delete, session_record, sessions_delete
from core.settings_actions import SettingsOutcome, back_to_settings, owned_action_view


class RateLimitedLoginView(auth_views.LoginView):
    """Django's sign-in form, with a cap on attempts per client IP across all usernames.

    django-axes locks out one (username, IP) pair; trying one password on many
    accounts from one address is stopped here.
    """

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if login_limited(request):
            form = self.get_form()
            # Not validated: validating would try the password, which is what is being refused.
            form._errors, form.cleaned_data = ErrorDict(), {}
            form.add_error(None, "Too many sign-in attempts from this network. Please wait 15 minutes.")
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST":
        if signup_limited(request):
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
            if form.cleaned_data["email"]:
                email_confirmation_send(user=user, email=form.cleaned_data["email"], request=request)
                messages.info(request, f"We sent a confirmation link to {form.cleaned_data['email']}.")
            return redirect("home")
        form.keep_passwords_if_fine()
        return render(request, "registration/signup.html", {"form": form}, status=400)
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
        if request.user.has_usable_password():
            confirmed = authenticate(
                request, username=request.user.get_username(), password=form.cleaned_data["password"]
            )
        else:  # made with a passkey and no password: typing the username confirms
            typed = form.cleaned_data["password"].strip()
            confirmed = request.user if typed == request.user.get_username() else None
        if confirmed is not None and confirmed.pk == request.user.pk:
            user_id = request.user.pk
            user_delete(user=request.user)
            logout(request)
            # Rendered, not redirected: this answer to a POST is never cached, and its script
            # wipes the journal, cached pages and push subscription from this device.
            return render(request, "accounts/deleted.html", {"wipe_local_user": str(user_id)})
        form.add_error(
            "password",
            "Wrong password: nothing was deleted."
            if request.user.has_usable_password()
            else "That is not your username: nothing was deleted.",
        )
    return render(request, "accounts/delete.html", {"form": form})


@never_cache
def account_deleted(request: HttpRequest) -> HttpResponse:
    """Where a device lands after wiping a deleted account's journal."""
    return render(request, "accounts/deleted.html")


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


class PasswordChangeKeepingThisDevice(auth_views.PasswordChangeView):
    """A new password signs out every other device and revokes the API token
    (accounts/security.py); this device keeps its (new) session."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        session_record(user=self.request.user, request=self.request)
        return response


class SignIn(RateLimitedLoginView):
    authentication_form = SignInForm


@login_required
@require_POST
def email_change(request: HttpRequest) -> HttpResponse:
    form = EmailForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["email"][0])
        return redirect("/settings/#email")
    email = form.cleaned_data["email"]
    if email.lower() == request.user.email.lower():
        messages.info(request, f"{email} is already your confirmed address.")
    else:
        email_confirmation_send(user=request.user, email=email, request=request)
        messages.success(request, f"We sent a confirmation link to {email}. It is used once you open it.")
    return redirect("/settings/#email")


@login_required
@require_POST
def email_remove_view(request: HttpRequest) -> HttpResponse:
    email_remove(user=request.user)
    return back_to_settings(
        request, section="email", success="Email removed. A forgotten password can no longer be reset."
    )


@never_cache
def email_confirm_view(request: HttpRequest, token: str) -> HttpResponse:
    result = email_confirm(token=token)
    status = 200 if result in (ConfirmResult.CONFIRMED, ConfirmResult.ALREADY_CONFIRMED) else 400
    return render(request, "accounts/email_confirm.html", {"result": result.value}, status=status)


SESSION_SIGNED_OUT = SettingsOutcome(
    "devices",
    done="That device is signed out.",
    missing="No such device among yours: it may be signed out already.",
)


session_revoke = owned_action_view(session_delete, outcome=SESSION_SIGNED_OUT)


@login_required
@require_POST
def sign_out_elsewhere(request: HttpRequest) -> HttpResponse:
    """Every other session and the API token end; notification snooze links stop working."""
    ended = sessions_delete(user=request.user, keep_session_key=request.session.session_key)
    token_revoke(user=request.user)
    auth_version_bump(user_id=request.user.pk)
    return back_to_settings(
        request,
        section="devices",
        success=f"Signed out everywhere else ({ended} other browser session(s) and any API token).",
    )
