from __future__ import annotations

import sys
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import ensure_csrf_cookie

from accounts.selectors import profile_get
from accounts.timezones import available_time_zones
from core.database_outage import database_unavailable_response, is_database_outage
from reminders.selectors import next_reminder_at, receiving_device_count


@ensure_csrf_cookie  # "same as last time" on home writes and syncs (CSRF-checked API)
def home(request: HttpRequest) -> HttpResponse:
    context = {}
    if request.user.is_authenticated:
        next_at = next_reminder_at(user=request.user)
        if next_at is not None:
            # Shown in the user's own zone: that is the zone reminders fire in.
            time_zone = profile_get(user=request.user).time_zone
            context["next_reminder"] = next_at.astimezone(ZoneInfo(time_zone))
            context["reminder_time_zone"] = time_zone
            context["reminder_without_device"] = receiving_device_count(user=request.user) == 0
    return render(request, "frontend/home.html", context)


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "frontend/settings.html",
        {
            "profile": profile_get(user=request.user),
            "time_zones": sorted(available_time_zones()),
            "settings_sections": settings.MINIMUS_SETTINGS_SECTIONS,
        },
    )


def offline(request: HttpRequest) -> HttpResponse:
    return render(request, "frontend/offline.html")


def _api_error(request: HttpRequest, status: int, detail: str) -> HttpResponse | None:
    """API clients get JSON for an error outside any API view (an unknown /api/ address)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": detail}, status=status)
    return None


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _api_error(request, 404, "Not found.") or render(
        request, "404.html", {"error_title": "Page not found"}, status=404
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _api_error(request, 403, "You do not have permission to perform this action.") or render(
        request, "403.html", {"error_title": "Not open to you"}, status=403
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: the app's own page instead of Django's debugging one."""
    return _api_error(request, 403, "CSRF check failed: reload the page and try again.") or render(
        request, "403_csrf.html", {"error_title": "Please send that again"}, status=403
    )


def server_error(request: HttpRequest) -> HttpResponse:
    # A lost database outside a view (a middleware's query) is a 503 too, as inside one.
    if is_database_outage(sys.exc_info()[1]):
        return database_unavailable_response(request)
    # No context processors and no database: they may be what failed.
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Server error."}, status=500)
    return HttpResponse(loader.get_template("500.html").render(), status=500)
