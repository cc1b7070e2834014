"""Building blocks for reminders tests."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from reminders.models import Delivery, PushSubscription


def make_delivery(
    subscription: PushSubscription,
    *,
    kind: str = Delivery.Kind.MASSAGE,
    fire_at: datetime | None = None,
    deadline: timedelta = timedelta(minutes=30),
    key: str | None = None,
) -> Delivery:
    fire_at = fire_at or timezone.now()
    return Delivery.objects.create(
        user_id=subscription.user_id,
        subscription=subscription,
        kind=kind,
        occurrence_key=key or f"m:0:{fire_at:%Y%m%dT%H%M%S%fZ}",
        fire_at=fire_at,
        deadline=fire_at + deadline,
        queued_at=fire_at,
    )
