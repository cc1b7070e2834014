"""Installed on a phone and opened with no signal: the app starts from its cache."""

from __future__ import annotations

import pytest

from tests.frontend.pwa_helpers import cached_urls, heading, wait_until_offline_ready

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def signed_in_page(persistent_context, login, live_server, user):
    # A persistent profile: an incognito context always reports "in-incognito" as not installable.
    context = persistent_context(service_workers="allow")
    login(context, user)
    page = context.new_page()  # a new page, so the harness collects its console errors
    page.goto(live_server.url + "/")
    wait_until_offline_ready(page)
    return page


def test_chromium_finds_the_app_installable(signed_in_page):
    cdp = signed_in_page.context.new_cdp_session(signed_in_page)
    assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["errors"] == []
    assert manifest["url"].endswith("/manifest.json")


def test_home_guide_and_journal_open_offline_and_unvisited_pages_show_the_offline_page(
    signed_in_page, live_server, screenshot
):
    page = signed_in_page
    page.context.set_offline(True)

    page.reload()
    assert heading(page) == "Hello, alice"
    for path, title in [("/guide/", "The gluteus minimus guide"), ("/journal/", "Pain journal")]:
        page.goto(live_server.url + path)
        assert heading(page).startswith(title.split()[0])
        assert page.evaluate("getComputedStyle(document.body).paddingBottom") != "0px", "CSS from cache"
    screenshot(page, "pwa-journal-offline")

    page.goto(live_server.url + "/never-visited/")
    assert heading(page) == "You are offline"
    # The network failing is expected; any other error (a script failing offline) is not.
    assert [e for e in page.console_errors if "ERR_INTERNET_DISCONNECTED" not in e] == []


def test_api_responses_are_never_cached(signed_in_page, live_server):
    page = signed_in_page
    status = page.evaluate("fetch('/api/account/', {credentials: 'same-origin'}).then((r) => r.status)")
    assert status < 500
    every_url = [url for urls in cached_urls(page).values() for url in urls]
    assert "/journal/" in every_url
    assert not [url for url in every_url if url.startswith("/api/")]


def test_signing_out_drops_the_signed_in_pages_from_the_cache(signed_in_page, live_server):
    page = signed_in_page
    page.goto(live_server.url + "/settings/")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/**")
    every_url = [url for urls in cached_urls(page).values() for url in urls]
    assert "/journal/" not in every_url
    assert "/settings/" not in every_url
    assert "/guide/" in every_url, "the anonymous app shell stays"

    page.context.set_offline(True)
    page.goto(live_server.url + "/journal/")
    assert heading(page) == "You are offline"
