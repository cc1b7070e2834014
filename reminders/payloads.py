"""What a notification says: small JSON {title, body, url, tag, actions?} per delivery kind.

The weekly summary text belongs to the journal (trends); if it provides
``journal.summaries.weekly_summary_payload(user, week_end)`` it is used,
otherwise a plain "your summary is ready" message is sent.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.core import signing

from reminders.models import Delivery

logger = logging.getLogger(__name__)

# Push services accept about 4 KB of ciphertext; stay well below.
MAX_PAYLOAD_BYTES = 2048
SNOOZE_SALT = "reminders.snooze"
SNOOZE_TOKEN_MAX_AGE = 2 * 24 * 3600


def snooze_token(*, user_id: int, occurrence_key: str) -> str:
    """Lets the service worker snooze without a CSRF token (it cannot read cookies)."""
    return signing.dumps({"u": user_id, "o": occurrence_key}, salt=SNOOZE_SALT, compress=True)


def snooze_token_user_id(token: str) -> int | None:
    try:
        data = signing.loads(token, salt=SNOOZE_SALT, max_age=SNOOZE_TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    return data.get("u") if isinstance(data, dict) and isinstance(data.get("u"), int) else None


def _massage(delivery: Delivery) -> dict[str, Any]:
    return {
        "title": "Time for your massage",
        "body": "A few minutes with a ball or your hands on the side of the hip, then log how it felt.",
        "url": "/journal/?log=massage",
        "actions": [
            {"action": "log-massage", "title": "Log massage", "url": "/journal/?log=massage"},
            {"action": "snooze", "title": "Snooze 30 min"},
        ],
        "snooze": snooze_token(user_id=delivery.user_id, occurrence_key=delivery.occurrence_key),
    }


def _weekly_summary(delivery: Delivery) -> dict[str, Any] | None:
    from journal.summaries import weekly_summary_payload

    fallback = {
        "title": "Your weekly summary is ready",
        "body": "See how your pain changed this week.",
        "url": "/trends/",
    }
    nudge = bool(delivery.schedule and delivery.schedule.nudge_if_empty)
    try:
        summary = weekly_summary_payload(delivery.user, delivery.fire_at, nudge_if_empty=nudge)
    except Exception:
        # A broken summary must not stop the notification the user asked for.
        logger.exception("weekly summary payload failed for delivery %s", delivery.pk)
        return fallback
    # None: nothing logged that week and no nudge wanted; the delivery is skipped.
    return None if summary is None else {**fallback, **summary}


def _test(delivery: Delivery) -> dict[str, Any]:
    return {
        "title": "Test notification",
        "body": "Notifications work on this device.",
        "url": "/settings/#reminders",
    }


BUILDERS = {
    Delivery.Kind.MASSAGE: _massage,
    Delivery.Kind.WEEKLY_SUMMARY: _weekly_summary,
    Delivery.Kind.TEST: _test,
}


def build_payload(delivery: Delivery) -> bytes | None:
    """The encrypted-to-be JSON; tag = occurrence key so a duplicate replaces rather than stacks.

    None when there is nothing to say (a weekly summary of an empty week): send nothing.
    """
    content = BUILDERS[delivery.kind](delivery)
    if content is None:
        return None
    payload = {**content, "tag": delivery.occurrence_key, "kind": delivery.kind}
    data = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    if len(data) > MAX_PAYLOAD_BYTES:
        payload["body"] = payload["body"][:200]
        data = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    return data
