"""Time axes tick on calendar steps with enough labels for each range, the same on the page and in the report.

The report's SVG is drawn by journal/trends/charts.py, the trends page's by charts.js (offline);
both place ticks with one rule (calendar_ticks / calendarTicks), checked here on the same spans.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest

from journal.trends.charts import calendar_ticks

ROOT = Path(__file__).resolve().parents[2]
NODE = shutil.which("node") or "/usr/bin/node"

JS = """
import { calendarTicks } from './frontend/static/js/charts.js';
import { isoDay, parseDay } from './frontend/static/js/trends-compute.js';
const cases = JSON.parse(process.argv[1]);
const out = cases.map(([first, last, width]) =>
  calendarTicks(parseDay(first), parseDay(last), width).map(([day, label]) => [isoDay(day), label]));
console.log(JSON.stringify(out));
"""


def _cases() -> list[tuple[str, str, int]]:
    cases = []
    for last in (date(2026, 3, 29), date(2026, 1, 4), date(2024, 2, 29)):
        for days in (1, 2, 7, 14, 31, 32, 60, 91, 190, 191, 364, 365, 800, 801, 1826, 7305):
            for width in (242, 282, 305, 642):
                cases.append((str(last - timedelta(days=days - 1)), str(last), width))
    return cases


def test_page_and_report_place_the_same_ticks():
    if not Path(NODE).exists():
        pytest.fail("node is needed to run frontend/static/js/charts.js")
    cases = _cases()
    result = subprocess.run(
        [NODE, "--input-type=module", "-e", JS, json.dumps(cases)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    browser = json.loads(result.stdout)
    for (first, last, width), js_ticks in zip(cases, browser, strict=True):
        server = [
            [d.isoformat(), label]
            for d, label in calendar_ticks(date.fromisoformat(first), date.fromisoformat(last), width)
        ]
        assert js_ticks == server, (first, last, width)


@pytest.mark.parametrize(
    ("days", "step", "least_labels"),
    [(14, "day", 5), (91, "monday", 5), (364, "month", 6), (1826, "year", 4)],
)
def test_each_range_ticks_on_calendar_steps_with_enough_labels_on_a_phone(days, step, least_labels):
    last = date(2026, 3, 29)
    first = last - timedelta(days=days - 1)
    ticks = calendar_ticks(first, last, 282)  # the plot's width in a 320 px chart
    labelled = [d for d, label in ticks if label]
    assert len(labelled) >= least_labels, ticks
    if step == "monday":
        assert all(d.weekday() == 0 for d, _ in ticks)
    if step == "month":
        assert all(d.day == 1 for d, _ in ticks)
    if step == "year":
        assert all((d.month, d.day) == (1, 1) for d, _ in ticks)
    # Labels never crowd: at 7 px a character plus a gap, they fit the plot side by side.
    widest = max(len(label) for _, label in ticks if label) * 7 + 10
    assert len(labelled) * widest <= 282
