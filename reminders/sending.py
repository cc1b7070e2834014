"""Send one delivery: claim it, POST it, record what the push service said.

The claim is a conditional UPDATE pending → sending (one row or nothing), so
two messages for one delivery (a redelivery after a crash, a sweep re-queue)
never both send. No transaction is held open across the HTTP request.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from reminders.models import Delivery, PushSubscription
from reminders.payloads import build_payload
from reminders.push import Outcome, PushResult, push_send, topic_for

logger = logging.getLogger(__name__)

MAX_RETRIES = 5
BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 1800
# Never schedule a retry so far out that Redis would redeliver the waiting message
# (unacked ETA messages come back after the visibility timeout).
VISIBILITY_MARGIN_SECONDS = 60


@dataclass(frozen=True)
class SendOutcome:
    status: str  # the delivery's status afterwards, or "not_claimed"
    retry_in: float | None = None  # seconds until the next attempt, when one is planned


def retry_countdown(
    *, attempts: int, now: datetime, deadline: datetime, retry_after: float | None
) -> float | None:
    """Seconds to wait before the next attempt, or None when no attempt is left."""
    if attempts > MAX_RETRIES:
        return None
    if retry_after is not None:
        wanted = retry_after
    else:
        # Exponential backoff with "equal jitter": half fixed, half random, so a push
        # service's hiccup does not bring every delivery back at the same second.
        base = min(BACKOFF_BASE_SECONDS * 2 ** (attempts - 1), BACKOFF_MAX_SECONDS)
        wanted = base / 2 + random.uniform(0, base / 2)
    room = (deadline - now).total_seconds() - 1
    countdown = min(wanted, room, settings.CELERY_VISIBILITY_TIMEOUT - VISIBILITY_MARGIN_SECONDS)
    if room <= 0 or (retry_after is not None and retry_after > room):
        return None
    return max(countdown, 0.0)


def _claim(delivery_id: int, now: datetime) -> bool:
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    claimed = Delivery.objects.filter(
        due, pk=delivery_id, status=Delivery.Status.PENDING, deadline__gt=now
    ).update(
        status=Delivery.Status.SENDING, sending_started_at=now, attempts=F("attempts") + 1, updated_at=now
    )
    if not claimed:
        Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.PENDING, deadline__lte=now).update(
            status=Delivery.Status.FAILED,
            last_response="deadline passed before it could be sent",
            updated_at=now,
        )
    return bool(claimed)


def _finish(delivery: Delivery, now: datetime, **fields: object) -> int:
    """Record an outcome, only if this worker still owns the row (the sweep may have taken it back)."""
    return Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.SENDING).update(
        updated_at=now, **fields
    )


def delivery_send(*, delivery_id: int, now: datetime | None = None) -> SendOutcome:
    """Send one delivery if it is still pending and due; ``now`` is for frozen-time tests."""
    started = now or timezone.now()
    if not _claim(delivery_id, started):
        return SendOutcome("not_claimed")
    delivery = Delivery.objects.select_related("subscription", "user", "schedule").get(pk=delivery_id)
    subscription = delivery.subscription
    if subscription is None:
        _finish(delivery, started, status=Delivery.Status.GONE, last_response="subscription removed")
        return SendOutcome(Delivery.Status.GONE)
    data = build_payload(delivery)
    if data is None:
        _finish(
            delivery, started, status=Delivery.Status.SKIPPED, last_response="nothing to report this week"
        )
        return SendOutcome(Delivery.Status.SKIPPED)
    result = push_send(
        subscription_info=subscription.info,
        data=data,
        ttl=max(int((delivery.deadline - started).total_seconds()), 0),
        urgency="normal" if delivery.kind == Delivery.Kind.WEEKLY_SUMMARY else "high",
        topic=topic_for(delivery.occurrence_key),
    )
    return _record(delivery, subscription, result, now or timezone.now())


def _record(
    delivery: Delivery, subscription: PushSubscription, result: PushResult, now: datetime
) -> SendOutcome:
    common = {"last_status_code": result.status_code, "last_response": result.detail[:300]}
    if result.outcome is Outcome.SENT:
        _finish(delivery, now, status=Delivery.Status.SENT, sent_at=now, **common)
        PushSubscription.objects.filter(pk=subscription.pk).update(
            last_success_at=now, failure_count=0, last_error=""
        )
        return SendOutcome(Delivery.Status.SENT)

    PushSubscription.objects.filter(pk=subscription.pk).update(
        last_error_at=now, last_error=result.detail[:300], failure_count=F("failure_count") + 1
    )
    if result.outcome is Outcome.GONE:
        with transaction.atomic():
            _finish(delivery, now, status=Delivery.Status.GONE, **common)
            # The browser unsubscribed or the push service expired it: never send there again.
            PushSubscription.objects.filter(pk=subscription.pk).delete()
        return SendOutcome(Delivery.Status.GONE)
    if result.outcome is Outcome.RETRY:
        countdown = retry_countdown(
            attempts=delivery.attempts, now=now, deadline=delivery.deadline, retry_after=result.retry_after
        )
        if countdown is None:
            _finish(delivery, now, status=Delivery.Status.FAILED, **common)
            return SendOutcome(Delivery.Status.FAILED)
        _finish(
            delivery,
            now,
            status=Delivery.Status.PENDING,
            next_attempt_at=now + timedelta(seconds=countdown),
            queued_at=now,
            **common,
        )
        return SendOutcome(Delivery.Status.PENDING, retry_in=countdown)
    if result.outcome is Outcome.UNAUTHORIZED:
        # Loud, and the subscription stays: a VAPID key mix-up would otherwise wipe every device.
        logger.error(
            "push service refused our VAPID credentials (%s) for subscription %s: check VAPID keys/subject",
            result.status_code,
            subscription.pk,
        )
    elif result.outcome is Outcome.TOO_LARGE:
        logger.error(
            "push payload too large for delivery %s (%s): a bug, not retried", delivery.pk, result.detail
        )
    else:
        logger.warning("push rejected for delivery %s: %s", delivery.pk, result.detail)
    _finish(delivery, now, status=Delivery.Status.FAILED, **common)
    return SendOutcome(Delivery.Status.FAILED)
