from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import ensure_csrf_cookie

from accounts.selectors import profile_get
from core.settings_actions import SettingsOutcome, owned_action_view
from guide.pages import RED_FLAGS_URL
from journal.devices import sync_client_revoke
from journal.trends.rules import trends_vocabulary


def _signed_out(request: HttpRequest, *, what: str, title: str) -> HttpResponse:
    """What the page does and a way in, instead of a bare sign-in form."""
    return render(request, "journal/signed_out.html", {"what": what, "page_title": title})


@ensure_csrf_cookie  # the page's scripts push to /api/sync/push, which checks the CSRF token
def journal_page(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return _signed_out(request, what="log", title="Pain journal")
    return render(request, "journal/journal.html")


def trends_page(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return _signed_out(request, what="trends", title="Trends")
    # The page computes its charts in the browser from IndexedDB (works offline).
    # The profile's zone decides "today" offline as on the server (docs/decisions.md, Trends).
    time_zone = profile_get(user=request.user).time_zone
    return render(
        request,
        "journal/trends.html",
        {"vocabulary": {**trends_vocabulary(), "time_zone": time_zone}, "red_flags_url": RED_FLAGS_URL},
    )


SYNC_CLIENT_REVOKED = SettingsOutcome(
    "devices",
    done="Sync client revoked: it starts over with a new sync id, keeping its unsent entries.",
    missing="No such sync client among yours.",
)


sync_client_revoke_view = owned_action_view(sync_client_revoke, outcome=SYNC_CLIENT_REVOKED)
