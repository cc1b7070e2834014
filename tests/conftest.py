"""Shared fixtures: users, API clients, and the service rules of tests/services.py."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from itertools import count

import pytest
from rest_framework.test import APIClient

from tests.services import REQUIRE_SERVICES, chromium_available, redis_url, tcp_reachable

pytest_plugins = ["tests.browser_harness"]


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
def _fast_password_hashing(settings: object) -> None:
    """PBKDF2's million rounds make every sign-in take ~0.3 s; tests check behaviour, not hash strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
