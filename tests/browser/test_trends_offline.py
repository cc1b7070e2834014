"""The trends page draws its charts offline from the journal kept on the phone (IndexedDB only)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.phone_journal import seed_script
from tests.frontend.pwa_helpers import heading, wait_until_offline_ready

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Two weeks of entries written in the browser while offline: last week 6 out of 10, this week 3,
# and one 8 in the upper calf 13 days ago: the highest mean of any zone, from a single entry.
SEED_JS = seed_script(
    """\
  const at = (daysAgo) => isoDay(today - daysAgo) + 'T11:00:00Z';
  const pain = (daysAgo, intensity, zone, posture) => saveRecord(db, 'pain_entry', {
    occurred_at: at(daysAgo), time_zone: 'Europe/Berlin', zone, side: 'left', posture, intensity, note: '',
  });
  for (const daysAgo of [8, 9, 10, 11, 12]) {
    await pain(daysAgo, 7, 'outer_thigh', 'walking');
    await pain(daysAgo, 5, 'lower_buttock', 'sitting');
  }
  for (const daysAgo of [1, 2, 3, 4, 5]) {
    await pain(daysAgo, 4, 'outer_thigh', 'walking');
    await pain(daysAgo, 2, 'lower_buttock', 'sitting');
  }
  await saveRecord(db, 'pain_entry', {
    occurred_at: at(13), time_zone: 'Europe/Berlin', zone: 'upper_calf', side: 'right', posture: 'standing',
    intensity: 8, note: '',
  });
  for (const daysAgo of [2, 4, 9]) {
    await saveRecord(db, 'massage_session', {
      occurred_at: at(daysAgo), time_zone: 'Europe/Berlin', portion: 'anterior', side: 'left',
      tool: 'ball', minutes: 5, pain_before: 6, pain_after: 4, note: '',
    });
  }
"""
)


@pytest.fixture
def offline_trends_page(persistent_context, login, live_server, user):
    context = persistent_context(service_workers="allow", timezone_id="Europe/Berlin")
    login(context, user)
    page = context.new_page()
    page.goto(live_server.url + "/trends/")
    wait_until_offline_ready(page)
    page.wait_for_function("() => document.documentElement.dataset.trendsReady === 'true'")
    context.set_offline(True)
    page.evaluate(SEED_JS)
    page.reload()
    page.wait_for_function("() => document.documentElement.dataset.trendsReady === 'true'")
    return page


def test_trends_page_shows_charts_offline_from_the_phones_journal(offline_trends_page, screenshot):
    page = offline_trends_page
    assert heading(page) == "Trends"
    assert page.locator("#pain-caption").inner_text() == (
        "In the last 7 days the average was 3.0 over 10 entries, "
        "down 3.2 from the 7 days before, a clear improvement."
    )
    # The one-off 8 in the upper calf is not called the worst zone: it rests on a single entry.
    assert page.locator("#zones-caption").inner_text() == (
        "In this range, hurts most: outer thigh (left), 5.5 over 10 entries; "
        "least: back / lower buttock (left), 3.5 over 10 entries."
    )
    assert page.locator("#posture-caption").inner_text() == (
        "In this range, walking hurts most (5.5 over 10 entries); sitting least (3.5 over 10 entries)."
    )
    # Caption, bar and table write a mean the same way.
    assert page.locator("#posture-chart .chart-value").first.text_content() == "3.5"
    assert page.locator("#posture-table tbody tr").first.locator("td").first.text_content() == "3.5"
    assert page.locator("#massage-caption").inner_text() == (
        "In this range, pain was 2.0 lower after on average over 3 sessions with a score after "
        "(6.0 before, 4.0 after)."
    )
    assert page.locator("#reach-caption").inner_text() == (
        "In the last 7 days the pain reached the thigh; in the 7 days before, the calf."
    )
    # The body map is coloured by mean pain (outer thigh left averages 5.5, level 6) and shaded by
    # how often each zone was logged: the single upper-calf entry is faint, the daily zones solid.
    zone = '#zones-map [data-zone="{}"][data-side="{}"]'
    thigh = page.locator(zone.format("outer_thigh", "left")).get_attribute("class").split()
    calf = page.locator(zone.format("upper_calf", "right")).get_attribute("class").split()
    assert "pain-6" in thigh and "often-3" in thigh
    assert "pain-8" in calf and "often-1" in calf
    # Every chart has a table for screen readers and people who prefer numbers.
    assert page.locator("#posture-table tbody tr").count() == 3
    assert page.locator("#trends-safety").is_hidden()
    assert page.locator("#pain-chart svg path.chart-mark-better").count() == 1
    screenshot(page, "trends-offline-360x740")
    assert [e for e in page.console_errors if "ERR_INTERNET_DISCONNECTED" not in e] == []


def test_range_buttons_switch_the_range_offline(offline_trends_page):
    page = offline_trends_page
    page.get_by_role("button", name="All").click()
    page.wait_for_function("() => location.search.includes('range=all')")
    # The page redraws after the URL changes; wait for it rather than read a half-drawn page.
    expect(page.get_by_role("button", name="All")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#trends-range-label")).to_contain_text("21 entries")
