"""The project's URLs plus /bench/bare: a view doing nothing, the baseline for throughput."""

from django.http import HttpRequest, JsonResponse
from django.urls import include, path


def bare(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


urlpatterns = [
    path("bench/bare", bare),
    path("", include("glute_pwa.urls")),
]
