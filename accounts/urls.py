from collections.abc import Callable

from django.http import HttpResponse
from django.urls import URLPattern, include, path

from accounts import passkey_views, views


def _passkey_ceremony(
    ceremony: str, options: Callable[..., HttpResponse], verify: Callable[..., HttpResponse]
) -> list[URLPattern]:
    """Each passkey ceremony is two JSON steps: the server's options, then the browser's answer checked."""
    return [
        path(f"passkeys/{ceremony}/options/", options, name=f"passkey-{ceremony}-options"),
        path(f"passkeys/{ceremony}/verify/", verify, name=f"passkey-{ceremony}-verify"),
    ]


urlpatterns = [
    # Before django.contrib.auth.urls: the sign-in form with its per-IP limit.
    path("login/", views.SignIn.as_view(), name="login"),
    path("signup/", views.signup, name="signup"),
    path("time-zone/", views.time_zone_update, name="time-zone-update"),
    path("import/", views.data_import, name="data-import"),
    path("delete/", views.account_delete, name="account-delete"),
    path("deleted/", views.account_deleted, name="account-deleted"),
    path("api-token/", views.api_token_create, name="api-token-create"),
    path("api-token/revoke/", views.api_token_revoke, name="api-token-revoke"),
    path("email/", views.email_change, name="email-change"),
    path("email/remove/", views.email_remove_view, name="email-remove"),
    path("email/confirm/<str:token>/", views.email_confirm_view, name="email-confirm"),
    *_passkey_ceremony("signup", passkey_views.signup_options, passkey_views.signup_verify),
    *_passkey_ceremony("login", passkey_views.login_options, passkey_views.login_verify),
    *_passkey_ceremony("register", passkey_views.register_options, passkey_views.register_verify),
    path("passkeys/<int:passkey_id>/rename/", passkey_views.rename, name="passkey-rename"),
    path("passkeys/<int:passkey_id>/remove/", passkey_views.remove, name="passkey-remove"),
    path("password/set/", passkey_views.password_set, name="password-set"),
    path("devices/<int:record_id>/sign-out/", views.session_revoke, name="session-revoke"),
    path("devices/sign-out-elsewhere/", views.sign_out_elsewhere, name="sign-out-elsewhere"),
    path("password_change/", views.PasswordChangeKeepingThisDevice.as_view(), name="password_change"),
    path("", include("django.contrib.auth.urls")),
]
