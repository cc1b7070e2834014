from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.services import profile_get
from accounts.timezones import available_time_zones

# Templates other apps contribute to the settings page, in order.
SETTINGS_SECTIONS: list[str] = [
    "frontend/settings_storage.html",
    "reminders/settings_section.html",
    # "accounts/privacy_section.html", ...
]


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "frontend/home.html")


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
