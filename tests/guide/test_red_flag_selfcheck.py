"""The red-flag self-check answers urgent / today / none, and keeps nothing."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from guide.selfcheck import NONE, QUESTIONS, TODAY, URGENT, selfcheck_result

pytestmark = pytest.mark.django_db


def shown_result(markup: str) -> list[str]:
    return re.findall(r'<div class="callout[^"]*" data-result="([a-z]+)">', markup)


def test_bladder_or_saddle_symptoms_are_urgent():
    assert selfcheck_result({"saddle": "yes", "fever": "yes"}) == URGENT
    assert selfcheck_result({"bladder_bowel": "yes"}) == URGENT


def test_other_red_flags_mean_see_a_doctor_today():
    for question in QUESTIONS:
        if question.level == TODAY:
            assert selfcheck_result({question.name: "yes"}) == TODAY


def test_no_yes_means_no_warning_sign():
    assert selfcheck_result({question.name: "no" for question in QUESTIONS}) == NONE
    assert selfcheck_result({}) == NONE


def test_the_page_shows_no_result_before_answering():
    markup = Client().get("/guide/red-flag-check/").content.decode()
    assert shown_result(markup) == []
    assert markup.count("<fieldset") == len(QUESTIONS)


def test_without_javascript_the_form_shows_the_urgent_message_and_stores_nothing(django_user_model):
    client = Client()
    response = client.get("/guide/red-flag-check/", {"check": "1", "saddle": "yes", "fever": "no"})
    markup = response.content.decode()
    assert shown_result(markup) == ["urgent"]
    assert "Urgent: get emergency help now" in markup
    assert 'value="yes" checked' in markup
    assert response.cookies == {} or "sessionid" not in response.cookies
    assert "no-store" in response["Cache-Control"]


def test_without_javascript_a_fall_means_see_a_doctor_today():
    markup = Client().get("/guide/red-flag-check/", {"check": "1", "fall": "yes"}).content.decode()
    assert shown_result(markup) == ["today"]
    assert "See a doctor today" in markup


def test_odd_answers_are_ignored_not_errors():
    response = Client().get("/guide/red-flag-check/", {"check": "1", "fall": "<b>", "saddle": "maybe"})
    assert response.status_code == 200
    assert shown_result(response.content.decode()) == ["none"]
