"""One Web Push request through pywebpush, and what its response means for us."""

from __future__ import annotations

import base64
import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from enum import Enum
from functools import lru_cache

import requests
from django.conf import settings
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

from reminders.endpoints import PinnedAdapter, UnsafePushEndpoint, endpoint_problem
from reminders.vapid import vapid_keys

logger = logging.getLogger(__name__)


class Outcome(Enum):
    SENT = "sent"  # 201/202
    GONE = "gone"  # 404/410: the browser dropped the subscription; delete it
    RETRY = "retry"  # 429, 5xx, timeouts, connection errors
    TOO_LARGE = "too_large"  # 413: our bug, retrying cannot help
    UNAUTHORIZED = "unauthorized"  # 401/403: a VAPID key problem; keep the subscription
    REJECTED = "rejected"  # any other 4xx


@dataclass(frozen=True)
class PushResult:
    outcome: Outcome
    status_code: int | None = None
    retry_after: float | None = None  # seconds, from a 429's Retry-After
    detail: str = ""


def topic_for(occurrence_key: str) -> str:
    """RFC 8030 Topic: at most 32 characters of the URL-safe base64 alphabet."""
    digest = hashlib.sha256(occurrence_key.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")[:32]


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Retry-After is either delay-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - (now or datetime.now(UTC))).total_seconds(), 0.0)


def classify(status_code: int, headers: dict | None = None, body: str = "") -> PushResult:
    detail = f"{status_code} {body[:200]}".strip()
    if status_code in (200, 201, 202):
        return PushResult(Outcome.SENT, status_code, detail=detail)
    if status_code in (404, 410):
        return PushResult(Outcome.GONE, status_code, detail=detail)
    if status_code == 429:
        retry_after = parse_retry_after((headers or {}).get("Retry-After"))
        return PushResult(Outcome.RETRY, status_code, retry_after=retry_after, detail=detail)
    if status_code >= 500:
        return PushResult(Outcome.RETRY, status_code, detail=detail)
    if status_code == 413:
        return PushResult(Outcome.TOO_LARGE, status_code, detail=detail)
    if status_code in (401, 403):
        return PushResult(Outcome.UNAUTHORIZED, status_code, detail=detail)
    return PushResult(Outcome.REJECTED, status_code, detail=detail)


@lru_cache(maxsize=4)
def _vapid(private_key: str) -> Vapid:
    return Vapid.from_string(private_key=private_key)


@lru_cache(maxsize=1)
def _session() -> requests.Session:
    # One pooled session per process (each prefork child builds its own after the fork).
    session = requests.Session()
    # Every connection goes to an address checked when it is opened (reminders/endpoints.py);
    # no proxy from the environment, no redirect to somewhere else.
    session.trust_env = False
    session.max_redirects = 0
    adapter = PinnedAdapter()
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def push_send(
    *,
    subscription_info: dict,
    data: bytes,
    ttl: int,
    urgency: str,
    topic: str,
    timeout: float | None = None,
) -> PushResult:
    """POST one encrypted message. Never raises for a push-service or network failure."""
    keys = vapid_keys()
    if keys is None:
        return PushResult(Outcome.UNAUTHORIZED, detail="VAPID keys are not configured")
    problem = endpoint_problem(subscription_info.get("endpoint", ""))
    if problem is not None:
        return PushResult(Outcome.REJECTED, detail=f"endpoint refused: {problem}")
    headers = {"Urgency": urgency, "Topic": topic}
    try:
        response = webpush(
            subscription_info=subscription_info,
            data=data,
            vapid_private_key=_vapid(keys.private_key),
            # A fresh dict per call: pywebpush writes this endpoint's "aud" into it.
            vapid_claims={"sub": settings.VAPID_SUBJECT},
            ttl=ttl,
            headers=headers,
            timeout=timeout or settings.PUSH_TIMEOUT_SECONDS,
            requests_session=_session(),
        )
    except WebPushException as exc:
        if exc.response is None:
            return PushResult(Outcome.RETRY, detail=str(exc)[:200])
        return classify(exc.response.status_code, exc.response.headers, exc.response.text or "")
    except UnsafePushEndpoint as exc:
        return PushResult(Outcome.REJECTED, detail=f"endpoint refused: {exc}"[:200])
    except requests.RequestException as exc:
        # Timeouts and connection errors: the push service may be briefly down.
        return PushResult(Outcome.RETRY, detail=f"{type(exc).__name__}: {exc}"[:200])
    return classify(response.status_code, response.headers)
