"""The guide in a real phone-sized Chromium: 320 px wide, nothing from elsewhere, self-check, print."""

from __future__ import annotations

import pytest

from guide.pages import PAGES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GUIDE_URLS = ["/guide/", "/guide/red-flag-check/", *(f"/guide/{page.slug}/" for page in PAGES)]
NARROW = {"width": 320, "height": 640}


def watch_requests(page, origin: str) -> list[str]:
    elsewhere: list[str] = []
    page.on("request", lambda request: request.url.startswith(origin) or elsewhere.append(request.url))
    return elsewhere


def test_every_guide_page_fits_320px_and_loads_only_from_the_app(page, live_server, screenshot):
    elsewhere = watch_requests(page, live_server.url)
    page.set_viewport_size(NARROW)
    for url in GUIDE_URLS:
        page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
        overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
        assert overflow <= 0, f"{url} scrolls sideways by {overflow}px"
        wide = page.evaluate(
            """() => [...document.querySelectorAll('main *')]
                 .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
                 .map(el => el.tagName + '.' + el.className)"""
        )
        assert wide == [], f"{url}: {wide[:5]}"
        # Every image has an accessible name in the browser's own accessibility computation.
        unnamed = page.evaluate(
            """() => [...document.querySelectorAll('main svg[role="img"]')]
                 .filter(svg => !(svg.getAttribute('aria-labelledby') || '').split(' ')
                    .every(id => (document.getElementById(id)?.textContent || '').trim()))
                 .length"""
        )
        assert unnamed == 0, url
        name = url.strip("/").replace("/", "-")
        screenshot(page, f"guide-320-{name}")
    assert elsewhere == []
    assert page.console_errors == []


def test_the_self_check_shows_an_urgent_message_without_sending_the_answers(page, live_server, screenshot):
    sent: list[str] = []
    page.on("request", lambda request: "check=1" in request.url and sent.append(request.url))
    page.set_viewport_size(NARROW)
    page.goto(live_server.url + "/guide/red-flag-check/")
    page.get_by_role("group", name="saddle area").get_by_label("Yes").check()
    page.get_by_role("button", name="Show what to do").click()
    urgent = page.get_by_role("heading", name="Urgent: get emergency help now")
    urgent.wait_for()
    assert urgent.is_visible()
    assert not page.get_by_role("heading", name="See a doctor today").is_visible()
    screenshot(page, "guide-selfcheck-urgent")

    page.get_by_role("group", name="saddle area").get_by_label("No").check()
    page.get_by_role("group", name="fall or an accident").get_by_label("Yes").check()
    page.get_by_role("button", name="Show what to do").click()
    assert page.get_by_role("heading", name="See a doctor today").is_visible()
    assert not urgent.is_visible()
    assert sent == []
    assert page.console_errors == []


def test_the_self_check_works_without_javascript(browser, live_server):
    context = browser.new_context(viewport=NARROW, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/guide/red-flag-check/")
    page.get_by_role("group", name="fever").get_by_label("Yes").check()
    page.get_by_role("button", name="Show what to do").click()
    page.wait_for_url("**check=1**")
    assert page.get_by_role("heading", name="See a doctor today").is_visible()
    context.close()


def test_a_guide_page_prints_without_the_app_chrome(page, live_server, screenshot):
    page.goto(live_server.url + "/guide/symptoms/")
    page.emulate_media(media="print")
    assert not page.get_by_role("navigation", name="Main").is_visible()
    assert not page.get_by_role("navigation", name="Guide pages").is_visible()
    assert page.get_by_text("This guide educates; it does not diagnose.").is_visible()
    assert page.get_by_role("img", name="Where each portion sends its pain, side by side").is_visible()
    screenshot(page, "guide-print-symptoms")
