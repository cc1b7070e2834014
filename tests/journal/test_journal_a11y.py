"""The journal pages pass axe-core (no serious or critical violations) in light and dark
mode, the body map works by keyboard, and screenshots of the log and history screens are
kept as artefacts for people to look at."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser_harness import PHONE_VIEWPORT
from tests.journal.journal_browser import (
    go_quiet,
    log_pain,
    quiet_context,
    run_axe,
    viewport_screenshot,
    wait_until_synced,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def ready(page) -> None:
    page.locator("#pain-form[data-ready]").wait_for(state="attached")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_journal_pages_have_no_serious_accessibility_violations(
    browser, live_server, login, user, screenshot, scheme
):
    # bypass_csp: axe is injected as a script by the test only; the app never loads it.
    with quiet_context(browser, viewport=PHONE_VIEWPORT, color_scheme=scheme, bypass_csp=True) as context:
        login(context, user)
        page = context.new_page()
        page.goto(live_server.url + "/journal/#log")
        ready(page)
        wait_until_synced(page)
        assert run_axe(page) == []
        screenshot(page, f"journal-log-{scheme}")
        viewport_screenshot(page, f"journal-log-360x740-{scheme}")

        log_pain(page, ["outer thigh, right", "outer lower leg, right"], 6, posture="Walking")
        saved = page.locator("[data-pain-saved]")
        expect(saved.locator(".saved-title")).to_have_text(
            "Saved: Right outer thigh, right outer lower leg, 6/10, walking."
        )
        expect(saved.locator(".advice")).to_contain_text(
            "If the gluteus minimus is the cause, pain in the outer thigh and outer lower leg down to the "
            "ankle usually comes from its front portion"
        )
        assert run_axe(page) == [], "after saving, with the portion advice shown"
        screenshot(page, f"journal-log-saved-{scheme}")
        log_pain(page, ["lower buttock, left"], 3, posture="Sitting")

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


def test_the_log_steps_work_with_the_keyboard(page, context, live_server, login, user):
    login(context, user)
    page.goto(live_server.url + "/journal/#log")
    ready(page)
    zone = page.get_by_role("button", name="outer thigh, left", exact=True)
    zone.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="When does it hurt?")).to_be_focused()
    expect(page.locator("[data-zone-summary]")).to_have_text("Left outer thigh")
    page.get_by_role("button", name="Change places").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Where does it hurt?")).to_be_focused()
    expect(zone).to_have_attribute("aria-pressed", "true")
    page.get_by_role("button", name="outer lower leg, left", exact=True).focus()
    page.keyboard.press(" ")
    page.get_by_role("button", name="Next: when and how much").focus()
    page.keyboard.press("Enter")
    expect(page.locator("[data-zone-summary]")).to_have_text("Left outer thigh, left outer lower leg")
    # The map shows the choice.
    expect(page.locator('#pain-form svg.bodymap [data-zone="outer_thigh"][data-side="left"]')).to_have_class(
        "bodymap-zone is-highlighted"
    )
    page.get_by_role("radio", name="Standing", exact=True).focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="7", exact=True).focus()
    page.keyboard.press("Enter")
    expect(page.locator("[data-pain-saved]")).to_contain_text(
        "Saved: Left outer thigh, left outer lower leg, 7/10, standing."
    )
    expect(page.locator("[data-pain-saved]")).to_be_focused()
    go_quiet(context)


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


def test_every_place_button_is_a_big_target(page, context, live_server, login, user):
    login(context, user)
    page.goto(live_server.url + "/journal/#log")
    ready(page)
    boxes = [b.bounding_box() for b in page.locator("[data-place]").all()]
    assert len(boxes) == 16
    assert all(box["width"] >= 44 and box["height"] >= 44 for box in boxes), boxes
    go_quiet(context)
