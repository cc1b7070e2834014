"""Shared fixtures: users, API clients, and the service rules of tests/services.py."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from itertools import count

import pytest
from rest_framework.test import APIClient

from tests.services import REQUIRE_SERVICES, chromium_available, redis_url, tcp_reachable

pytest_plugins = ["tests.browser_harness", "tests.engines"]

# The local fake push service (tests/reminders/fakepush.py) listens on 127.0.0.1: the test
# settings add exactly that address to the push hosts. Set in the environment too, so Celery
# workers and servers that tests start as subprocesses read the same rule.
FAKE_PUSH_HOST = "127.0.0.1"
_PUSH_HOSTS = [
    "fcm.googleapis.com",
    "updates.push.services.mozilla.com",
    "*.push.apple.com",
    "*.notify.windows.com",
]
os.environ.setdefault("PUSH_SERVICE_HOSTS", ",".join([*_PUSH_HOSTS, FAKE_PUSH_HOST]))
os.environ.setdefault("PUSH_ALLOW_LOOPBACK", "1")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Each guide page's reading grade, in the run's summary: on the main process, where
    pytest-xdist hands back every test's recorded properties (a worker's own output is not shown)."""
    grades = {}
    for report in terminalreporter.getreports("passed") + terminalreporter.getreports("failed"):
        properties = dict(report.user_properties)
        if report.when == "call" and "flesch_kincaid_grade" in properties:
            url = report.nodeid.rsplit("[", 1)[-1].rstrip("]")
            grades[url] = (
                properties["flesch_kincaid_grade"],
                properties["flesch_kincaid_grade_run_together"],
            )
    if grades:
        terminalreporter.write_sep(
            "-", "Flesch-Kincaid grade by guide page (as read / with blocks run together)"
        )
        for url, (as_read, run_together) in sorted(grades.items()):
            terminalreporter.write_line(f"  {as_read:5.1f} {run_together:5.1f}  {url}")


def pytest_sessionstart(session: pytest.Session) -> None:
    """In CI every real service must be there: fail at once rather than skip later."""
    if not REQUIRE_SERVICES:
        return
    problems = []
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        problems.append("DATABASE_URL must point at PostgreSQL")
    elif not tcp_reachable(database_url, 5432):
        problems.append(f"PostgreSQL not reachable at {database_url}")
    if not redis_url() or not tcp_reachable(redis_url(), 6379):
        problems.append("Redis not reachable (REDIS_URL)")
    if not chromium_available():
        problems.append("Chromium not installed (/usr/bin/chromium)")
    if problems:
        pytest.exit("REQUIRE_SERVICES=1 but: " + "; ".join(problems), returncode=3)


@pytest.fixture(autouse=True)
def _celery_eager(settings: object) -> Iterator[None]:
    """Tasks run in-process unless a test starts a real worker (see tests/glute_pwa/test_celery.py)."""
    from glute_pwa.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture(scope="session")
def _session_vapid_keys() -> dict[str, str]:
    from reminders.vapid import generate_vapid_keys

    return generate_vapid_keys()


@pytest.fixture(autouse=True)
def vapid(
    settings: object, _session_vapid_keys: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, str]:
    """Every real run has VAPID keys (run.py makes them once, production sets them): so do tests."""
    settings.VAPID_PUBLIC_KEY = _session_vapid_keys["public_key"]
    settings.VAPID_PRIVATE_KEY = _session_vapid_keys["private_key"]
    # Never the developer's own var/vapid.json: a test that blanks the keys means "no keys".
    settings.VAPID_KEY_FILE = tmp_path_factory.getbasetemp() / "no-vapid-key-file.json"
    settings.VAPID_SUBJECT = "mailto:reminders@minimus.test"
    return _session_vapid_keys


_usernames = count(1)


@pytest.fixture
def make_user(db: None) -> Callable[..., object]:
    from accounts.services import user_create

    def make(username: str | None = None, *, password: str = "a-Long-pass-phrase-42", time_zone: str = "UTC"):
        name = username or f"user{next(_usernames)}"
        return user_create(username=name, password=password, time_zone=time_zone)

    return make


@pytest.fixture
def user(make_user: Callable[..., object]) -> object:
    return make_user("alice", time_zone="Europe/Berlin")


@pytest.fixture
def other_user(make_user: Callable[..., object]) -> object:
    return make_user("bob", time_zone="America/New_York")


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def user_client(user: object) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def other_client(other_user: object) -> APIClient:
    client = APIClient()
    client.force_login(other_user)
    return client


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    """Rate-limit counters live in the cache; each test starts with none (in-process cache only)."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    if isinstance(caches["default"], LocMemCache):
        caches["default"].clear()
    yield


@pytest.fixture(autouse=True)
def _fake_push_service_allowed(settings: object) -> None:
    settings.PUSH_SERVICE_HOSTS = [*_PUSH_HOSTS, FAKE_PUSH_HOST]
    settings.PUSH_ALLOW_LOOPBACK = True


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: object) -> None:
    """PBKDF2's million rounds make every sign-in take ~0.3 s; tests check behaviour, not hash strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1: a real refused connection


def forget_broker_connections() -> None:
    """Drop Celery's pools so the next send uses the broker URL configured now
    (kombu keeps pools per URL; nothing is closed)."""
    from glute_pwa.celery import app

    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def redis_down(monkeypatch: pytest.MonkeyPatch, settings: object) -> Iterator[None]:
    """Broker and cache both pointed at a Redis that is not there; tasks really sent, not eager."""
    from glute_pwa.celery import app

    monkeypatch.setitem(app.conf, "broker_url", DEAD_REDIS)
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    forget_broker_connections()
    yield
    forget_broker_connections()
