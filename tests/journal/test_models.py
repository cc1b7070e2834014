"""The database itself refuses values the app could not show, whatever code path writes them."""

import uuid
from datetime import UTC, datetime

import pytest
from django.db import DataError, IntegrityError, connection, transaction

from journal.models import MassageSession, PainEntry

pytestmark = pytest.mark.django_db

WHEN = datetime(2026, 3, 10, 8, 15, tzinfo=UTC)


def _entry(user, **overrides):
    fields = {
        "id": uuid.uuid4(),
        "user": user,
        "occurred_at": WHEN,
        "time_zone": "Europe/Berlin",
        "zone": "outer_thigh",
        "side": "left",
        "posture": "sitting",
        "intensity": 5,
        "version": 1,
    }
    fields.update(overrides)
    return PainEntry(**fields)


def _massage(user, **overrides):
    fields = {
        "id": uuid.uuid4(),
        "user": user,
        "occurred_at": WHEN,
        "time_zone": "UTC",
        "portion": "anterior",
        "side": "right",
        "tool": "ball",
        "minutes": 5,
        "pain_before": 5,
        "version": 1,
    }
    fields.update(overrides)
    return MassageSession(**fields)


def _refused(row) -> bool:
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except (IntegrityError, DataError):
        return True
    return False


def test_a_valid_entry_and_massage_are_stored(user):
    _entry(user).save(force_insert=True)
    _massage(user).save(force_insert=True)
    assert PainEntry.objects.count() == MassageSession.objects.count() == 1


@pytest.mark.parametrize(
    "overrides",
    [{"intensity": 11}, {"zone": "elbow"}, {"side": "both"}, {"posture": "dancing"}],
    ids=["intensity-11", "unknown-zone", "unknown-side", "unknown-posture"],
)
def test_database_refuses_entry_outside_the_vocabulary(user, overrides):
    assert _refused(_entry(user, **overrides))
    assert PainEntry.objects.count() == 0


@pytest.mark.parametrize(
    "overrides",
    [
        {"minutes": 0},
        {"minutes": 61},
        {"pain_before": 11},
        {"pain_after": 12},
        {"tool": "gun"},
        {"portion": "mid"},
    ],
)
def test_database_refuses_massage_outside_the_vocabulary(user, overrides):
    assert _refused(_massage(user, **overrides))


def test_massage_pain_after_may_be_filled_in_later(user):
    assert not _refused(_massage(user, pain_after=None))


def test_two_rows_of_one_user_cannot_share_a_version(user, other_user):
    _entry(user, version=7).save(force_insert=True)
    assert _refused(_entry(user, version=7))
    assert not _refused(_entry(other_user, version=7))


def test_postgres_refuses_a_note_over_2000_characters(user):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite does not enforce varchar length; the serializers do")
    assert _refused(_entry(user, note="x" * 2001))
    assert not _refused(_entry(user, note="x" * 2000))
