"""Logging pain takes at most three taps from the home screen, and one for "same as last time"."""

import pytest
from playwright.sync_api import expect

from tests.journal.journal_browser import go_quiet, pain_rows, wait_for, wait_until_synced

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class TapCounter:
    def __init__(self) -> None:
        self.taps: list[str] = []

    def tap(self, locator, what: str) -> None:
        locator.click()
        self.taps.append(what)


def test_logging_pain_from_home_takes_three_taps(page, context, live_server, login, user):
    login(context, user)
    page.goto(live_server.url + "/")
    counter = TapCounter()

    counter.tap(page.get_by_role("link", name="Log pain now"), "open the log screen")
    page.locator("#pain-form[data-ready]").wait_for(state="attached")
    counter.tap(page.get_by_role("button", name="outer thigh, right", exact=True), "tap the zone")
    counter.tap(page.get_by_role("button", name="6", exact=True), "tap the intensity (saves)")

    saved = page.locator("[data-pain-saved]")
    expect(saved).to_contain_text("Saved Right outer thigh: 6/10")
    expect(saved).to_contain_text("front portion")
    assert len(counter.taps) == 3, counter.taps
    rows = wait_for(lambda: pain_rows(user.username), what="the entry on the server")
    assert [(r["zone"], r["side"], r["intensity"], r["posture"]) for r in rows] == [
        ("outer_thigh", "right", 6, "rest")
    ]
    assert page.console_errors == []
    go_quiet(context)


def test_same_as_last_time_is_one_tap_on_home(page, context, live_server, login, user):
    login(context, user)
    page.goto(live_server.url + "/journal/#log")
    page.locator("#pain-form[data-ready]").wait_for(state="attached")
    page.get_by_role("button", name="back / lower buttock, left", exact=True).click()
    page.get_by_role("button", name="upper calf, left", exact=True).click()
    page.get_by_text("Sitting", exact=True).click()
    page.get_by_role("button", name="4", exact=True).click()
    expect(page.locator("[data-pain-saved]")).to_contain_text("Saved")
    wait_until_synced(page)

    page.goto(live_server.url + "/")
    counter = TapCounter()
    counter.tap(page.get_by_role("button", name="Same as last time"), "repeat last entry")
    expect(page.locator("[data-same-saved]")).to_contain_text("Saved")
    assert len(counter.taps) == 1

    rows = wait_for(lambda: len(pain_rows(user.username)) == 4 and pain_rows(user.username), what="4 entries")
    assert sorted((r["zone"], r["posture"], r["intensity"]) for r in rows) == [
        ("lower_buttock", "sitting", 4),
        ("lower_buttock", "sitting", 4),
        ("upper_calf", "sitting", 4),
        ("upper_calf", "sitting", 4),
    ]
    expect(page.locator("#today-entries li")).to_have_count(4)
    assert page.console_errors == []
    go_quiet(context)


@pytest.mark.parametrize(
    ("address", "form_shown", "spot"),
    [
        ("/journal/#log-pain", "#pain-form", None),
        ("/journal/#log-massage", "#massage-form", None),
        ("/journal/?massage=posterior", "#massage-form", "posterior"),
        ("/journal/?massage=anterior#massage", "#massage-form", "anterior"),
    ],
)
def test_links_from_the_guide_and_app_shortcuts_open_the_right_form(
    page, context, live_server, login, user, address, form_shown, spot
):
    login(context, user)
    page.goto(live_server.url + address)
    expect(page.locator(form_shown)).to_be_visible()
    if spot:
        expect(page.locator(f'input[name="portion"][value="{spot}"]')).to_be_checked()
        expect(page.locator(f'[data-spot-figure="{spot}"]')).to_be_visible()
        guide_link = page.get_by_role("link", name="How to find the")
        assert guide_link.get_attribute("href").startswith("/guide/self-massage/#for-the-")
    go_quiet(context)
