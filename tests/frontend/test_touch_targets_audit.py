"""Every screen fits one thumb: an audit of every page, signed out and in, light and dark, at
320x568, 375x667 and 393x851.

It fails on
- any interactive element smaller than 44x44 CSS px (WCAG 2.5.5), except a link inside running
  text, which the criterion exempts; a radio or checkbox counts with its label, which takes the tap;
- any control covered by a fixed or sticky element: by a banner, dock or toast wherever it is, or
  by the page's frame (the sticky header, the tab bar) even once scrolled as far into the middle
  of the screen as the page allows;
- any axe-core violation (every impact), once per page and scheme at 375x667.

One browser and one context per (signed in or out, scheme); the viewport changes in place.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.journal.journal_browser import AXE_PATH, go_quiet, viewport_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

VIEWPORTS = [(320, 568), (375, 667), (393, 851)]
BROWSER_TIME_ZONE = "Europe/Berlin"
IPHONE_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)

# The file's leading comment lines go: Playwright must see the text start as a function.
AUDIT_JS = "\n".join(
    line
    for line in (Path(__file__).resolve().parent / "touch_audit.js").read_text().splitlines()
    if not line.startswith("//")
)

AXE_JS = """async () => (await axe.run(document, { resultTypes: ['violations'] })).violations
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`)"""


def _journal_ready(page: Any) -> None:
    page.locator("#pain-form[data-ready]").wait_for(state="attached")


def _settings_ready(page: Any) -> None:
    expect(page.locator("[data-reminders-form]")).to_be_visible()
    page.locator("[data-reminders][data-devices-loaded]").wait_for(state="attached")


def _step_two(page: Any) -> None:
    _journal_ready(page)
    page.get_by_role("button", name="outer thigh, right", exact=True).click()
    expect(page.get_by_role("heading", name="When does it hurt?")).to_be_visible()


def _history(page: Any) -> None:
    _journal_ready(page)
    expect(page.locator("li.entry").first).to_be_visible()


def _massage(page: Any) -> None:
    _journal_ready(page)
    expect(page.locator('[data-score-options="pain_before"] label').first).to_be_visible()


def _home(page: Any) -> None:
    # Today's list (an entry was seeded minutes ago) with its link to every entry.
    expect(page.locator("[data-today-entries] .today-list li").first).to_be_visible()


def _trends(page: Any) -> None:
    page.locator("main").wait_for()
    page.wait_for_load_state("load")


def _guide_pages() -> list[str]:
    from guide.services import guide_page_urls

    return guide_page_urls()


def _pages(signed_in: bool) -> list[tuple[str, str, Callable[[Any], None] | None]]:
    """(label, path, ready) for every page, as a signed-out visitor or a signed-in user sees it."""
    common = [(path.strip("/").replace("/", "-") or "home", path, None) for path in _guide_pages()]
    common += [("privacy", "/privacy/", None), ("not-found", "/no-such-page/", None)]
    if not signed_in:
        # Signed out, every page is ready once loaded: nothing of the journal to wait for.
        signed_out = [
            ("home", "/"),
            ("login", "/accounts/login/"),
            ("signup", "/accounts/signup/"),
            ("password-reset", "/accounts/password_reset/"),
            ("journal", "/journal/"),
            ("trends", "/trends/"),
            ("offline", "/offline/"),
            ("account-deleted", "/accounts/deleted/"),
        ]
        return [*((label, path, None) for label, path in signed_out), *common]
    return [
        ("home", "/", _home),
        ("log", "/journal/#log", _journal_ready),
        ("log-step-2", "/journal/#log", _step_two),
        ("massage", "/journal/#massage", _massage),
        ("history", "/journal/#history", _history),
        ("trends", "/trends/", _trends),
        ("settings", "/settings/", _settings_ready),
        ("password-change", "/accounts/password_change/", None),
        *common,
    ]


def _seed(user: Any) -> None:
    from datetime import UTC, datetime, timedelta

    from journal.services.records import record_create
    from reminders.services import schedule_create
    from tests.journal.helpers import massage_payload, pain_payload

    now = datetime.now(UTC)
    # Seconds ago in the browser's zone (on Home's list of today whatever the hour), and on
    # three earlier days.
    logged = [
        (timedelta(seconds=5), 3),
        (timedelta(days=1), 6),
        (timedelta(days=3), 5),
        (timedelta(days=6), 4),
    ]
    for ago, intensity in logged:
        at = (now - ago).strftime("%Y-%m-%dT%H:%M:%SZ")
        data = pain_payload(occurred_at=at, intensity=intensity, time_zone=BROWSER_TIME_ZONE)
        record_create(user=user, record_type="pain_entry", data=data)
    at = (now - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    data = massage_payload(occurred_at=at, pain_after=3)
    record_create(user=user, record_type="massage_session", data=data)
    schedule_create(user=user, times=["08:30", "19:00"], weekdays=[0, 1, 2, 3, 4], time_zone="Europe/Berlin")


def _audit(page: Any, where: str) -> list[str]:
    found = page.evaluate(AUDIT_JS)
    assert found["count"] > 0, f"{where}: no interactive element found at all"
    return [f"{where}: small {item}" for item in found["small"]] + [
        f"{where}: covered {item}" for item in found["covered"]
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("signed_in", [False, True], ids=["signed-out", "signed-in"])
def test_every_page_fits_a_thumb_and_passes_axe(browser, live_server, login, user, signed_in, scheme):
    if signed_in:
        _seed(user)
    # bypass_csp: axe is injected by the test only; the app never loads it.
    context = browser.new_context(
        viewport={"width": 375, "height": 667},
        color_scheme=scheme,
        bypass_csp=True,
        locale="en-US",
        timezone_id=BROWSER_TIME_ZONE,
    )
    context.set_default_timeout(15_000)
    problems: list[str] = []
    try:
        if signed_in:
            login(context, user)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        who = "in" if signed_in else "out"
        for label, path, ready in _pages(signed_in):
            for width, height in VIEWPORTS:
                page.set_viewport_size({"width": width, "height": height})
                page.goto("about:blank")  # a fresh load, not a jump within the same page
                page.goto(live_server.url + path)
                if ready:
                    ready(page)
                page.wait_for_load_state("load")
                where = f"{label} ({who}, {scheme}, {width}x{height})"
                problems += _audit(page, where)
                if (width, height) == (375, 667):
                    viewport_screenshot(page, f"screen-{who}-{label}-{scheme}-375x667")
                    page.add_script_tag(path=str(AXE_PATH))
                    problems += [f"{where}: axe {item}" for item in page.evaluate(AXE_JS)]
        assert errors == []
        go_quiet(context)
    finally:
        context.close()
    assert problems == [], "\n".join(problems)


def test_the_install_banner_on_iphone_covers_no_control(browser, live_server, login, user):
    context = browser.new_context(
        viewport={"width": 375, "height": 667}, user_agent=IPHONE_SAFARI, locale="en-US"
    )
    try:
        login(context, user)
        page = context.new_page()
        problems: list[str] = []
        for path, ready in [("/", None), ("/journal/#log", _step_two), ("/settings/", _settings_ready)]:
            page.goto(live_server.url + path)
            if ready:
                ready(page)
            expect(page.locator("#app-banner")).to_be_visible()
            problems += _audit(page, f"{path} with the install banner")
        viewport_screenshot(page, "screen-in-settings-install-banner-375x667")
        go_quiet(context)
    finally:
        context.close()
    assert problems == [], "\n".join(problems)
