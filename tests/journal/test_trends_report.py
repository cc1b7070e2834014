"""The printable report shows a clinician the user's own numbers, massage log and notes for a range."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.journal.test_trends_api import log_massage, log_pain

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser_client(user):
    client = Client()
    client.force_login(user)
    return client


def test_report_lists_weeks_massages_and_notes_of_the_range(user, other_user, browser_client):
    log_pain(user, occurred_at="2026-03-10T08:15:00Z", intensity=6, note="after the long drive")
    log_pain(user, occurred_at="2026-04-20T08:15:00Z", intensity=2, note="outside the range")
    log_massage(
        user, occurred_at="2026-03-10T19:00:00Z", pain_before=6, pain_after=3, note="ball at the wall"
    )
    log_pain(other_user, occurred_at="2026-03-10T08:15:00Z", intensity=9, note="bob's secret")

    response = browser_client.get("/trends/report/", {"from": "2026-03-01", "to": "2026-03-31"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "2026-03-01 to 2026-03-31 · 1 pain entries on 1 of 31 days · 1 massage sessions" in html
    assert "after the long drive" in html
    assert "ball at the wall" in html
    assert "2026-03-10 20:00" in html  # the massage at its local (Berlin) time
    assert "outside the range" not in html
    assert "bob&#x27;s secret" not in html and "bob's secret" not in html
    assert "style=" not in html  # the Content Security Policy forbids inline styles


def test_report_with_a_bad_range_answers_400_with_the_reason(browser_client):
    response = browser_client.get("/trends/report/", {"from": "2026-03-31", "to": "2026-03-01"})

    assert response.status_code == 400
    assert "Must be on or before" in response.content.decode()


def test_report_needs_sign_in(client):
    response = client.get("/trends/report/")

    assert response.status_code == 302


def test_trends_page_carries_the_vocabulary_and_the_red_flags_link(browser_client):
    html = browser_client.get("/trends/").content.decode()

    assert 'id="trends-vocabulary"' in html
    assert "/guide/is-it-the-gluteus-minimus/#red-flags" in html
    assert "style=" not in html


def test_report_caption_bar_and_table_write_a_mean_the_same_way(user, browser_client):
    # 73 / 20 = 3.65: a float's own rounding gives "3.6" (3.65 is 3.6499... in binary); the report's
    # one format rounds the exact hundredths half away from zero, so all three say 3.7.
    for n in range(20):
        log_pain(
            user, occurred_at=f"2026-03-{1 + n:02d}T08:15:00Z", intensity=4 if n < 13 else 3, posture="rest"
        )
    for day in ("02", "03", "04"):
        log_pain(user, occurred_at=f"2026-03-{day}T18:15:00Z", intensity=6, posture="walking")

    html = browser_client.get("/trends/report/", {"from": "2026-03-01", "to": "2026-03-28"}).content.decode()

    assert "at rest / other least (3.7 over 20 entries)" in html  # caption
    assert 'class="chart-text chart-value">3.7</text>' in html  # bar label in the SVG
    assert '<th scope="row">at rest / other</th><td class="num">3.7</td>' in html  # table
    assert ">3.6<" not in html


def _summary_items(html: str) -> list[str]:
    import re

    summary = html.split('id="r-summary"', 1)[1].split("</ul>", 1)[0]
    return [re.sub(r"\s+", " ", item) for item in re.findall(r"<li>(.*?)</li>", summary)]


def test_report_statements_name_their_window_and_count_and_agree_with_each_other(user, browser_client):
    # A bad first week (7 a day, and a one-off 9 in the calf), then four weeks level at 4.
    from datetime import date, timedelta

    first = date(2026, 2, 22)
    for n in range(35):
        day = (first + timedelta(days=n)).isoformat()
        log_pain(user, occurred_at=f"{day}T08:15:00Z", intensity=7 if n < 7 else 4)
    log_pain(user, occurred_at="2026-02-25T17:00:00Z", intensity=9, zone="upper_calf", side="right")
    for before, after in ((6, 3), (5, 4), (6, 3), (7, None)):
        log_massage(user, occurred_at="2026-03-10T19:00:00Z", pain_before=before, pain_after=after)

    response = browser_client.get("/trends/report/", {"from": "2026-02-22", "to": "2026-03-28"})

    assert response.status_code == 200
    html = response.content.decode()
    assert _summary_items(html) == [
        "In the last 7 days (22 to 28 Mar) the average was 4.0 over 7 entries.",
        "Against the 7 days before (4.0 over 7 entries): no change.",
        # Better than the first week, level for four weeks: one sentence says both.
        "Since your first week (22 to 28 Feb, 7.3 over 8 entries): down 3.3, a clear improvement; "
        "in the last 4 weeks it has levelled off.",
        # The single 9 in the calf is not "hurts most": it rests on one entry.
        "Over the whole range, hurts most: outer thigh (left), 4.6 over 35 entries.",
        "Too few entries to compare moments yet (at least 3 each for two of them).",
    ]
    assert (
        "In the last 4 weeks (1 to 28 Mar) the weekly average went from 4.0 to 4.0: no clear improvement."
        in html
    )
    assert (
        "In this range, pain was 2.3 lower after on average over 3 sessions with a score after "
        "(5.7 before, 3.3 after)." in html
    )
    # It records and observes; it never names a cause or a condition.
    text = html.lower().replace("it records and does not diagnose", "")
    for word in ("diagnos", "you have", "caused by", "because", "injury", "tear", "tendin", "syndrome"):
        assert word not in text, word


def test_report_says_when_too_few_massages_have_a_score_after(user, browser_client):
    log_pain(user, occurred_at="2026-03-10T08:15:00Z", intensity=5)
    log_massage(user, occurred_at="2026-03-10T19:00:00Z", pain_before=6, pain_after=3)
    log_massage(user, occurred_at="2026-03-11T19:00:00Z", pain_before=6, pain_after=None)

    html = browser_client.get("/trends/report/", {"from": "2026-03-01", "to": "2026-03-31"}).content.decode()

    assert (
        "In this range, 1 session of 2 with a score after: too few to compare (at least 3 are needed)."
        in html
    )
