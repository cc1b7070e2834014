"""The trends page draws its charts offline from the journal kept on the phone (IndexedDB only)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.frontend.pwa_helpers import heading, wait_until_offline_ready

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Two weeks of entries written in the browser while offline: last week 6 out of 10, this week 3.
SEED_JS = """async () => {
  const { getJournal } = await import('/static/js/journal-session.js');
  const { saveRecord } = await import('/static/js/db.js');
  const { localDay, isoDay } = await import('/static/js/trends-compute.js');
  const { db } = await getJournal();
  const today = localDay(new Date(), 'Europe/Berlin');
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
  for (const daysAgo of [2, 4, 9]) {
    await saveRecord(db, 'massage_session', {
      occurred_at: at(daysAgo), time_zone: 'Europe/Berlin', portion: 'anterior', side: 'left',
      tool: 'ball', minutes: 5, pain_before: 6, pain_after: 4, note: '',
    });
  }
}"""


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
        "This week's average is 3.0, down 3.0 from last week, a clear improvement."
    )
    assert page.locator("#zones-caption").inner_text() == "Hurts most: outer thigh (left), average 5.5."
    assert page.locator("#posture-caption").inner_text() == "Walking hurts most (5.5); sitting least (3.5)."
    assert page.locator("#massage-caption").inner_text().startswith("Massage lowered pain by 2.0 points")
    assert page.locator("#reach-caption").inner_text() == (
        "This week the pain reached the thigh; the week before, the thigh."
    )
    # The body map is coloured by mean pain: outer thigh left averages 5.5, rounded to level 6.
    zone_class = page.locator('#zones-map [data-zone="outer_thigh"][data-side="left"]').get_attribute("class")
    assert "pain-6" in zone_class
    # Every chart has a table for screen readers and people who prefer numbers.
    assert page.locator("#posture-table tbody tr").count() == 2
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
    expect(page.locator("#trends-range-label")).to_contain_text("20 entries")
