"""The project's URLs plus two baselines for the throughput benchmark.

- /bench/bare: a view doing nothing (what the server and middleware cost).
- /bench/fair: the least a log-entry write can do: look up the token, parse the
  JSON, INSERT the row and COMMIT, with the same middleware; what the API adds
  over it (validation, the version counter and its lock, the answer) is the
  ratio the benchmark reports.
"""

import json
import secrets
import uuid

from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt


def bare(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


@csrf_exempt
def fair(request: HttpRequest) -> HttpResponse:
    key = request.headers.get("Authorization", "").removeprefix("Token ")
    with connection.cursor() as cursor:
        cursor.execute("SELECT user_id FROM authtoken_token WHERE key = %s", [key])
        row = cursor.fetchone()
    if row is None:
        return HttpResponse(status=401)
    entry = json.loads(request.body)
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO journal_painentry (id, user_id, occurred_at, time_zone, note, version, deleted, "
            "created_at, updated_at, zone, side, posture, intensity) "
            "VALUES (%s, %s, %s, %s, %s, %s, false, %s, %s, %s, %s, %s, %s)",
            [
                uuid.UUID(entry["id"]),
                row[0],
                entry["occurred_at"],
                entry["time_zone"],
                entry["note"],
                # A unique (user, version) pair without a counter: this baseline keeps none.
                secrets.randbits(62),
                now,
                now,
                entry["zone"],
                entry["side"],
                entry["posture"],
                entry["intensity"],
            ],
        )
    return JsonResponse(entry, status=201)


urlpatterns = [
    path("bench/bare", bare),
    path("bench/fair", fair),
    path("", include("glute_pwa.urls")),
]
