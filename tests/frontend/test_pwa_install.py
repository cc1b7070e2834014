"""Install suggestions (Chromium's prompt, iOS instructions) and keeping data on the device."""

from __future__ import annotations

import pytest

from tests.frontend.pwa_helpers import wait_until_controlled, wait_until_offline_ready

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IPHONE_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1"
)


def test_chromium_offers_install_and_not_now_is_remembered(persistent_context, live_server):
    context = persistent_context(service_workers="allow")
    context.add_init_script(
        "addEventListener('beforeinstallprompt', () => { window.installOffered = true; })"
    )
    page = context.new_page()
    page.goto(live_server.url + "/")
    wait_until_controlled(page)
    banner = page.locator("#app-banner")
    banner.get_by_role("button", name="Install").wait_for()
    assert "Install Minimus" in banner.inner_text()

    banner.get_by_role("button", name="Not now").click()
    assert banner.is_hidden()
    page.reload()
    # Chromium offers the install again on the new page; the app keeps it quiet this time.
    page.wait_for_function("() => window.installOffered === true")
    assert banner.is_hidden()


def test_iphone_safari_explains_add_to_home_screen(browser, live_server, user, login):
    context = browser.new_context(user_agent=IPHONE_SAFARI, viewport={"width": 390, "height": 844})
    login(context, user)
    page = context.new_page()
    page.goto(live_server.url + "/")
    banner = page.locator("#app-banner")
    assert "Add to Home Screen" in banner.inner_text()
    page.goto(live_server.url + "/settings/")
    assert page.get_by_text("tap the Share button in Safari").is_visible()
    context.close()


def test_settings_shows_whether_storage_is_kept_after_the_first_saved_entry(
    page, context, login, live_server, user
):
    login(context, user)
    page.goto(live_server.url + "/settings/")
    wait_until_offline_ready(page)
    status = page.locator("[data-storage-status]")
    page.wait_for_function(
        "() => document.querySelector('[data-storage-status]').dataset.persisted !== undefined"
    )
    # What the journal does after its first saved entry: the request is made and its answer shown.
    page.evaluate("() => document.dispatchEvent(new CustomEvent('minimus:entry-saved'))")
    page.wait_for_function("() => localStorage.getItem('minimus-storage-persisted') !== null")
    answer = page.evaluate("() => localStorage.getItem('minimus-storage-persisted')")
    expected = "Kept" if answer == "true" else "Not yet kept"
    assert status.inner_text().startswith(expected)
    assert page.console_errors == []
