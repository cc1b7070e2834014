"""The offline journey in WebKit and Firefox, as tests/journal/test_offline_browser.py runs it
in Chromium: sign up, log pain offline, reload offline and still see it, go online, and the
server holds that one entry exactly once."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.browser_harness import ARTIFACTS
from tests.engines import EnginePage
from tests.journal.journal_browser import PASSWORD, pain_rows

pytestmark = [pytest.mark.browser, pytest.mark.engines, pytest.mark.django_db(transaction=True)]

OFFLINE_READY_JS = (
    "return Boolean(navigator.serviceWorker && navigator.serviceWorker.controller)"
    " && document.documentElement.dataset.offlineReady === 'true'"
)
STATUS = "#sync-status"
HISTORY_ENTRIES = "[data-history-list] li.entry"


def sign_up(page: EnginePage, username: str) -> None:
    page.goto("/accounts/signup/")
    page.fill("#id_username", username)
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.tap(page.xpath("//button[normalize-space()='Create account']"))
    page.wait("return location.pathname === '/'", what="Home after sign-up")


def log_pain_offline(page: EnginePage, place: str, posture: str, intensity: int) -> None:
    page.tap(page.css(f'button.zone-button[aria-label="{place}"]'))
    page.tap(
        page.xpath(f"//*[@data-posture]//label[contains(@class,'chip')][span[normalize-space()='{posture}']]")
    )
    page.tap(page.css(f'button[name="intensity"][value="{intensity}"]'))
    page.wait(
        "const saved = document.querySelector('[data-pain-saved]');"
        "return saved && !saved.hidden && saved.textContent.includes('Saved')",
        what="the saved confirmation",
    )


def history_entries(page: EnginePage) -> list[str]:
    return page.js(
        "return [...document.querySelectorAll(arguments[0])]"
        ".map((entry) => entry.textContent.replace(/\\s+/g, ' ').trim())",
        HISTORY_ENTRIES,
    )


def held_locks(page: EnginePage) -> str:
    return page.js_async(
        "const done = arguments[arguments.length - 1];"
        "navigator.locks.query().then((state) => done(JSON.stringify(state)), (e) => done(String(e)))"
    )


def journal_databases(page: EnginePage) -> str:
    """The origin's IndexedDB databases and versions (an unfinished first upgrade shows here)."""
    return page.js_async(
        "const done = arguments[arguments.length - 1];"
        "indexedDB.databases().then((list) => done(JSON.stringify(list)), (e) => done(String(e)))"
    )


def sync_requests(page: EnginePage) -> list[Any]:
    """The page's /api/ requests: start and duration (ms), status (0 while unanswered)."""
    return page.js(
        "return performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/'))"
        ".map((e) => [e.name, Math.round(e.startTime), Math.round(e.duration), e.responseStatus || 0])"
    )


def journey(page: EnginePage, username: str) -> dict[str, float]:
    timings: dict[str, float] = {}
    started = time.monotonic()
    sign_up(page, username)
    # Home can load while the first worker is still installing and then stay uncontrolled
    # (seen in Firefox): the journal is opened once the worker is active, so that page is
    # controlled and asks the worker to cache the signed-in pages.
    page.js_async("navigator.serviceWorker.ready.then(() => arguments[0](true))")
    page.goto("/journal/#log")
    page.wait(
        OFFLINE_READY_JS, what="the service worker controlling the journal with the pages cached", timeout=30
    )
    page.attached("#pain-form[data-ready]")
    try:
        page.wait_text(STATUS, "Synced", timeout=20)
    except AssertionError as error:
        # Seen once in WebKit in about ten runs: the first sync on the journal never ends.
        # Say what holds it: the sync lock, or a request that never returned.
        raise AssertionError(
            f"{error}; locks: {held_locks(page)}; sync requests: {sync_requests(page)}"
        ) from None
    timings["online part"] = time.monotonic() - started

    page.set_offline(True)
    log_pain_offline(page, "outer thigh, right", "Sitting", 5)
    page.wait(
        "return document.querySelector(arguments[0]).textContent.includes('1 change not yet synced')",
        STATUS,
        what="one change waiting",
    )
    assert pain_rows(username) == []

    page.reload()  # no network: the service worker serves the page, IndexedDB the entry
    page.attached("#pain-form[data-ready]")
    page.tap(page.xpath("//a[@data-view-link='history']"))
    page.wait(
        "return document.querySelectorAll(arguments[0]).length === 1", HISTORY_ENTRIES, what="the entry"
    )
    [entry] = history_entries(page)
    assert "Right outer thigh, sitting" in entry
    assert "not yet synced" in entry
    page.screenshot(ARTIFACTS / f"engines-journey-offline-history-{page.engine}.png")
    assert pain_rows(username) == []

    page.set_offline(False)
    back_online = time.monotonic()
    page.wait_text(STATUS, "Synced", timeout=20)
    timings["offline to synced"] = time.monotonic() - back_online
    page.wait(
        "return !document.querySelector(arguments[0]).textContent.includes('not yet synced')",
        HISTORY_ENTRIES,
        what="the entry marked synced",
    )
    rows = pain_rows(username)
    assert [(r["zone"], r["side"], r["posture"], r["intensity"]) for r in rows] == [
        ("outer_thigh", "right", "sitting", 5)
    ]
    timings["journey"] = time.monotonic() - started
    return timings


def test_webkit_logs_offline_keeps_the_entry_over_a_reload_and_syncs_it_once(webkit_page, record_property):
    for name, seconds in journey(webkit_page, "webkit-walker").items():
        record_property(name, round(seconds, 2))


def test_firefox_logs_offline_keeps_the_entry_over_a_reload_and_syncs_it_once(firefox_page, record_property):
    for name, seconds in journey(firefox_page, "firefox-walker").items():
        record_property(name, round(seconds, 2))
