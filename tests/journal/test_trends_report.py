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
    assert "2026-03-01 to 2026-03-31: 1 pain entries on 1 of 31 days, 1 massage sessions" in html
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
