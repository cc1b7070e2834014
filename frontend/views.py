from __future__ import annotations

from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import ensure_csrf_cookie

from accounts.services import profile_get
from accounts.timezones import available_time_zones
from reminders.selectors import next_reminder_at

# Templates other apps contribute to the settings page, in order.
SETTINGS_SECTIONS: list[str] = [
    "reminders/settings_section.html",
    "frontend/settings_storage.html",
    "accounts/privacy_section.html",
]


@ensure_csrf_cookie  # "same as last time" on home writes and syncs (CSRF-checked API)
def home(request: HttpRequest) -> HttpResponse:
    context = {}
    if request.user.is_authenticated:
        next_at = next_reminder_at(user=request.user)
        if next_at is not None:
            # Shown in the user's own zone: that is the zone reminders fire in.
            context["next_reminder"] = next_at.astimezone(ZoneInfo(profile_get(user=request.user).time_zone))
    return render(request, "frontend/home.html", context)


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "frontend/settings.html",
        {
            "profile": profile_get(user=request.user),
            "time_zones": sorted(available_time_zones()),
            "settings_sections": SETTINGS_SECTIONS,
        },
    )


def offline(request: HttpRequest) -> HttpResponse:
    return render(request, "frontend/offline.html")
