"""The printable report draws its charts and prints without the app's navigation."""

from __future__ import annotations

import pytest

from tests.journal.test_trends_api import log_massage, log_pain

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_report_prints_charts_and_tables_without_navigation(page, login, live_server, user, screenshot):
    for day, intensity in [("02", 6), ("05", 5), ("09", 4), ("12", 4), ("16", 3), ("19", 2)]:
        log_pain(user, occurred_at=f"2026-03-{day}T08:15:00Z", intensity=intensity, note=f"day {day}")
        log_pain(user, occurred_at=f"2026-03-{day}T18:15:00Z", intensity=intensity + 1, posture="walking")
    log_massage(user, occurred_at="2026-03-10T19:00:00Z", pain_before=6, pain_after=3)
    login(page.context, user)

    page.goto(live_server.url + "/trends/report/?from=2026-03-01&to=2026-03-21")
    page.emulate_media(media="print")

    assert page.locator("#report-pain-chart svg").count() == 1
    assert page.locator("#report-posture-chart svg").count() == 1
    assert page.get_by_role("navigation", name="Main").is_hidden()
    assert page.get_by_text("day 09").is_visible()
    screenshot(page, "trends-report-print")
    assert page.console_errors == []
