"""The server's trend computation gives the hand-checked numbers in the shared fixtures.

The same fixtures run through the browser's twin (tests/js/trends_compute.test.mjs,
driven by test_trends_js.py), so the two cannot drift apart.
"""

from __future__ import annotations

import json

import pytest

from journal.trends.compute import change_status, compute_trends, local_day, mean_hundredths
from journal.trends.rules import trends_vocabulary
from tests.journal.trends_fixtures import FIXTURES_DIR, fixture_names, load_fixture


@pytest.mark.parametrize("name", fixture_names())
def test_fixture_gives_the_expected_trends(name):
    given, expected = load_fixture(name)
    result = compute_trends(
        entries=given["entries"], massages=given["massages"], date_from=given["from"], date_to=given["to"]
    )
    assert json.loads(json.dumps(result)) == expected


def test_the_fixtures_vocabulary_is_the_apps_vocabulary():
    # The JavaScript tests read this copy; it must be what the app sends the browser.
    assert json.loads((FIXTURES_DIR / "vocabulary.json").read_text()) == json.loads(
        json.dumps(trends_vocabulary())
    )


def test_means_round_half_away_from_zero():
    assert mean_hundredths(1, 8) == 13
    assert mean_hundredths(-1, 8) == -13
    assert mean_hundredths(2, 3) == 67
    assert mean_hundredths(-1, 300) == 0


def test_meaningful_change_is_two_points_or_thirty_percent():
    assert change_status(300, 210) == "better"
    assert change_status(300, 211) == "same"
    assert change_status(900, 700) == "better"
    assert change_status(900, 701) == "same"
    assert change_status(500, 650) == "worse"
    assert change_status(0, 100) == "same"


def test_an_entry_half_an_hour_after_local_midnight_belongs_to_the_new_day():
    from datetime import date

    assert local_day("2025-03-29T23:30:00Z", "Europe/Berlin") == date(2025, 3, 30).toordinal()
    assert local_day("2025-03-30T03:59:00Z", "America/New_York") == date(2025, 3, 29).toordinal()


def test_a_range_ending_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="from must not be after to"):
        compute_trends(entries=[], massages=[], date_from="2025-01-02", date_to="2025-01-01")


@pytest.mark.parametrize("name", fixture_names())
def test_every_fixtures_expected_numbers_are_the_plain_reference_implementations(name):
    # The expected values come from outside the app: the reference counts each number afresh
    # from its records with exact fractions (tests/journal/trends_reference.py).
    from tests.journal.trends_reference import reference_trends

    given, expected = load_fixture(name)
    reference = reference_trends(
        entries=given["entries"],
        massages=given["massages"],
        date_from=given["from"],
        date_to=given["to"],
        vocabulary=json.loads(json.dumps(trends_vocabulary())),
    )
    assert json.loads(json.dumps(reference)) == expected
