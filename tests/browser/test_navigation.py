"""A new user signs up in a real browser and visits every top-level page without errors."""

import pytest

from tests.journal.journal_browser import sign_up

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TOP_LEVEL = [
    ("Home", "/"),
    ("Guide", "/guide/"),
    ("Log", "/journal/"),
    ("Trends", "/trends/"),
    ("Settings", "/settings/"),
]


def test_new_user_signs_up_and_visits_every_page(page, live_server, screenshot):
    sign_up(page, live_server, "newcomer")
    assert page.get_by_role("heading", level=1).inner_text() == "Hello, newcomer"

    nav = page.get_by_role("navigation", name="Main")
    for label, path in TOP_LEVEL:
        nav.get_by_role("link", name=label).click()
        page.wait_for_url(live_server.url + path + "*")
        assert page.get_by_role("heading", level=1).count() >= 1
        assert nav.get_by_role("link", name=label).get_attribute("aria-current") == "page"
    screenshot(page, "settings-after-signup")
    assert page.console_errors == []


def test_signup_stores_the_browser_time_zone(browser, live_server):
    from django.contrib.auth import get_user_model

    context = browser.new_context(timezone_id="America/St_Johns")
    page = context.new_page()
    sign_up(page, live_server, "traveller")
    context.close()
    assert get_user_model().objects.get(username="traveller").profile.time_zone == "America/St_Johns"
