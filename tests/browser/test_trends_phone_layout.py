"""The trends page and the report read at a glance on a phone: enough time-axis labels for each range,
chart text at least 12 px as drawn, and the report's week table inside a 375 or 393 px screen."""

from __future__ import annotations

from datetime import date
from itertools import pairwise

import pytest

from tests.browser.phone_journal import seed_script
from tests.journal.trends_realistic import store_realistic_journal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A year of the journal written on the phone: two entries a day, easing from 7 to 3.
SEED_JS = seed_script(
    """\
  for (let daysAgo = 364; daysAgo >= 0; daysAgo -= 1) {
    const level = Math.round(3 + (4 * daysAgo) / 364);
    const moments = [['07', 'side_lying', 'lower_buttock'], ['17', 'walking', 'outer_thigh']];
    for (const [hour, posture, zone] of moments) {
      await saveRecord(db, 'pain_entry', {
        occurred_at: isoDay(today - daysAgo) + `T${hour}:00:00Z`, time_zone: 'Europe/Berlin', zone,
        side: 'left', posture, intensity: level + (posture === 'walking' ? 1 : 0), note: '',
      });
    }
  }
"""
)

# What the phone draws: each chart's x-axis labels (text, box) and the size its text is drawn at,
# the SVG's own scale included (a 12 px label in a 320-wide SVG squeezed to 300 px is 11.25 px).
MEASURE_JS = """(selector) => {
  const svg = document.querySelector(selector + ' svg');
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const box = svg.getBoundingClientRect();
  const texts = [...svg.querySelectorAll('text')];
  return {
    sizes: texts.map((t) => parseFloat(getComputedStyle(t).fontSize) * scale),
    svg: { left: box.left, right: box.right, top: box.top, bottom: box.bottom },
    xLabels: texts.filter((t) => t.getAttribute('text-anchor') === 'middle').map((t) => {
      const r = t.getBoundingClientRect();
      return { text: t.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom };
    }),
  };
}"""


def watch_refusals(page) -> list[str]:
    """Collects every refused request. Background sync is kept off the server: these pages draw
    from the phone's journal, and a year of entries pushed while the test database is being
    emptied would only race it."""
    page.route("**/api/sync/**", lambda route: route.abort())
    refused: list[str] = []
    page.on("response", lambda response: response.status >= 400 and refused.append(response.url))
    return refused


def assert_only_sync_refusals(page, refused: list[str]) -> None:
    assert refused == []
    # The aborted sync requests are the only resources that fail to load.
    assert [e for e in page.console_errors if not e.startswith("Failed to load resource")] == []


def _inside(inner: dict, outer: dict) -> bool:
    return (
        inner["left"] >= outer["left"] - 0.5
        and inner["right"] <= outer["right"] + 0.5
        and inner["top"] >= outer["top"] - 0.5
        and inner["bottom"] <= outer["bottom"] + 0.5
    )


@pytest.mark.parametrize("width", [375, 393])
def test_trends_charts_have_readable_axes_for_every_range_on_a_phone(
    page, login, live_server, user, width, screenshot
):
    page.set_viewport_size({"width": width, "height": 667 if width == 375 else 852})
    login(page.context, user)
    refused = watch_refusals(page)
    page.goto(live_server.url + "/trends/")
    page.wait_for_function("() => document.documentElement.dataset.trendsReady === 'true'")
    page.evaluate(SEED_JS)

    ranges = (("2w", "2 weeks", 5), ("3m", "3 months", 5), ("1y", "1 year", 6))
    for range_name, button, least_labels in ranges:
        page.goto(f"{live_server.url}/trends/?range={range_name}")
        page.wait_for_function("() => document.documentElement.dataset.trendsReady === 'true'")
        assert page.get_by_role("button", name=button).get_attribute("aria-pressed") == "true"
        screenshot(page, f"trends-{range_name}-{width}")
        for chart in ("#pain-chart", "#posture-chart", "#reach-chart"):
            drawn = page.evaluate(MEASURE_JS, chart)
            assert min(drawn["sizes"]) >= 12, (range_name, chart, min(drawn["sizes"]))
        pain = page.evaluate(MEASURE_JS, "#pain-chart")
        labels = pain["xLabels"]
        assert len(labels) >= least_labels, (range_name, [label["text"] for label in labels])
        for label in labels:
            assert _inside(label, pain["svg"]), (range_name, label)
        for left, right in pairwise(labels):
            assert left["right"] + 4 <= right["left"], (range_name, left["text"], right["text"])  # no overlap
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing wider than the screen
    assert_only_sync_refusals(page, refused)


@pytest.mark.parametrize("width", [375, 393])
def test_report_week_table_fits_a_phone_screen(page, login, live_server, user, width, screenshot):
    store_realistic_journal(user, last_day=date(2026, 3, 29))
    page.set_viewport_size({"width": width, "height": 667 if width == 375 else 852})
    login(page.context, user)
    refused = watch_refusals(page)

    page.goto(live_server.url + "/trends/report/?from=2025-12-29&to=2026-03-29")
    screenshot(page, f"trends-report-{width}")

    table = page.locator("table.report-weeks")
    fits = table.evaluate(
        """(table) => {
          const box = table.getBoundingClientRect();
          const rows = [...table.tBodies[0].rows];
          const lineHeight = parseFloat(getComputedStyle(rows[0].cells[0]).lineHeight) || 20;
          return {
            right: box.right,
            overflow: table.parentElement.scrollWidth - table.parentElement.clientWidth,
            tallestLabel: Math.max(...rows.map((row) => row.cells[0].getBoundingClientRect().height)),
            lineHeight,
            lastCellsInside: rows.every(
              (row) => row.cells[row.cells.length - 1].getBoundingClientRect().right <= box.right + 0.5),
          };
        }"""
    )
    assert fits["right"] <= width, fits
    assert fits["overflow"] <= 0, fits  # no column hidden behind a scroll
    assert fits["lastCellsInside"], fits
    # A week label stays on one or two lines, never five.
    assert fits["tallestLabel"] <= 2.5 * fits["lineHeight"], fits
    for chart in ("#report-pain-chart", "#report-posture-chart", "#report-reach-chart"):
        drawn = page.evaluate(MEASURE_JS, chart)
        assert min(drawn["sizes"]) >= 12, (chart, min(drawn["sizes"]))
    # The posture bars' labels are drawn whole inside the chart.
    posture = page.locator("#report-posture-chart svg")
    box = posture.bounding_box()
    for text in posture.locator("text").all():
        label = text.bounding_box()
        assert label["x"] >= box["x"] - 0.5 and label["x"] + label["width"] <= box["x"] + box["width"] + 0.5
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_only_sync_refusals(page, refused)
