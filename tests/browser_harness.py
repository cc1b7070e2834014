"""Playwright fixtures: a real headless Chromium (Debian's) against the live server.

Usage: request ``page`` (a fresh context per test, 360x740, console errors
collected in ``page.console_errors``) and ``live_server``; sign in with
``login(context, user)`` or through the sign-up form. ``persistent_context``
gives a non-incognito profile for installability and service worker checks.
Screenshots go to ``artifacts/`` (ignored by git) for people to look at.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.services import CHROMIUM_ARGS, CHROMIUM_PATH, chromium_available, need

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
PHONE_VIEWPORT = {"width": 360, "height": 740}


class _InFlight:
    """Requests the live server is still handling (its thread), counted by Django's signals."""

    def __init__(self) -> None:
        self.changed = threading.Condition()
        self.count = 0

    def started(self, **_: Any) -> None:
        with self.changed:
            self.count += 1

    def finished(self, **_: Any) -> None:
        with self.changed:
            self.count -= 1
            self.changed.notify_all()

    def wait_until_idle(self, timeout: float) -> None:
        with self.changed:
            self.changed.wait_for(lambda: self.count <= 0, timeout=timeout)


@pytest.fixture(autouse=True)
def _drain_live_server(request: pytest.FixtureRequest) -> Iterator[None]:
    """After a browser test, wait for requests its pages left in flight (a background sync
    pull, say) before the database is flushed: the flush's TRUNCATE would otherwise
    deadlock with that request's transaction. Set up after live_server, so torn down
    before it, and after every page and context the test opened is closed."""
    if request.node.get_closest_marker("browser") is None:
        yield
        return
    from django.core.signals import request_finished, request_started

    request.getfixturevalue("live_server")
    in_flight = _InFlight()
    request_started.connect(in_flight.started, weak=False)
    request_finished.connect(in_flight.finished, weak=False)
    yield
    in_flight.wait_until_idle(timeout=10)
    request_started.disconnect(in_flight.started)
    request_finished.disconnect(in_flight.finished)


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Any]:
    need(chromium_available(), "Chromium (/usr/bin/chromium)")
    # Playwright's sync API runs an event loop in this thread; Django refuses ORM
    # calls there unless told otherwise (playwright-pytest #29).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    manager = sync_playwright()
    playwright = manager.start()
    yield playwright
    playwright.stop()


@pytest.fixture(scope="session")
def browser(playwright_instance: Any) -> Iterator[Any]:
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS, headless=True
    )
    yield browser
    browser.close()


def _watch_console(page: Any) -> Any:
    page.console_errors = []
    page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))
    page.on("pageerror", lambda exc: page.console_errors.append(str(exc)))
    return page


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=PHONE_VIEWPORT, service_workers="allow")
    context.set_default_timeout(15_000)
    context.on("page", _watch_console)
    yield context
    context.close()


@pytest.fixture
def page(context: Any) -> Any:
    return context.new_page()


@pytest.fixture
def persistent_context(playwright_instance: Any) -> Iterator[Callable[..., Any]]:
    """Factory for a persistent (non-incognito) Chromium profile in a fresh temp folder."""
    opened: list[Any] = []
    folders: list[tempfile.TemporaryDirectory[str]] = []

    def open_context(**kwargs: Any) -> Any:
        folder = tempfile.TemporaryDirectory(prefix="minimus-profile-")
        folders.append(folder)
        context = playwright_instance.chromium.launch_persistent_context(
            folder.name,
            executable_path=CHROMIUM_PATH,
            args=CHROMIUM_ARGS,
            headless=True,
            viewport=PHONE_VIEWPORT,
            **kwargs,
        )
        context.set_default_timeout(15_000)
        context.on("page", _watch_console)
        opened.append(context)
        return context

    yield open_context
    for context in opened:
        context.close()
    for folder in folders:
        folder.cleanup()


@pytest.fixture
def login(live_server: Any) -> Callable[[Any, Any], None]:
    """Sign ``user`` in to a browser context by giving it a real session cookie."""
    from django.conf import settings
    from django.test import Client

    def sign_in(context: Any, user: Any) -> None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
        )

    return sign_in


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[[Any, str], Path]:
    def take(page: Any, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
