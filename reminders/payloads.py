"""What a notification says: small JSON {title, body, url, tag, actions?} per delivery kind.

Every payload also carries Safari's declarative Web Push fields (``web_push``,
``notification``, ``mutable``; W3C Push API "declarative push message", Safari 18.4+):
a browser that understands them shows the notification even when the service worker
does not run; ``mutable`` still lets a running worker show its own richer one (with
the action buttons), which is the path everywhere else.

The weekly summary text belongs to the journal (``journal.summaries``); if it
fails, a plain "your summary is ready" message is sent.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from django.core import signing

from accounts.security import auth_version
from journal.summaries import weekly_summary_payload
from reminders.models import Delivery

logger = logging.getLogger(__name__)

# Push services accept about 4 KB of ciphertext; stay well below.
MAX_PAYLOAD_BYTES = 2048
# What the platforms show before cutting: iOS and Android show about one line of title and
# four collapsed lines of body on a phone; Chrome cuts action buttons after a couple of words.
TITLE_MAX_CHARS = 50
BODY_MAX_CHARS = 178
ACTION_TITLE_MAX_CHARS = 24
# The "web_push" member that marks a declarative push message (the RFC 8030 number).
DECLARATIVE_WEB_PUSH = 8030
SNOOZE_SALT = "reminders.snooze"
SNOOZE_TOKEN_MAX_AGE = 2 * 24 * 3600


def snooze_token(*, user_id: int, occurrence_key: str, root: str = "") -> str:
    """Lets the service worker snooze without a CSRF token (it cannot read cookies).

    Bound to the notification's occurrence (one snooze each), to the first occurrence of a
    snooze chain (``root``, which caps how often one reminder is put off) and to the user's
    auth version: a sign-out, password change or token revocation after the notification
    was sent makes it invalid.
    """
    claims = {
        "u": user_id,
        "o": occurrence_key,
        "r": root or occurrence_key,
        "v": auth_version(user_id=user_id),
    }
    return signing.dumps(claims, salt=SNOOZE_SALT, compress=True)


@dataclass(frozen=True)
class SnoozeClaims:
    user_id: int
    occurrence_key: str
    root: str


def snooze_token_claims(token: str) -> SnoozeClaims | None:
    try:
        data = signing.loads(token, salt=SNOOZE_SALT, max_age=SNOOZE_TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    if data.get("v") != auth_version(user_id=data["u"]):
        return None
    occurrence, root = data.get("o"), data.get("r", data.get("o"))
    if not (isinstance(occurrence, str) and occurrence and isinstance(root, str) and root):
        return None
    return SnoozeClaims(data["u"], occurrence[:80], root[:80])


def snooze_token_user_id(token: str) -> int | None:
    claims = snooze_token_claims(token)
    return claims.user_id if claims else None


# Where a tap without an action lands: the matching form, pre-filled from this device's journal.
MASSAGE_FORM_URL = "/journal/#log-massage"
CHECK_IN_FORM_URL = "/journal/?prefill=last#log-pain"


def _massage(delivery: Delivery) -> dict[str, Any]:
    return {
        "title": "Time for your massage",
        "body": "A few minutes with a ball or your hands on the side of the hip, then log how it felt.",
        "url": MASSAGE_FORM_URL,
        # "Done" logs the massage from the notification (the worker turns it into "Log massage",
        # opening the form, when this device has no earlier massage to repeat).
        "actions": [
            {"action": "massage-done", "title": "Done", "url": MASSAGE_FORM_URL},
            {"action": "snooze", "title": "Snooze 30 min"},
        ],
        "snooze": snooze_token(
            user_id=delivery.user_id,
            occurrence_key=delivery.occurrence_key,
            root=delivery.schedule.snooze_root if delivery.schedule else "",
        ),
    }


def _weekly_summary(delivery: Delivery) -> dict[str, Any] | None:
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


def _pain_check_in(delivery: Delivery) -> dict[str, Any]:
    # The worker names the last entry in the "Same as last time" button from this device's
    # journal (the server may not have the latest offline entry yet).
    return {
        "title": "How is your pain today?",
        "body": "Log it in one tap, or open the form with your usual places.",
        "url": CHECK_IN_FORM_URL,
        "actions": [
            {"action": "same-as-last", "title": "Same as last time", "url": CHECK_IN_FORM_URL},
            {"action": "log-pain", "title": "Log now", "url": CHECK_IN_FORM_URL},
        ],
    }


def _test(delivery: Delivery) -> dict[str, Any]:
    return {
        "title": "Test notification",
        "body": "Notifications work on this device.",
        "url": "/settings/#reminders",
    }


BUILDERS = {
    Delivery.Kind.MASSAGE: _massage,
    Delivery.Kind.WEEKLY_SUMMARY: _weekly_summary,
    Delivery.Kind.PAIN_CHECK_IN: _pain_check_in,
    Delivery.Kind.TEST: _test,
}


def fit_text(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word with an ellipsis rather than mid-word by the phone."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(",;:.") + "…"


def declarative_fields(payload: dict[str, Any]) -> dict[str, Any]:
    """The declarative push message for the same notification: title, body, the page a tap
    opens (``navigate``, resolved against the worker's scope) and the tag. No action buttons:
    Safari shows none, and "Same as last time" must never be a link that only opens a form."""
    return {
        "web_push": DECLARATIVE_WEB_PUSH,
        "notification": {
            "title": payload["title"],
            "body": payload["body"],
            "navigate": payload["url"],
            "tag": payload["tag"],
            "lang": "en",
            "dir": "ltr",
            "silent": False,
        },
        "mutable": True,
    }


def build_payload(delivery: Delivery) -> bytes | None:
    """The encrypted-to-be JSON; tag = occurrence key so a duplicate replaces rather than stacks.

    None when there is nothing to say (a weekly summary of an empty week): send nothing.
    """
    content = BUILDERS[delivery.kind](delivery)
    if content is None:
        return None
    # "user": the worker writes an action's record into this user's journal database.
    payload = {
        **content,
        "tag": delivery.occurrence_key,
        "kind": delivery.kind,
        "user": str(delivery.user_id),
    }
    payload["title"] = fit_text(payload["title"], TITLE_MAX_CHARS)
    payload["body"] = fit_text(payload["body"], BODY_MAX_CHARS)
    for action in payload.get("actions", []):
        action["title"] = fit_text(action["title"], ACTION_TITLE_MAX_CHARS)
    payload.update(declarative_fields(payload))
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
