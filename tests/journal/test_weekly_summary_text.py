"""The weekly summary says plainly what changed, from the user's own entries."""

from __future__ import annotations

from datetime import date

import pytest

from journal.summaries import one_decimal, weekly_summary_payload
from tests.journal.test_trends_api import log_massage, log_pain

pytestmark = pytest.mark.django_db
WEEK_END = date(2026, 3, 15)  # a Sunday; the week is 9 to 15 March, Berlin time


def test_it_says_how_the_average_moved_what_hurts_most_and_what_massage_did(user):
    log_pain(user, occurred_at="2026-03-03T09:00:00Z", intensity=5, posture="sitting")
    log_pain(user, occurred_at="2026-03-05T09:00:00Z", intensity=6, posture="walking")
    log_pain(user, occurred_at="2026-03-10T09:00:00Z", intensity=3, posture="sitting")
    log_pain(user, occurred_at="2026-03-12T09:00:00Z", intensity=5, posture="walking")
    log_pain(user, occurred_at="2026-03-14T23:30:00Z", intensity=4, posture="sitting")  # 00:30 on the 15th
    log_massage(user, occurred_at="2026-03-11T19:00:00Z", pain_before=6, pain_after=4)

    payload = weekly_summary_payload(user, WEEK_END)

    assert payload == {
        "title": "Your week: Mar 9 to Mar 15",
        "body": (
            "Average pain 4.0, down 1.5 from last week; walking hurts most; massages helped by 2.0 points."
        ),
        "url": "/trends/?from=2026-03-09&to=2026-03-15",
        "tag": "weekly-summary-2026-03-15",
    }


def test_a_meaningful_drop_is_called_a_clear_improvement(user):
    log_pain(user, occurred_at="2026-03-04T09:00:00Z", intensity=7)
    log_pain(user, occurred_at="2026-03-11T09:00:00Z", intensity=4)

    body = weekly_summary_payload(user, WEEK_END)["body"]

    assert body == "Average pain 4.0, down 3.0 from last week, a clear improvement."


def test_a_week_with_no_entries_sends_nothing(user):
    log_pain(user, occurred_at="2026-03-04T09:00:00Z", intensity=7)

    assert weekly_summary_payload(user, WEEK_END) is None


def test_a_week_with_no_entries_sends_a_gentle_nudge_when_asked(user):
    payload = weekly_summary_payload(user, WEEK_END, nudge_if_empty=True)

    assert payload["body"].startswith("Nothing logged this week.")
    assert payload["url"] == "/journal/"


def test_pain_spreading_down_the_leg_is_named_calmly(user):
    log_pain(user, occurred_at="2026-02-25T09:00:00Z", intensity=5, zone="lower_buttock")
    log_pain(user, occurred_at="2026-03-04T09:00:00Z", intensity=5, zone="outer_thigh")
    log_pain(user, occurred_at="2026-03-11T09:00:00Z", intensity=5, zone="outer_lower_leg")

    body = weekly_summary_payload(user, WEEK_END)["body"]

    assert body.endswith("It has been reaching further down the leg; it is worth seeing a doctor.")


def test_no_improvement_for_three_weeks_is_named_calmly(user):
    for day in ("2026-02-18", "2026-02-25", "2026-03-04", "2026-03-11"):
        log_pain(user, occurred_at=f"{day}T09:00:00Z", intensity=5, zone="lower_buttock")

    body = weekly_summary_payload(user, WEEK_END)["body"]

    assert body.endswith("It has not improved for three weeks; it is worth seeing a doctor.")


def test_one_decimal_rounds_half_away_from_zero():
    assert one_decimal(4.05) == "4.1"
    assert one_decimal(-1.25) == "1.3"
    assert one_decimal(2.0) == "2.0"
