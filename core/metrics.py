"""Prometheus metrics: what each app counts, and the token-protected /metrics endpoint.

Built on prometheus-client. Events (requests, sync pushes, ticks) are counted
in the process where they happen; with ``METRICS_DIR`` set (one folder shared
by the gunicorn and Celery workers, each host in a subfolder; see settings)
the endpoint adds up every process's files. State (deliveries by status, queue
depth) is read when scraped, by collectors the apps register here, so it is
right whichever process answers.
"""

from __future__ import annotations

import hmac
import logging
import os
from collections.abc import Callable, Iterable
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import Metric

logger = logging.getLogger(__name__)

# Buckets from 5 ms to 10 s: a sync push or page is tens of milliseconds; a PDF report seconds.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUEST_LATENCY = Histogram(
    "minimus_http_request_duration_seconds",
    "Time to answer a request, by route pattern and method.",
    ["method", "route"],
    buckets=LATENCY_BUCKETS,
)
RESPONSES = Counter(
    "minimus_http_responses",
    "Responses by route pattern, method and status code.",
    ["method", "route", "status"],
)


def observe_request(*, method: str, route: str, status: int, seconds: float) -> None:
    REQUEST_LATENCY.labels(method=method, route=route).observe(seconds)
    RESPONSES.labels(method=method, route=route, status=str(status)).inc()


class StateCollector:
    """A collector made of a function that yields metric families when scraped."""

    def __init__(self, collect: Callable[[], Iterable[Metric]]) -> None:
        self._collect = collect

    def collect(self) -> Iterable[Metric]:
        try:
            yield from self._collect()
        except Exception:
            logger.exception("metrics collector %s failed", getattr(self._collect, "__name__", "?"))


_state_collectors: list[StateCollector] = []


def register_state_collector(collect: Callable[[], Iterable[Metric]]) -> None:
    """Read some state when scraped (called from an app's ``ready``); registered once per function."""
    if all(c._collect is not collect for c in _state_collectors):
        _state_collectors.append(StateCollector(collect))


class SharedFolderCollector:
    """Every process's counters under METRICS_DIR/<host>/, added up (prometheus-client's multiprocess
    mode, over the folders of every host sharing the volume rather than one)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def collect(self) -> Iterable[Metric]:
        files = sorted(str(path) for path in self.root.glob("*/*.db"))
        return multiprocess.MultiProcessCollector.merge(files, accumulate=True)


def scrape() -> bytes:
    """The metrics text: this process's (or every process's, with METRICS_DIR) plus state."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        registry.register(SharedFolderCollector(Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).parent))
        text = generate_latest(registry)
    else:
        text = generate_latest(REGISTRY)
    state = CollectorRegistry()
    for collector in _state_collectors:
        state.register(collector)
    return text + generate_latest(state)


def _token_matches(request: HttpRequest) -> bool:
    expected = settings.METRICS_TOKEN
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), expected.encode())


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """GET /metrics with ``Authorization: Bearer <METRICS_TOKEN>``; 404 while no token is set."""
    if not settings.METRICS_TOKEN:
        raise Http404
    if request.method != "GET":
        return HttpResponse(status=405, headers={"Allow": "GET"})
    if not _token_matches(request):
        return HttpResponse(status=401, headers={"WWW-Authenticate": 'Bearer realm="metrics"'})
    return HttpResponse(scrape(), content_type=CONTENT_TYPE_LATEST)
