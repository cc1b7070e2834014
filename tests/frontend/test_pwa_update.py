"""A deploy gives a new service worker: it waits, the page offers "Update", a tap applies it."""

from __future__ import annotations

import pytest

from tests.frontend.pwa_helpers import cached_urls, wait_until_offline_ready, worker_version

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WAITING_WORKER_INSTALLED = """async () => {
  const registration = await navigator.serviceWorker.getRegistration();
  return Boolean(registration && registration.waiting && registration.waiting.state === "installed");
}"""


def test_new_version_waits_for_a_tap_and_keeps_what_the_user_was_typing(
    page, context, login, live_server, user, settings, screenshot
):
    settings.MINIMUS_SW_VERSION = "deploy-1"
    login(context, user)
    page.goto(live_server.url + "/settings/")
    wait_until_offline_ready(page)
    first_version = worker_version(page)
    banner = page.locator("#app-banner")
    assert banner.is_hidden()

    # A deploy: the live server runs in this process, so the worker script changes at once.
    settings.MINIMUS_SW_VERSION = "deploy-2"
    page.reload()
    page.get_by_role("combobox", name="Time zone").fill("Asia/Tokyo")  # typed, not saved
    page.evaluate("() => { window.stillTheSamePage = true; }")
    update = banner.get_by_role("button", name="Update")
    update.wait_for()
    assert "A new version is ready" in banner.inner_text()
    screenshot(page, "pwa-update-banner")

    # The new version waits: installed but not active, nothing reloaded under the user, and
    # the old worker still answers.
    page.wait_for_function(WAITING_WORKER_INSTALLED)
    assert page.evaluate("() => window.stillTheSamePage === true")
    assert worker_version(page) == first_version

    with page.expect_navigation():
        update.click()
    page.wait_for_function("() => Boolean(navigator.serviceWorker.controller)")
    assert worker_version(page) != first_version
    assert page.get_by_role("combobox", name="Time zone").input_value() == "Asia/Tokyo"
    assert banner.is_hidden()
    precaches = [name for name in cached_urls(page) if name.startswith("minimus-precache-")]
    assert precaches == [f"minimus-precache-{worker_version(page)}"], "old caches are removed"
    assert page.console_errors == []
