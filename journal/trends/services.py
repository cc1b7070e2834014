"""Trends for one user: load the rows the computation needs, then run journal.trends.compute."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection

from accounts.selectors import profile_get
from journal.models import MassageSession, PainDay, PainEntry
from journal.trends.compute import (
    Bucket,
    JournalTotals,
    PortionTotals,
    local_days_needed,
    totals_from_records,
    trends_from_totals,
)

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


# One statement, one round trip, three parts. Days: the sums the pain entry table's triggers
# keep per local day (journal.models.PainDay), over the whole window the rules need. Entries
# inside the range, summed per zone, side and posture, which Python adds up per zone and side
# and per posture (one hash table per row fewer than a grouping set each). Massages: per
# portion, inside the range. Same sums as totals_from_records; tests/journal/test_trends_services.py
# and the differential test (tests/journal/test_trends_differential.py) check both.
_TOTALS_SQL = """
-- The local day as a proleptic ordinal (date.toordinal): an integer crosses faster than a date.
SELECT day - DATE '0001-01-01' + 1, NULL, NULL, NULL, total, count, peak, depth, NULL::bigint
FROM {days}
WHERE user_id = %(user)s AND day BETWEEN %(earliest)s AND %(last_day)s
UNION ALL
SELECT NULL, zone, side, posture, SUM(intensity), COUNT(*), MAX(intensity), NULL, NULL
FROM {entries}
WHERE user_id = %(user)s AND NOT deleted AND occurred_at >= %(range_start)s AND occurred_at < %(range_end)s
  -- Only rows near either end of the range need their local day: the rest are inside it in
  -- any time zone.
  AND (occurred_at >= %(inner_start)s AND occurred_at < %(inner_end)s
       OR (occurred_at AT TIME ZONE time_zone)::date BETWEEN %(first_day)s AND %(last_day)s)
GROUP BY zone, side, posture
UNION ALL
SELECT NULL, portion, NULL, NULL,
       COALESCE(SUM(pain_before) FILTER (WHERE pain_after IS NOT NULL), 0), COUNT(*), COUNT(pain_after),
       NULL, COALESCE(SUM(pain_after), 0)
FROM {massages}
WHERE user_id = %(user)s AND NOT deleted AND occurred_at >= %(range_start)s AND occurred_at < %(range_end)s
  AND (occurred_at >= %(inner_start)s AND occurred_at < %(inner_end)s
       OR (occurred_at AT TIME ZONE time_zone)::date BETWEEN %(first_day)s AND %(last_day)s)
GROUP BY portion
"""
_SQL = _TOTALS_SQL.format(
    days=PainDay._meta.db_table, entries=PainEntry._meta.db_table, massages=MassageSession._meta.db_table
)


def _totals_in_postgresql(*, user: AbstractBaseUser, date_from: date, date_to: date) -> JournalTotals:
    earliest, last = local_days_needed(date_from, date_to)
    range_start, range_end = _utc_window(date_from, date_to)
    params = {
        "user": user.pk,
        "earliest": earliest,
        "range_start": range_start,
        "range_end": range_end,
        # 2 * _ZONE_SLACK in from either end of the widened window: local midnight of the
        # first and after the last day, in any zone. An empty span when the range is short.
        "inner_start": range_start + 2 * _ZONE_SLACK,
        "inner_end": range_end - 2 * _ZONE_SLACK,
        "first_day": date_from,
        "last_day": last,
    }
    totals = JournalTotals()
    days, by_zone, by_posture = totals.days, totals.by_zone, totals.by_posture
    with connection.cursor() as cursor:
        cursor.execute(_SQL, params)
        rows = cursor.fetchall()
    for day, code, side, posture, total, count, peak, depth, after in rows:
        if day is not None:
            days[day] = (total, count, peak, depth)
        elif posture is not None:  # code is the zone
            for groups, key in ((by_zone, (code, side)), (by_posture, posture)):
                bucket = groups.get(key)
                if bucket is None:
                    groups[key] = Bucket(total, count, peak)
                else:
                    bucket.merge(total, count, peak)
        else:  # a massage portion: code is the portion, peak the count of rated sessions
            totals.portions[code] = PortionTotals(sessions=count, rated=peak, before=total, after=after)
    return totals
