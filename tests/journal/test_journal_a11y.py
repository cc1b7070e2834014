"""The journal pages pass axe-core (no serious or critical violations) in light and dark
mode, the body map works by keyboard, and screenshots of the log and history screens are
kept as artefacts for people to look at."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser_harness import PHONE_VIEWPORT
from tests.journal.journal_browser import go_quiet, log_pain, run_axe, viewport_screenshot, wait_until_synced

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def ready(page) -> None:
    page.locator("#pain-form[data-ready]").wait_for(state="attached")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_journal_pages_have_no_serious_accessibility_violations(
    browser, live_server, login, user, screenshot, scheme
):
    # bypass_csp: axe is injected as a script by the test only; the app never loads it.
    context = browser.new_context(viewport=PHONE_VIEWPORT, color_scheme=scheme, bypass_csp=True)
    try:
        login(context, user)
        page = context.new_page()
        page.goto(live_server.url + "/journal/#log")
        ready(page)
        wait_until_synced(page)
        assert run_axe(page) == []
        screenshot(page, f"journal-log-{scheme}")
        viewport_screenshot(page, f"journal-log-360x740-{scheme}")

        log_pain(page, ["outer thigh, right", "outer lower leg to the ankle, right"], 6, posture="Walking")
        assert run_axe(page) == [], "after saving, with the portion advice shown"
        screenshot(page, f"journal-log-saved-{scheme}")
        page.get_by_role("button", name="back / lower buttock, left", exact=True).click()
        page.get_by_text("Sitting", exact=True).click()
        page.get_by_role("button", name="3", exact=True).click()

        page.get_by_role("link", name="Massage", exact=True).click()
        page.locator('[data-score-options="pain_before"] label').nth(5).click()
        page.get_by_role("button", name="Save massage").click()
        expect(page.locator("[data-massage-saved]")).to_contain_text("How is the pain now?")
        assert run_axe(page) == []
        screenshot(page, f"journal-massage-{scheme}")

        page.get_by_role("link", name="History", exact=True).click()
        expect(page.locator("li.entry")).to_have_count(4)
        wait_until_synced(page)
        assert run_axe(page) == []
        screenshot(page, f"journal-history-{scheme}")
        viewport_screenshot(page, f"journal-history-360x740-{scheme}")

        page.get_by_role("button", name="Edit Right outer thigh", exact=False).click()
        expect(page.locator("[data-edit-dialog]")).to_be_visible()
        assert run_axe(page) == []
        page.get_by_role("button", name="Cancel").click()

        page.goto(live_server.url + "/")
        expect(page.locator("#today-entries li")).to_have_count(4)
        assert run_axe(page) == []
        screenshot(page, f"home-today-{scheme}")
        go_quiet(context)
    finally:
        context.close()


def test_the_body_map_works_with_the_keyboard(page, context, live_server, login, user):
    login(context, user)
    page.goto(live_server.url + "/journal/#log")
    ready(page)
    zone = page.get_by_role("button", name="outer thigh, left", exact=True)
    resting = zone.evaluate("(el) => [getComputedStyle(el).stroke, getComputedStyle(el).strokeWidth]")
    zone.focus()
    focused = zone.evaluate("(el) => [getComputedStyle(el).stroke, getComputedStyle(el).strokeWidth]")
    assert focused != resting, "a focused zone looks different"
    page.keyboard.press("Enter")
    expect(zone).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("Tab")
    page.keyboard.press(" ")
    expect(page.locator("[data-zone-summary]")).to_contain_text(
        "Chosen: Left outer thigh, Left outer lower leg"
    )
    page.keyboard.press(" ")
    expect(page.locator("[data-zone-summary]")).to_have_text("Chosen: Left outer thigh.")
    page.get_by_role("button", name="7", exact=True).focus()
    page.keyboard.press("Enter")
    expect(page.locator("[data-pain-saved]")).to_contain_text("Saved Left outer thigh: 7/10")
    expect(page.locator("[data-pain-saved]")).to_be_focused()


def test_every_control_on_the_journal_has_an_accessible_name(page, context, live_server, login, user):
    login(context, user)
    page.goto(live_server.url + "/journal/#log")
    ready(page)
    unnamed = page.evaluate(
        """() => [...document.querySelectorAll('button, a[href], input, select, textarea, [role=button]')]
            .filter((el) => el.offsetParent !== null || el.closest('svg'))
            .filter((el) => !(el.getAttribute('aria-label') || el.labels?.length || el.textContent.trim()
                              || el.getAttribute('aria-labelledby')))
            .map((el) => el.outerHTML.slice(0, 80))"""
    )
    assert unnamed == []


def test_zones_can_also_be_picked_from_a_list_with_big_targets(page, context, live_server, login, user):
    login(context, user)
    page.goto(live_server.url + "/journal/#log")
    ready(page)
    page.get_by_text("Or pick zones from a list").click()
    knee = page.get_by_role("checkbox", name="Right outer hollow of the knee")
    box = page.locator("label.chip", has=knee).bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44
    page.locator("label.chip", has=knee).click()
    expect(page.get_by_role("button", name="outer hollow of the knee, right", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    page.get_by_role("button", name="foot, left", exact=True).click()
    expect(page.get_by_role("checkbox", name="Left foot")).to_be_checked()
    page.get_by_role("button", name="5", exact=True).click()
    expect(page.locator("[data-pain-saved]")).to_contain_text(
        "Saved Left foot, Right outer hollow of the knee"
    )
    expect(knee).not_to_be_checked()
    go_quiet(context)
