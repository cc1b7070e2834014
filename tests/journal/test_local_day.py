"""An entry belongs to the calendar day where and when it happened."""

from datetime import UTC, date, datetime

import pytest

from journal.models import PainEntry
from journal.selectors import massage_sessions_between, pain_entries_between, pain_entries_by_local_day
from journal.services.records import record_create, record_delete

pytestmark = pytest.mark.django_db


def _log(user, occurred_at: str, time_zone: str, **fields):
    data = {
        "occurred_at": datetime.fromisoformat(occurred_at),
        "time_zone": time_zone,
        "zone": "outer_thigh",
        "side": "left",
        "posture": "sitting",
        "intensity": 5,
    }
    data.update(fields)
    return record_create(user=user, record_type=PainEntry.sync_type, data=data)


def test_an_entry_at_half_past_midnight_belongs_to_the_new_day(user):
    # 23:30 UTC on 9 March is 00:30 on 10 March in Berlin.
    entry = _log(user, "2026-03-09T23:30:00+00:00", "Europe/Berlin")
    days = pain_entries_by_local_day(user=user, first_day=date(2026, 3, 10), last_day=date(2026, 3, 10))
    assert days == {date(2026, 3, 10): [entry]}
    assert pain_entries_by_local_day(user=user, first_day=date(2026, 3, 9), last_day=date(2026, 3, 9)) == {}


def test_a_traveller_sees_each_entry_on_the_day_it_happened_where_it_happened(user):
    # Same UTC day, two places: Berlin morning of the 10th, then an evening in New York on the 10th,
    # then a late entry in New York that is already the 11th in UTC but still the 10th locally.
    morning = _log(user, "2026-03-10T07:00:00+00:00", "Europe/Berlin")
    evening = _log(user, "2026-03-10T23:00:00+00:00", "America/New_York")
    late = _log(user, "2026-03-11T03:30:00+00:00", "America/New_York")
    next_day = _log(user, "2026-03-11T05:00:00+00:00", "America/New_York")
    days = pain_entries_by_local_day(user=user, first_day=date(2026, 3, 10), last_day=date(2026, 3, 11))
    assert days == {date(2026, 3, 10): [morning, evening, late], date(2026, 3, 11): [next_day]}


def test_far_east_and_far_west_zones_land_on_their_own_day(user):
    kiribati = _log(user, "2026-03-09T10:30:00+00:00", "Pacific/Kiritimati")  # 00:30 on the 10th, UTC+14
    samoa = _log(user, "2026-03-11T10:30:00+00:00", "Pacific/Pago_Pago")  # 23:30 on the 10th, UTC-11
    days = pain_entries_by_local_day(user=user, first_day=date(2026, 3, 10), last_day=date(2026, 3, 10))
    assert days == {date(2026, 3, 10): [kiribati, samoa]}


def test_deleted_entries_are_not_on_any_day(user):
    entry = _log(user, "2026-03-10T07:00:00+00:00", "UTC")
    record_delete(user=user, record=entry)
    assert pain_entries_by_local_day(user=user, first_day=date(2026, 3, 10), last_day=date(2026, 3, 10)) == {}


def test_trend_ranges_exclude_deleted_rows_and_other_users(user, other_user):
    start, end = datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC)
    kept = _log(user, "2026-03-10T07:00:00+00:00", "UTC")
    record_delete(user=user, record=_log(user, "2026-03-11T07:00:00+00:00", "UTC"))
    _log(user, "2026-04-01T00:00:00+00:00", "UTC")  # end is exclusive
    _log(other_user, "2026-03-10T07:00:00+00:00", "UTC")
    assert list(pain_entries_between(user=user, start=start, end=end)) == [kept]
    assert list(massage_sessions_between(user=user, start=start, end=end)) == []


def test_the_api_shows_the_local_date_of_each_entry(user_client, user):
    _log(user, "2026-03-09T23:30:00+00:00", "Europe/Berlin")
    assert user_client.get("/api/entries/").json()["results"][0]["local_date"] == "2026-03-10"
