"""The journal in a real browser: offline logging, reload offline, sync to the server and to
another device, edit/delete convergence, one sync loop across tabs."""

from __future__ import annotations

import itertools

import pytest
from playwright.sync_api import expect

from tests.browser_harness import PHONE_VIEWPORT
from tests.frontend.pwa_helpers import wait_until_offline_ready
from tests.journal.journal_browser import (
    go_quiet,
    log_pain,
    pain_rows,
    sign_in,
    sign_up,
    sync_status,
    synced_pain_rows,
    wait_until_synced,
)
from tests.waiting import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def massage_rows(username: str) -> list[dict]:
    from journal.models import MassageSession

    return list(
        MassageSession.objects.filter(user__username=username, deleted=False).values(
            "portion", "side", "tool", "minutes", "pain_before", "pain_after"
        )
    )


def open_history(page, live_server) -> None:
    page.goto(live_server.url + "/journal/#history")
    page.locator("#pain-form[data-ready]").wait_for(state="attached")


def log_massage(page) -> None:
    page.get_by_role("link", name="Massage", exact=True).click()
    form = page.locator("#massage-form")
    form.locator("label.chip", has_text="Rear portion").click()
    form.locator("label.chip", has_text="Left").click()
    form.locator("label.chip", has_text="Hands").click()
    form.get_by_label("Minutes").fill("10")
    form.locator('[data-score-options="pain_before"] label').nth(6).click()
    form.get_by_role("button", name="Save massage").click()
    expect(page.locator("[data-massage-saved]")).to_contain_text("Saved 10 min on the left rear portion")


def open_the_journal_ready_offline(page, live_server, username: str) -> None:
    """A new user's journal, synced once and able to open with no network."""
    sign_up(page, live_server, username)
    wait_until_offline_ready(page)
    page.goto(live_server.url + "/journal/#log")
    page.locator("#pain-form[data-ready]").wait_for(state="attached")
    wait_until_synced(page)


def test_entries_logged_offline_survive_a_reload_and_reach_the_server_and_another_device(
    browser, page, context, live_server, screenshot
):
    open_the_journal_ready_offline(page, live_server, "walker")

    context.set_offline(True)
    log_pain(page, ["outer thigh, right"], 5, posture="Sitting")
    log_pain(page, ["lower buttock, left", "upper calf, left"], 3, posture="Walking")
    expect(sync_status(page)).to_have_text("Saved on this phone · 3 changes not yet synced")
    log_massage(page)
    expect(sync_status(page)).to_have_text("Saved on this phone · 4 changes not yet synced")
    assert pain_rows("walker") == [] and massage_rows("walker") == []

    page.reload()  # offline: the service worker serves the page, IndexedDB the entries
    page.get_by_role("link", name="History", exact=True).click()
    entries = page.locator("[data-history-list] li.entry")
    expect(entries).to_have_count(4)
    expect(page.locator("[data-history-list] h3").first).to_have_text("Today")
    expect(entries.first).to_contain_text("Massage, left rear portion: 10 min with hands, pain 6")
    expect(sync_status(page)).to_have_text("Saved on this phone · 4 changes not yet synced")
    expect(entries.filter(has_text="not yet synced")).to_have_count(4)

    context.set_offline(False)
    wait_until_synced(page)
    expect(entries.filter(has_text="not yet synced")).to_have_count(0)
    assert sorted((r["zone"], r["side"], r["posture"], r["intensity"]) for r in pain_rows("walker")) == [
        ("lower_buttock", "left", "walking", 3),
        ("outer_thigh", "right", "sitting", 5),
        ("upper_calf", "left", "walking", 3),
    ]
    assert massage_rows("walker") == [
        {
            "portion": "posterior",
            "side": "left",
            "tool": "hands",
            "minutes": 10,
            "pain_before": 6,
            "pain_after": None,
        }
    ]

    other_device = browser.new_context(viewport=PHONE_VIEWPORT)
    try:
        phone = other_device.new_page()
        sign_in(phone, live_server, "walker")
        open_history(phone, live_server)
        wait_until_synced(phone)
        expect(phone.locator("[data-history-list] li.entry")).to_have_count(4)
        expect(phone.locator("[data-history-list]")).to_contain_text("Right outer thigh, sitting")
        go_quiet(other_device, context)
    finally:
        other_device.close()
    assert [e for e in page.console_errors if "ERR_INTERNET_DISCONNECTED" not in e] == []


def test_an_edit_on_one_device_and_a_delete_on_the_other_converge(browser, live_server, login, user):
    devices = [browser.new_context(viewport=PHONE_VIEWPORT) for _ in range(2)]
    try:
        phone, tablet = (device.new_page() for device in devices)
        for device in devices:
            login(device, user)
        phone.goto(live_server.url + "/journal/#log")
        phone.locator("#pain-form[data-ready]").wait_for(state="attached")
        log_pain(phone, ["outer thigh, left"], 4)
        log_pain(phone, ["foot, left"], 2)
        # "Synced" can still show from the first entry's loop; what the tablet needs is both on the server.
        wait_for(lambda: len(pain_rows(user.username)) == 2, what="both entries on the server")
        wait_until_synced(phone)
        open_history(tablet, live_server)
        wait_until_synced(tablet)
        expect(tablet.locator("li.entry")).to_have_count(2)

        devices[0].set_offline(True)
        devices[1].set_offline(True)
        phone.get_by_role("link", name="History", exact=True).click()
        # Phone: edit the outer thigh entry (4 -> 8) and the note of the foot entry.
        phone.get_by_role("button", name="Edit Left outer thigh", exact=False).click()
        dialog = phone.locator("[data-edit-dialog]")
        dialog.get_by_label("Pain (0 no pain, 10 worst imaginable)").select_option("8")
        dialog.get_by_role("button", name="Save").click()
        phone.get_by_role("button", name="Edit Left foot", exact=False).click()
        dialog.get_by_label("Note").fill("after the stairs")
        dialog.get_by_role("button", name="Save").click()
        # Tablet: delete the outer thigh entry.
        tablet.get_by_role("button", name="Delete Left outer thigh", exact=False).click()
        expect(tablet.locator("li.entry")).to_have_count(1)

        # The delete reaches the server first; the phone's later edit of it is "gone".
        devices[1].set_offline(False)
        wait_until_synced(tablet)
        devices[0].set_offline(False)
        wait_until_synced(phone)
        tablet.evaluate("dispatchEvent(new Event('online'))")
        wait_until_synced(tablet)

        for screen in (phone, tablet):
            expect(screen.locator("li.entry")).to_have_count(1)
            expect(screen.locator("li.entry")).to_contain_text("Left foot")
            expect(screen.locator("li.entry")).to_contain_text("after the stairs")
            expect(screen.locator("[data-rejected-list]")).to_be_empty()
        rows = pain_rows(user.username)
        assert [(r["zone"], r["note"]) for r in rows] == [("foot", "after the stairs")]
        go_quiet(*devices)
    finally:
        for device in devices:
            device.close()


LOOP_PROBE = """
window.__syncLoops = [];
addEventListener("minimus:sync-loop", (event) =>
  window.__syncLoops.push([event.detail.edge, performance.timeOrigin + performance.now()]));
// Slow the sync requests down so that two loops, if they could run at once, would overlap.
const realFetch = window.fetch.bind(window);
window.fetch = async (input, init) => {
  if (String(input).includes("/api/sync/")) await new Promise((resolve) => setTimeout(resolve, 120));
  return realFetch(input, init);
};
"""


def test_two_tabs_of_one_device_never_run_two_sync_loops(context, live_server, login, user):
    login(context, user)
    context.add_init_script(LOOP_PROBE)
    tabs = [context.new_page(), context.new_page()]
    for tab in tabs:
        tab.goto(live_server.url + "/journal/#log")
        tab.locator("#pain-form[data-ready]").wait_for(state="attached")
    for round_number in range(3):
        for tab in tabs:
            log_pain(tab, ["outer thigh, right"], round_number + 2)
            # Poke both tabs' triggers while the other may be mid-loop.
            for other in tabs:
                other.evaluate("dispatchEvent(new Event('online'))")
    wait_for(lambda: len(pain_rows(user.username)) == 6, what="all six entries on the server")
    for tab in tabs:
        tab.wait_for_function("() => window.__syncLoops.filter(([edge]) => edge !== 'busy').length % 2 === 0")

    intervals, busy = [], 0
    for tab in tabs:
        loops = tab.evaluate("window.__syncLoops")
        busy += sum(1 for edge, _ in loops if edge == "busy")
        edges = [(edge, at) for edge, at in loops if edge != "busy"]
        intervals += [(edges[i][1], edges[i + 1][1]) for i in range(0, len(edges), 2)]
    intervals.sort()
    assert len(intervals) >= 2
    assert busy >= 1, "the test never made the tabs compete for the loop"
    for (_, previous_end), (next_start, _) in itertools.pairwise(intervals):
        assert next_start >= previous_end, "two sync loops ran at the same time"
    go_quiet(context)


SYNC_LOOP_ENDS = """
window.__syncLoopEnds = 0;
addEventListener("minimus:sync-loop", (event) => {
  if (event.detail.edge === "end") window.__syncLoopEnds += 1;
});
"""

# A timer that starts the sync loop asks for the loop's lock at once; a lock request made
# after it is granted only when that loop has finished. So once this resolves, every loop
# started by the time advanced so far has run to its end (and scheduled its retry).
SETTLE_JS = """async (lockName) => {
  await navigator.locks.request(lockName, async () => {});
  return window.__syncLoopEnds;
}"""


def test_a_failing_server_is_retried_with_backoff_and_nothing_is_lost(
    page, context, live_server, login, user
):
    """The page's clock is Playwright's: time moves only when the test says, so the retries
    are counted at exact points, with the backoff's bounds (2 s doubling, half to full jitter)."""
    context.clock.install()
    context.add_init_script(SYNC_LOOP_ENDS)
    login(context, user)
    page.goto(live_server.url + "/journal/#log")
    page.locator("#pain-form[data-ready]").wait_for(state="attached")
    wait_until_synced(page)
    page.clock.pause_at(page.evaluate("Date.now()") / 1000 + 1)  # a second on (Python takes seconds)
    lock_name = f"minimus-sync-{user.pk}"
    attempts = []

    def server_down(route):
        attempts.append(route.request.url)
        route.fulfill(status=503, body="down for maintenance")

    def after(milliseconds: int) -> int:
        """Push attempts made once the clock has moved on by ``milliseconds`` and the loops settled."""
        page.clock.run_for(milliseconds)
        page.evaluate(SETTLE_JS, lock_name)
        return len(attempts)

    page.evaluate(SETTLE_JS, lock_name)
    context.route("**/api/sync/push", server_down)
    log_pain(page, ["outer thigh, left"], 5)
    expect(sync_status(page)).to_have_text("1 change not yet synced")

    # The write is pushed 600 ms later; it fails.
    assert (after(599), after(1)) == (0, 1)
    # First retry 1-2 s after the failure, the second 2-4 s after that: backoff, not a storm.
    assert (after(999), after(1001)) == (1, 2)
    assert (after(1999), after(2001)) == (2, 3)
    expect(sync_status(page)).to_have_text("1 change not yet synced")
    expect(sync_status(page)).to_have_attribute("data-phase", "error")
    assert pain_rows(user.username) == []

    # The server is back: the third retry (4-8 s later) delivers the entry.
    context.unroute("**/api/sync/push")
    after(8000)
    assert len(attempts) == 3
    assert synced_pain_rows(page, user.username, "zone", "intensity") == [("outer_thigh", 5)]
    go_quiet(context)


def test_a_massage_saved_offline_asks_for_the_pain_after_and_keeps_the_answer(
    page, context, live_server, screenshot
):
    # The question's module loads on first use: offline it comes from the service worker's cache.
    open_the_journal_ready_offline(page, live_server, "kneader")

    context.set_offline(True)
    page.reload()
    page.locator("#pain-form[data-ready]").wait_for(state="attached")
    log_massage(page)
    saved = page.locator("[data-massage-saved]")
    expect(saved).to_contain_text("How is the pain now?")
    page.set_viewport_size({"width": 375, "height": 667})
    screenshot(page, "journal-massage-offline-pain-after")
    saved.get_by_role("button", name="Pain after: 2", exact=True).click()
    expect(saved).to_contain_text("Pain after saved: 2/10 (before: 6)")

    context.set_offline(False)
    wait_until_synced(page)
    assert [(r["pain_before"], r["pain_after"]) for r in massage_rows("kneader")] == [(6, 2)]
    go_quiet(context)
