"""Logging pain takes at most four taps from the home screen (open, where, when, how much),
three when the moment of last time is shown picked, and one for "same as last time". No
moment is ever stored that the user did not pick or see picked."""

import pytest
from playwright.sync_api import expect

from tests.journal.journal_browser import go_quiet, pain_rows, quiet_context, wait_until_synced
from tests.waiting import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SMALL_PHONE = {"width": 375, "height": 667}


class TapCounter:
    def __init__(self) -> None:
        self.taps: list[str] = []

    def tap(self, locator, what: str) -> None:
        locator.click()
        self.taps.append(what)


def moment(page, label: str):
    return page.locator("[data-posture] label.chip").filter(has=page.get_by_text(label, exact=True))


def in_view(page, locator) -> bool:
    """Wholly inside the viewport, without scrolling."""
    box = locator.bounding_box()
    size = page.viewport_size
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= size["height"]


def test_logging_pain_from_home_takes_four_taps_each_step_in_view(browser, live_server, login, user):
    with quiet_context(browser, viewport=SMALL_PHONE) as context:
        login(context, user)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(live_server.url + "/")
        counter = TapCounter()

        counter.tap(page.get_by_role("link", name="Log pain now"), "open the log screen")
        page.locator("#pain-form[data-ready]").wait_for(state="attached")
        # The keyboard and screen reader start at step 1, not at the top of the page.
        expect(page.get_by_role("heading", name="Where does it hurt?")).to_be_focused()
        zone = page.get_by_role("button", name="outer thigh, right", exact=True)
        assert in_view(page, zone)
        counter.tap(zone, "where")
        expect(page.get_by_role("heading", name="When does it hurt?")).to_be_focused()
        sitting = moment(page, "Sitting")
        six = page.get_by_role("button", name="6", exact=True)
        assert in_view(page, sitting) and in_view(page, six), "the moment and the numbers on one screen"
        counter.tap(sitting, "when")
        expect(page.locator("[data-save-summary]")).to_have_text("Saves: Right outer thigh · Sitting.")
        counter.tap(six, "how much (saves)")

        saved = page.locator("[data-pain-saved]")
        expect(saved).to_contain_text("Saved: Right outer thigh, 6/10, sitting.")
        expect(saved).to_contain_text("pain in the outer thigh usually comes from its front portion")
        assert len(counter.taps) == 4, counter.taps
        rows = wait_for(lambda: pain_rows(user.username), what="the entry on the server")
        assert [(r["zone"], r["side"], r["intensity"], r["posture"]) for r in rows] == [
            ("outer_thigh", "right", 6, "sitting")
        ]
        assert errors == []


def test_no_moment_is_saved_that_the_user_did_not_pick(page, context, live_server, login, user):
    login(context, user)
    page.goto(live_server.url + "/journal/#log")
    page.locator("#pain-form[data-ready]").wait_for(state="attached")
    page.get_by_role("button", name="upper calf, left", exact=True).click()
    save_summary = page.locator("[data-save-summary]")
    expect(save_summary).to_have_text("Saves: Left upper calf · pick when it hurts first.")
    expect(page.locator('input[name="posture"]:checked')).to_have_count(0)

    page.get_by_role("button", name="5", exact=True).click()
    error = page.locator("[data-posture-error]")
    expect(error).to_have_text("Pick when it hurts, then tap the number again.")
    expect(page.locator('input[name="posture"]').first).to_be_focused()
    expect(page.locator("[data-pain-saved]")).to_be_hidden()

    moment(page, "Walking").click()
    expect(error).to_be_hidden()
    page.get_by_role("button", name="5", exact=True).click()
    expect(page.locator("[data-pain-saved]")).to_contain_text("Saved: Left upper calf, 5/10, walking.")

    # Next entry: last time's moment is offered, and says so where the numbers are.
    page.reload()
    page.locator("#pain-form[data-ready]").wait_for(state="attached")
    page.get_by_role("button", name="foot, right", exact=True).click()
    expect(page.locator("[data-save-summary]")).to_have_text("Saves: Right foot · Walking, as last time.")
    walking = moment(page, "Walking")
    expect(walking.locator("[data-as-last]")).to_be_visible()
    page.get_by_role("button", name="2", exact=True).click()
    expect(page.locator("[data-pain-saved]")).to_contain_text("Saved: Right foot, 2/10, walking.")

    rows = wait_for(lambda: len(pain_rows(user.username)) == 2 and pain_rows(user.username), what="2 entries")
    assert sorted((r["zone"], r["posture"], r["intensity"]) for r in rows) == [
        ("foot", "walking", 2),
        ("upper_calf", "walking", 5),
    ]
    assert page.console_errors == []
    go_quiet(context)


def test_same_as_last_time_is_one_tap_on_home(page, context, live_server, login, user):
    login(context, user)
    page.goto(live_server.url + "/journal/#log")
    page.locator("#pain-form[data-ready]").wait_for(state="attached")
    page.get_by_role("button", name="lower buttock, left", exact=True).click()
    page.get_by_role("button", name="Change places").click()
    page.get_by_role("button", name="upper calf, left", exact=True).click()
    page.get_by_role("button", name="Next: when and how much").click()
    page.get_by_text("Sitting", exact=True).click()
    page.get_by_role("button", name="4", exact=True).click()
    expect(page.locator("[data-pain-saved]")).to_contain_text(
        "Saved: Left lower buttock, left upper calf, 4/10"
    )
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


def test_a_pending_pain_after_prompt_leaves_the_places_in_view(browser, live_server, login, user):
    from datetime import UTC, datetime, timedelta

    from journal.services.records import record_create
    from tests.journal.helpers import massage_payload

    started = (datetime.now(UTC) - timedelta(minutes=20)).strftime("%Y-%m-%dT%H:%M:%SZ")
    record_create(user=user, record_type="massage_session", data=massage_payload(occurred_at=started))
    with quiet_context(browser, viewport=SMALL_PHONE) as context:
        login(context, user)
        page = context.new_page()
        page.goto(live_server.url + "/journal/#log")
        page.locator("#pain-form[data-ready]").wait_for(state="attached")
        prompt = page.locator("[data-after-prompt]")
        expect(prompt).to_contain_text("add the pain after")
        for place in ["upper buttock, left", "foot, right"]:
            assert in_view(page, page.get_by_role("button", name=place, exact=True)), place


def test_a_picked_pain_after_can_be_cleared_before_saving(page, context, live_server, login, user):
    from journal.models import MassageSession

    login(context, user)
    page.goto(live_server.url + "/journal/#massage")
    form = page.locator("#massage-form")
    form.locator('[data-score-options="pain_before"] label').nth(6).click()
    clear = form.get_by_role("button", name="Clear pain after")
    expect(clear).to_be_hidden()
    form.locator('[data-score-options="pain_after"] label').nth(3).click()
    clear.click()
    expect(form.locator('input[name="pain_after"]:checked')).to_have_count(0)
    expect(clear).to_be_hidden()
    form.get_by_role("button", name="Save massage").click()
    expect(page.locator("[data-massage-saved]")).to_contain_text("How is the pain now?")
    session = wait_for(
        lambda: MassageSession.objects.filter(user=user).first(), what="the massage on the server"
    )
    assert (session.pain_before, session.pain_after) == (6, None)
    go_quiet(context)
