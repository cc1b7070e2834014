"""Trends for one user: load the rows the computation needs, then run journal.trends.compute."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractBaseUser

from accounts.services import profile_get
from journal.models import MassageSession, PainEntry
from journal.trends.compute import compute_trends, local_days_needed

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
    start, end = _utc_window(*local_days_needed(date_from, date_to))
    # Plain dicts, no model instances: the computation needs six fields of a few thousand rows.
    entries = PainEntry.objects.filter(
        user=user, deleted=False, occurred_at__gte=start, occurred_at__lt=end
    ).values(*ENTRY_FIELDS)
    range_start, range_end = _utc_window(date_from, date_to)
    massages = MassageSession.objects.filter(
        user=user, deleted=False, occurred_at__gte=range_start, occurred_at__lt=range_end
    ).values(*MASSAGE_FIELDS)
    return compute_trends(entries=entries, massages=list(massages), date_from=date_from, date_to=date_to)


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
