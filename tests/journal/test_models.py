"""The database itself refuses values the app could not show, whatever code path writes them."""

import uuid
from datetime import UTC, datetime

import pytest
from django.db import DataError, IntegrityError, connection, transaction

from journal.models import MassageSession, PainEntry
from tests.journal.helpers import MASSAGE_SESSION, PAIN_ENTRY

pytestmark = pytest.mark.django_db

WHEN = datetime(2026, 3, 10, 8, 15, tzinfo=UTC)


def _row(model, record, user, overrides):
    """The record a phone sends, as the row the sync service would store: a new id, version 1."""
    return model(
        **{**record, "id": uuid.uuid4(), "user": user, "occurred_at": WHEN, "version": 1, **overrides}
    )


def _entry(user, **overrides):
    return _row(PainEntry, PAIN_ENTRY, user, overrides)


def _massage(user, **overrides):
    return _row(MassageSession, MASSAGE_SESSION, user, overrides)


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
