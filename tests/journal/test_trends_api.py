"""/api/trends/ gives the signed-in user's own trend numbers and refuses bad ranges with 400."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from journal.services.records import record_create
from tests.journal.helpers import massage_payload, pain_payload

pytestmark = pytest.mark.django_db


def log_pain(user, **fields):
    data = pain_payload(**fields)
    data.pop("id")
    data["occurred_at"] = datetime.fromisoformat(data["occurred_at"].replace("Z", "+00:00"))
    return record_create(user=user, record_type="pain_entry", data=data)


def log_massage(user, **fields):
    data = massage_payload(**fields)
    data.pop("id")
    data["occurred_at"] = datetime.fromisoformat(data["occurred_at"].replace("Z", "+00:00"))
    return record_create(user=user, record_type="massage_session", data=data)


def test_it_gives_daily_means_on_the_users_local_days(user, user_client):
    # 23:30 UTC on 9 March is 00:30 on 10 March in Berlin: same local day as the 08:15 entry.
    log_pain(user, occurred_at="2026-03-09T23:30:00Z", intensity=4)
    log_pain(user, occurred_at="2026-03-10T08:15:00Z", intensity=7, posture="walking")
    log_massage(user, occurred_at="2026-03-10T19:00:00Z", pain_before=6, pain_after=3)

    response = user_client.get("/api/trends/", {"from": "2026-03-04", "to": "2026-03-17"})

    assert response.status_code == 200
    body = response.json()
    assert body["daily"] == [
        {"date": "2026-03-10", "mean": 5.5, "peak": 7, "count": 2, "rolling_mean": 5.5, "depth": 2}
    ]
    assert body["massage"]["mean_drop"] == 3.0
    assert [row["posture"] for row in body["by_posture"]] == ["sitting", "walking"]


def test_it_never_shows_another_users_entries(user, other_user, user_client):
    log_pain(other_user, occurred_at="2026-03-10T08:15:00Z", intensity=9)

    body = user_client.get("/api/trends/", {"from": "2026-03-04", "to": "2026-03-17"}).json()

    assert body["entry_count"] == 0
    assert body["daily"] == []


def test_deleted_entries_do_not_count(user, user_client):
    from journal.services.records import record_delete

    entry = log_pain(user, occurred_at="2026-03-10T08:15:00Z", intensity=9)
    record_delete(user=user, record=entry)

    body = user_client.get("/api/trends/", {"from": "2026-03-04", "to": "2026-03-17"}).json()

    assert body["entry_count"] == 0


def test_the_default_range_is_the_last_two_weeks_in_the_users_time_zone(user_client):
    today = datetime.now(ZoneInfo("Europe/Berlin")).date()

    body = user_client.get("/api/trends/").json()

    assert body["to"] == today.isoformat()
    assert body["from"] == (today - timedelta(days=13)).isoformat()


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "2026-03-10", "to": "2026-03-01"}, "from"),
        ({"from": "yesterday"}, "from"),
        ({"to": "2026-02-30"}, "to"),
        ({"from": "1900-01-01", "to": "2026-01-01"}, "from"),
        ({"from": "0001-01-01", "to": "0001-01-02"}, "from"),
        ({"from": "9999-12-30", "to": "9999-12-31"}, "from"),
        # Python's date parser takes these; the schema's YYYY-MM-DD does not.
        ({"from": "20260301"}, "from"),
        ({"from": "2026-W10-1"}, "from"),
        ({"to": ""}, "to"),
    ],
)
def test_bad_ranges_get_400_with_a_field_message(user_client, query, field):
    response = user_client.get("/api/trends/", query)

    assert response.status_code == 400
    assert field in response.json()


def test_it_needs_a_signed_in_user(api_client):
    assert api_client.get("/api/trends/").status_code == 401
