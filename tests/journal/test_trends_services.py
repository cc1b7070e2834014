"""The trends service reads the database and gives exactly the fixtures' numbers.

On PostgreSQL the service sums in one SQL query (local days computed by the
database); elsewhere it sums in Python. Either way the result must equal the
shared fixtures, the same ones the pure Python and JavaScript computations pass.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from journal.trends.services import trends_get
from tests.journal.trends_fixtures import fixture_names, load_fixture, store_records

pytestmark = pytest.mark.django_db


# Storing the five-year fixture's rows takes seconds: the fast tier leaves it to full runs.
STORED_FIXTURES = [
    pytest.param(name, marks=pytest.mark.slow) if name.startswith("five_years") else name
    for name in fixture_names()
]


@pytest.mark.parametrize("name", STORED_FIXTURES)
def test_service_on_stored_records_gives_the_fixtures_numbers(name, user, other_user):
    given, expected = load_fixture(name)
    store_records(user, given["entries"], given["massages"])
    # Another user's identical journal must not add to the first user's numbers.
    store_records(other_user, given["entries"], given["massages"])

    result = trends_get(
        user=user, date_from=date.fromisoformat(given["from"]), date_to=date.fromisoformat(given["to"])
    )

    assert json.loads(json.dumps(result)) == expected
