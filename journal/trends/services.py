"""Trends for one user: load the rows the computation needs, then run journal.trends.compute."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection

from accounts.services import profile_get
from journal.models import MassageSession, PainEntry
from journal.trends.compute import (
    Bucket,
    JournalTotals,
    PortionTotals,
    local_days_needed,
    totals_from_records,
    trends_from_totals,
)
from journal.vocabulary import ZONES

# Local time zones lie within UTC-12 and UTC+14: every entry of a local day is inside this widened window.
_ZONE_SLACK = timedelta(hours=15)
ENTRY_FIELDS = ("occurred_at", "time_zone", "zone", "side", "posture", "intensity")
MASSAGE_FIELDS = ("occurred_at", "time_zone", "portion", "side", "pain_before", "pain_after")


def _utc_window(first_day: date, last_day: date) -> tuple[datetime, datetime]:
    utc = ZoneInfo("UTC")
    start = datetime.combine(first_day, time.min, tzinfo=utc) - _ZONE_SLACK
    end = datetime.combine(last_day + timedelta(days=1), time.min, tzinfo=utc) + _ZONE_SLACK
    return start, end


def user_today(*, user: AbstractBaseUser) -> date:
    """Today in the user's own time zone (from the profile)."""
    return datetime.now(ZoneInfo(profile_get(user=user).time_zone)).date()


def trends_get(*, user: AbstractBaseUser, date_from: date, date_to: date) -> dict[str, Any]:
    """Every trend number for the user's local days [date_from, date_to] (see compute.py for the rules)."""
    if connection.vendor == "postgresql":
        totals = _totals_in_postgresql(user=user, date_from=date_from, date_to=date_to)
    else:
        totals = _totals_in_python(user=user, date_from=date_from, date_to=date_to)
    return trends_from_totals(totals, date_from=date_from, date_to=date_to)


def _totals_in_python(*, user: AbstractBaseUser, date_from: date, date_to: date) -> JournalTotals:
    start, end = _utc_window(*local_days_needed(date_from, date_to))
    # Plain dicts, no model instances: the computation needs six fields of a few thousand rows.
    entries = PainEntry.objects.filter(
        user=user, deleted=False, occurred_at__gte=start, occurred_at__lt=end
    ).values(*ENTRY_FIELDS)
    range_start, range_end = _utc_window(date_from, date_to)
    massages = MassageSession.objects.filter(
        user=user, deleted=False, occurred_at__gte=range_start, occurred_at__lt=range_end
    ).values(*MASSAGE_FIELDS)
    return totals_from_records(entries=entries, massages=massages, date_from=date_from, date_to=date_to)


# One scan: each entry's local day is computed once, then summed three ways (per day over
# the whole window the rules need; per zone and side, and per posture, inside the range).
# Same sums as totals_from_records; tests/journal/test_trends_services.py checks both on the
# shared fixtures.
_ENTRY_TOTALS_SQL = """
WITH local AS (
    SELECT (occurred_at AT TIME ZONE time_zone)::date AS day, zone, side, posture, intensity
    FROM {table}
    WHERE user_id = %(user)s AND NOT deleted AND occurred_at >= %(start)s AND occurred_at < %(end)s
    OFFSET 0  -- a fence: each row's local day is computed once, not once per grouping set
)
SELECT day, zone, side, posture, day BETWEEN %(first)s AND %(last)s AS in_range,
       SUM(intensity), COUNT(*), MAX(intensity),
       MAX(CASE WHEN intensity > 0 THEN CASE zone {depth_cases} END END)
FROM local
GROUP BY GROUPING SETS ((day), (in_range, zone, side), (in_range, posture))
"""
_MASSAGE_TOTALS_SQL = """
SELECT portion, COUNT(*), COUNT(pain_after),
       COALESCE(SUM(pain_before) FILTER (WHERE pain_after IS NOT NULL), 0), COALESCE(SUM(pain_after), 0)
FROM {table}
WHERE user_id = %(user)s AND NOT deleted AND occurred_at >= %(start)s AND occurred_at < %(end)s
  AND (occurred_at AT TIME ZONE time_zone)::date BETWEEN %(first)s AND %(last)s
GROUP BY portion
"""


def _totals_in_postgresql(*, user: AbstractBaseUser, date_from: date, date_to: date) -> JournalTotals:
    earliest, last = local_days_needed(date_from, date_to)
    start, end = _utc_window(earliest, last)
    depth_params = {f"zone_{i}": zone.code for i, zone in enumerate(ZONES)}
    depth_cases = " ".join(f"WHEN %(zone_{i})s THEN {zone.order}" for i, zone in enumerate(ZONES))
    params = {"user": user.pk, "start": start, "end": end, "first": date_from, "last": last, **depth_params}
    first_needed, last_needed = earliest.toordinal(), last.toordinal()
    totals = JournalTotals()
    with connection.cursor() as cursor:
        cursor.execute(
            _ENTRY_TOTALS_SQL.format(depth_cases=depth_cases, table=PainEntry._meta.db_table), params
        )
        for day, zone, side, posture, in_range, total, count, peak, depth in cursor.fetchall():
            bucket = Bucket()
            bucket.total, bucket.count, bucket.peak = int(total), count, peak
            if day is not None:
                ordinal = day.toordinal()
                if not first_needed <= ordinal <= last_needed:
                    continue  # inside the widened UTC window, outside the local days needed
                totals.days[ordinal] = bucket
                if depth is not None:
                    totals.depths[ordinal] = depth
            elif in_range and zone is not None:
                totals.by_zone[(zone, side)] = bucket
            elif in_range and posture is not None:
                totals.by_posture[posture] = bucket
        range_start, range_end = _utc_window(date_from, date_to)
        cursor.execute(
            _MASSAGE_TOTALS_SQL.format(table=MassageSession._meta.db_table),
            {"user": user.pk, "start": range_start, "end": range_end, "first": date_from, "last": date_to},
        )
        for portion, sessions, rated, before, after in cursor.fetchall():
            totals.portions[portion] = PortionTotals(
                sessions=sessions, rated=rated, before=int(before), after=int(after)
            )
    return totals


def first_logged_day(*, user: AbstractBaseUser) -> date | None:
    """The local day of the user's first live entry (the start of the range "all")."""
    first = (
        PainEntry.objects.filter(user=user, deleted=False)
        .order_by("occurred_at")
        .values_list("occurred_at", "time_zone")
        .first()
    )
    if first is None:
        return None
    occurred_at, time_zone = first
    return occurred_at.astimezone(ZoneInfo(time_zone)).date()
