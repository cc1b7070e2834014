"""Nightly housekeeping: dead subscriptions, old deliveries, spent one-off reminders."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from reminders.models import Delivery, PushSubscription, ReminderSchedule

# A subscription failing this long with no success is dead (a browser that was
# uninstalled without telling anyone); 404/410 are handled at once when sending.
DEAD_AFTER = timedelta(days=30)
DEAD_MIN_FAILURES = 3
KEEP_DELIVERIES = timedelta(days=30)


@transaction.atomic
def reminders_cleanup(*, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    cutoff = now - DEAD_AFTER
    dead, _ = PushSubscription.objects.filter(
        Q(last_success_at__lt=cutoff) | Q(last_success_at__isnull=True, created_at__lt=cutoff),
        failure_count__gte=DEAD_MIN_FAILURES,
    ).delete()
    old, _ = (
        Delivery.objects.filter(fire_at__lt=now - KEEP_DELIVERIES)
        .exclude(status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING])
        .delete()
    )
    spent, _ = ReminderSchedule.objects.filter(
        one_off=True, enabled=False, updated_at__lt=now - timedelta(days=1)
    ).delete()
    return {"dead_subscriptions": dead, "old_deliveries": old, "spent_one_offs": spent}
