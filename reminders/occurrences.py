"""What a stored schedule means in time: its rules, its next fire time, and the key and deadline
of one occurrence. Shared by the write services, the tick and the export, below all of them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from reminders.models import ReminderSchedule
from reminders.schedule import GRACE, QuietHours, next_fire_time, parse_hhmm


def schedule_rules(schedule: ReminderSchedule) -> dict[str, object]:
    """A stored schedule as the arguments of reminders.schedule's pure functions."""
    quiet = (
        QuietHours(schedule.quiet_start, schedule.quiet_end)
        if schedule.quiet_start is not None and schedule.quiet_end is not None
        else None
    )
    return {
        "times": [parse_hhmm(t) for t in schedule.times],
        "weekdays": schedule.weekdays,
        "zone": ZoneInfo(schedule.time_zone),
        "quiet": quiet,
    }


def schedule_next_fire_at(schedule: ReminderSchedule, *, after: datetime) -> datetime | None:
    return next_fire_time(after=after, **schedule_rules(schedule))


def normalised_times(times: Iterable[str]) -> list[str]:
    """Local times as stored: HH:MM, sorted, each once."""
    return sorted({parse_hhmm(t).strftime("%H:%M") for t in times})


# The first letter of an occurrence key (and so of the notification tag) names its kind.
OCCURRENCE_PREFIXES = {
    ReminderSchedule.Kind.MASSAGE: "m",
    ReminderSchedule.Kind.WEEKLY_SUMMARY: "w",
    ReminderSchedule.Kind.PAIN_CHECK_IN: "c",
}


def occurrence_key(schedule: ReminderSchedule, fire_at: datetime) -> str:
    prefix = OCCURRENCE_PREFIXES.get(schedule.kind, "m")
    return f"{prefix}:{schedule.pk}:{fire_at:%Y%m%dT%H%MZ}"


def deadline_for(kind: str, fire_at: datetime) -> datetime:
    """Reminders are useless half an hour late; a summary is still worth reading the same day."""
    if kind == ReminderSchedule.Kind.WEEKLY_SUMMARY:
        return fire_at + timedelta(hours=12)
    return fire_at + GRACE
