"""Reads for reminders."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from reminders.models import PushSubscription, ReminderSchedule


def subscription_list(*, user: AbstractBaseUser) -> QuerySet[PushSubscription]:
    return PushSubscription.objects.filter(user=user).order_by("-last_success_at", "-created_at")


def schedule_list(*, user: AbstractBaseUser) -> QuerySet[ReminderSchedule]:
    """The user's schedules, without spent one-off snoozes."""
    return (
        ReminderSchedule.objects.filter(user=user).exclude(one_off=True, enabled=False).order_by("kind", "pk")
    )


def next_reminder_at(*, user: AbstractBaseUser):
    return (
        ReminderSchedule.objects.filter(user=user, enabled=True, next_fire_at__isnull=False)
        .order_by("next_fire_at")
        .values_list("next_fire_at", flat=True)
        .first()
    )


def receiving_device_count(*, user: AbstractBaseUser) -> int:
    """Devices that can receive a reminder: subscribed, and the last notification to them did not fail."""
    return PushSubscription.objects.filter(user=user, failure_count=0).count()
