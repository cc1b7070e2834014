"""Rows written by ``insert_rows`` read back exactly as the ORM's own ``bulk_create`` stores them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict

from core.bulk import insert_rows
from journal.models import MassageSession, PainEntry

pytestmark = pytest.mark.django_db

WHEN = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # the night Europe/Berlin moves to summer time


def _pain(user_id: int, index: int, **extra: object) -> dict[str, object]:
    return {
        "id": uuid.uuid4(),
        "user_id": user_id,
        "occurred_at": WHEN + timedelta(minutes=index),
        "time_zone": "Europe/Berlin",
        "zone": "outer_thigh",
        "side": "right",
        "posture": "sitting",
        "intensity": index % 11,
        "version": index + 1,
        **extra,
    }


def _stored(model: type, ids: list[uuid.UUID]) -> list[dict[str, object]]:
    rows = {row.pk: row for row in model.objects.filter(pk__in=ids)}
    return [model_to_dict(rows[pk], exclude=["created_at", "updated_at"]) for pk in ids]


def test_pain_entries_are_stored_as_bulk_create_stores_them(make_user):
    ours, theirs = make_user(username="ours"), make_user(username="theirs")
    ours_rows = [_pain(ours.pk, i, note="after the long drive" if i % 2 else "") for i in range(30)]
    ours_rows.append(_pain(ours.pk, 30))  # no note given: the field's default
    theirs_rows = [{**row, "id": uuid.uuid4(), "user_id": theirs.pk} for row in ours_rows]

    insert_rows(model=PainEntry, rows=ours_rows)
    PainEntry.objects.bulk_create([PainEntry(**row) for row in theirs_rows])

    ours_stored = _stored(PainEntry, [row["id"] for row in ours_rows])
    theirs_stored = _stored(PainEntry, [row["id"] for row in theirs_rows])
    strip = ("id", "user")
    assert [{k: v for k, v in r.items() if k not in strip} for r in ours_stored] == [
        {k: v for k, v in r.items() if k not in strip} for r in theirs_stored
    ]
    assert ours_stored[-1]["note"] == ""
    assert ours_stored[0]["occurred_at"] == WHEN
    first = PainEntry.objects.get(pk=ours_rows[0]["id"])
    assert first.deleted is False
    assert abs(first.updated_at - first.created_at) < timedelta(seconds=1)


def test_a_massage_without_pain_after_keeps_it_empty(user):
    rows = [
        {
            "id": uuid.uuid4(),
            "user_id": user.pk,
            "occurred_at": WHEN,
            "time_zone": "America/New_York",
            "portion": "anterior",
            "side": "left",
            "tool": "ball",
            "minutes": 5,
            "pain_before": 6,
            "version": 1,
        },
        {
            "id": uuid.uuid4(),
            "user_id": user.pk,
            "occurred_at": WHEN,
            "time_zone": "America/New_York",
            "portion": "posterior",
            "side": "right",
            "tool": "hands",
            "minutes": 3,
            "pain_before": 6,
            "pain_after": 2,
            "version": 2,
        },
    ]
    insert_rows(model=MassageSession, rows=rows)
    stored = {row.pk: row for row in MassageSession.objects.filter(user=user)}
    assert stored[rows[0]["id"]].pain_after is None
    assert stored[rows[1]["id"]].pain_after == 2


def test_a_duplicate_id_stores_nothing_and_leaves_earlier_rows(user):
    kept = _pain(user.pk, 0)
    insert_rows(model=PainEntry, rows=[kept])
    clash = [_pain(user.pk, 1), {**_pain(user.pk, 2), "id": kept["id"]}]
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(model=PainEntry, rows=clash)
    assert list(PainEntry.objects.filter(user=user).values_list("id", flat=True)) == [kept["id"]]


def test_nothing_to_insert_writes_nothing(user):
    insert_rows(model=PainEntry, rows=[])
    assert not PainEntry.objects.filter(user=user).exists()
