"""Reminder schedules in the account export (see accounts/export.py and docs/export-format.md).

Schedules have server-made integer ids that mean nothing on another server, so
import merges by what a schedule is (kind, local times, weekdays, time zone):
importing the same file twice changes nothing, and no schedule is doubled.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from rest_framework import serializers

from accounts.selectors import profile_get
from reminders.models import ReminderSchedule
from reminders.occurrences import normalised_times
from reminders.serializers import ScheduleSerializer
from reminders.services import ScheduleLimitReached, schedule_create, schedule_update

_READ_ONLY = {"id", "one_off", "next_fire_at"}


def _identity(kind: str, times: list[str], weekdays: list[int], time_zone: str) -> tuple:
    return (kind, tuple(times), tuple(weekdays), time_zone)


class ReminderSection:
    name = "reminders"
    many = True
    csv_columns = ("kind", "times", "weekdays", "time_zone", "quiet_start", "quiet_end", "enabled")

    def dump(self, *, user: AbstractBaseUser) -> list[dict[str, Any]]:
        schedules = ReminderSchedule.objects.filter(user=user, one_off=False).order_by("kind", "pk")
        return [
            {k: v for k, v in ScheduleSerializer(s).data.items() if k not in _READ_ONLY} for s in schedules
        ]

    def load(self, *, user: AbstractBaseUser, data: Any) -> int:
        if not isinstance(data, list):
            raise serializers.ValidationError(["Expected a list of reminders."])
        rows, errors = [], {}
        for index, row in enumerate(data):
            serializer = ScheduleSerializer(data=row)
            if serializer.is_valid():
                row = dict(serializer.validated_data)
                # As schedule_create stores them, so an unchanged schedule compares equal.
                row["times"] = normalised_times(row["times"])
                row["weekdays"] = sorted(set(row["weekdays"]))
                rows.append(row)
            else:
                errors[str(index)] = serializer.errors
        if errors:
            raise serializers.ValidationError(errors)
        default_zone = profile_get(user=user).time_zone
        existing = {
            _identity(s.kind, s.times, s.weekdays, s.time_zone): s
            for s in ReminderSchedule.objects.filter(user=user, one_off=False)
        }
        written = 0
        for index, row in enumerate(rows):
            row.setdefault("time_zone", default_zone)
            key = _identity(row["kind"], row["times"], row["weekdays"], row["time_zone"])
            schedule = existing.get(key)
            if schedule is None:
                try:
                    existing[key] = schedule_create(user=user, **row)
                except ScheduleLimitReached as exc:
                    raise serializers.ValidationError(
                        {str(index): {"non_field_errors": [exc.message]}}
                    ) from None
                written += 1
                continue
            changes = {k: v for k, v in row.items() if getattr(schedule, k) != v}
            if changes:
                schedule_update(schedule=schedule, **changes)
                written += 1
        return written
