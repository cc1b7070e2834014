"""/metrics as a Prometheus server scrapes it: closed without the token, counters that move."""

from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.journal.helpers import Device, pain_payload

pytestmark = pytest.mark.django_db
TOKEN = "scrape-secret-0123456789"


@pytest.fixture
def metrics_on(settings):
    settings.METRICS_TOKEN = TOKEN


def scrape(client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_without_a_configured_token_the_endpoint_does_not_exist(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


def test_a_missing_or_wrong_token_is_refused_and_shows_nothing(client, metrics_on):
    for headers in ({}, {"HTTP_AUTHORIZATION": "Bearer wrong"}, {"HTTP_AUTHORIZATION": f"Basic {TOKEN}"}):
        response = client.get("/metrics", **headers)
        assert response.status_code == 401
        assert b"minimus_" not in response.content
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_signed_in_user_without_the_token_is_refused(user_client, metrics_on):
    assert user_client.get("/metrics").status_code == 401


def test_only_get_is_answered(client, metrics_on):
    response = client.post("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 405


def test_request_latency_and_responses_are_counted_by_route_pattern(user_client, client, metrics_on):
    before = scrape(client)
    assert user_client.post("/api/entries/", pain_payload(), format="json").status_code == 201
    assert user_client.post("/api/entries/", {"intensity": 99}, format="json").status_code == 400
    after = scrape(client)
    route = {"method": "POST", "route": "api/entries/"}
    created = "minimus_http_responses_total"
    assert value(after, created, **route, status="201") - value(before, created, **route, status="201") == 1
    assert value(after, created, **route, status="400") - value(before, created, **route, status="400") == 1
    count = "minimus_http_request_duration_seconds_count"
    assert value(after, count, **route) - value(before, count, **route) == 2


def test_sync_pushes_pulls_and_rejected_mutations_are_counted(user_client, client, metrics_on):
    phone = Device(user_client)
    before = scrape(client)
    response = phone.push(
        phone.mutation("upsert", pain_payload()), phone.mutation("upsert", pain_payload(side="x"))
    )
    assert response.status_code == 200
    assert [r["code"] for r in response.json()["rejected"]] == ["invalid"]
    phone.pull()
    phone.pull()
    after = scrape(client)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("minimus_sync_pushes_total", outcome="ok") == 1
    assert moved("minimus_sync_mutations_total") == 2
    assert moved("minimus_sync_rejected_mutations_total", code="invalid") == 1
    assert moved("minimus_sync_pulls_total", kind="initial", outcome="ok") == 1
    assert moved("minimus_sync_pulls_total", kind="incremental", outcome="ok") == 1
    assert moved("minimus_sync_pulled_changes_total") == 1


def test_deliveries_by_status_and_queue_depth_are_read_when_scraped(user, client, metrics_on):
    from django.utils import timezone

    from reminders.models import Delivery

    now = timezone.now()
    for n, status in enumerate(["sent", "sent", "failed"]):
        Delivery.objects.create(
            user=user,
            kind=Delivery.Kind.TEST,
            occurrence_key=f"t:{n}",
            fire_at=now,
            deadline=now,
            status=status,
        )
    samples = scrape(client)
    assert value(samples, "minimus_deliveries", status="sent") == 2
    assert value(samples, "minimus_deliveries", status="failed") == 1
    assert value(samples, "minimus_deliveries", status="pending") == 0
    assert ("minimus_task_queue_depth", (("queue", "celery"),)) in samples


def test_each_tick_is_timed(client, metrics_on):
    from reminders.tasks import tick

    before = value(scrape(client), "minimus_reminder_tick_duration_seconds_count")
    tick.delay()
    tick.delay()
    assert value(scrape(client), "minimus_reminder_tick_duration_seconds_count") - before == 2


HIT_HEALTHZ = (
    "import django; django.setup(); from django.test import Client; c = Client(HTTP_HOST='localhost'); "
    "[c.get('/healthz') for _ in range(3)]"
)
SCRAPE = "import django; django.setup(); from core.metrics import scrape; print(scrape().decode())"


def test_with_a_metrics_dir_the_counts_of_every_process_are_added_up(tmp_path):
    """gunicorn's workers (and Celery's) are separate processes: one scrape must see them all."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "METRICS_DIR": str(tmp_path / "metrics"), "MINIMUS_DATA_DIR": str(tmp_path / "data")}
    env.setdefault("SECRET_KEY", "metrics-test-" + "k" * 40)
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)

    def run(code: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    run(HIT_HEALTHZ)
    run(HIT_HEALTHZ)
    samples = {}
    for family in text_string_to_metric_families(run(SCRAPE)):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    healthz = {"method": "GET", "route": "healthz"}
    assert value(samples, "minimus_http_request_duration_seconds_count", **healthz) == 6
    assert len(list((tmp_path / "metrics").iterdir())) == 1, "one folder for this host"
