"""Reads of the journal: history, trends ranges and local days. Deleted rows never leave here."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Max, QuerySet

from journal.models import RECORD_MODELS, MassageSession, PainEntry, SyncedRecord

# Local time zones lie within UTC-12 and UTC+14: a local day is inside this widened UTC window.
_ZONE_SLACK = timedelta(hours=15)


def record_list(
    *,
    user: AbstractBaseUser,
    record_type: str,
    occurred_from: datetime | None = None,
    occurred_to: datetime | None = None,
) -> QuerySet[SyncedRecord]:
    """A user's live records, newest first; ``occurred_from`` inclusive, ``occurred_to`` exclusive."""
    records = RECORD_MODELS[record_type].objects.filter(user=user, deleted=False)
    if occurred_from is not None:
        records = records.filter(occurred_at__gte=occurred_from)
    if occurred_to is not None:
        records = records.filter(occurred_at__lt=occurred_to)
    return records.order_by("-occurred_at", "id")


def record_get(*, user: AbstractBaseUser, record_type: str, record_id: uuid.UUID) -> SyncedRecord | None:
    """The user's live record with this id, or None (also for another user's id or a tombstone)."""
    model = RECORD_MODELS[record_type]
    return model.objects.filter(user=user, pk=record_id, deleted=False).first()


def pain_entries_between(*, user: AbstractBaseUser, start: datetime, end: datetime) -> QuerySet[PainEntry]:
    """Live pain entries with start <= occurred_at < end, oldest first (for trends)."""
    return PainEntry.objects.filter(
        user=user, deleted=False, occurred_at__gte=start, occurred_at__lt=end
    ).order_by("occurred_at", "id")


def massage_sessions_between(
    *, user: AbstractBaseUser, start: datetime, end: datetime
) -> QuerySet[MassageSession]:
    """Live massage sessions with start <= occurred_at < end, oldest first (for trends)."""
    return MassageSession.objects.filter(
        user=user, deleted=False, occurred_at__gte=start, occurred_at__lt=end
    ).order_by("occurred_at", "id")


def _utc_window(first_day: date, last_day: date) -> tuple[datetime, datetime]:
    utc = ZoneInfo("UTC")
    start = datetime.combine(first_day, time.min, tzinfo=utc) - _ZONE_SLACK
    end = datetime.combine(last_day + timedelta(days=1), time.min, tzinfo=utc) + _ZONE_SLACK
    return start, end


def records_on_local_days(
    *, user: AbstractBaseUser, record_type: str, first_day: date, last_day: date
) -> list[SyncedRecord]:
    """Live records whose local date (in each record's own zone) is within [first_day, last_day]."""
    start, end = _utc_window(first_day, last_day)
    model = RECORD_MODELS[record_type]
    candidates = model.objects.filter(user=user, deleted=False, occurred_at__gte=start, occurred_at__lt=end)
    return [
        record
        for record in candidates.order_by("occurred_at", "id")
        if first_day <= record.local_date <= last_day
    ]


def pain_entries_by_local_day(
    *, user: AbstractBaseUser, first_day: date, last_day: date
) -> dict[date, list[PainEntry]]:
    """Entries grouped by the day they happened where they happened, days in order, entries by time.

    An entry at 00:30 local time belongs to the new day; a user who flew from
    Berlin to New York sees each entry on the local day of the place it was logged.
    """
    days: dict[date, list[PainEntry]] = defaultdict(list)
    for entry in records_on_local_days(
        user=user, record_type=PainEntry.sync_type, first_day=first_day, last_day=last_day
    ):
        days[entry.local_date].append(entry)
    return dict(sorted(days.items()))


def latest_pain_at(*, user_ids: Iterable[int], until: datetime) -> dict[int, datetime]:
    """Each user's latest live pain entry at or before ``until`` (a check-in already answered)."""
    rows = (
        PainEntry.objects.filter(user_id__in=list(user_ids), occurred_at__lte=until, deleted=False)
        .values("user_id")
        .annotate(latest=Max("occurred_at"))
    )
    return {row["user_id"]: row["latest"] for row in rows}


def users_with_massage_since(*, user_ids: Iterable[int], since: datetime) -> set[int]:
    """Users among ``user_ids`` with a live massage at or after ``since`` (reminders skip them)."""
    rows = MassageSession.objects.filter(user_id__in=list(user_ids), occurred_at__gte=since, deleted=False)
    return set(rows.values_list("user_id", flat=True).distinct())
