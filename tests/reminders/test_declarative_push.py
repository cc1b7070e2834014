"""Safari's declarative Web Push fields ride along in every payload, in the format the spec documents.

Format (W3C Push API, "declarative push message"; WebKit, "Meet Declarative Web Push",
Safari 18.4+): a JSON object with ``"web_push": 8030`` and a ``notification`` object whose
``title`` and ``navigate`` (the URL a tap opens) are required; ``mutable`` and
``app_badge`` sit beside ``notification`` at the top level.
"""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import urljoin, urlsplit

import pytest
from django.utils import timezone

from reminders.models import Delivery
from reminders.payloads import BODY_MAX_CHARS, TITLE_MAX_CHARS, build_payload, fit_text

pytestmark = pytest.mark.django_db

# Members a declarative push message's "notification" may have (NotificationOptions plus title and navigate).
NOTIFICATION_MEMBERS = {
    "title", "body", "navigate", "tag", "lang", "dir", "silent", "icon", "image", "badge", "vibrate",
    "timestamp", "renotify", "requireInteraction", "data", "actions",
}  # fmt: skip
TOP_LEVEL_DECLARATIVE = {"web_push", "notification", "mutable", "app_badge"}
SCOPE = "https://minimus.example/"


def payload_for(user, kind: str) -> dict:
    now = timezone.now()
    if kind == "weekly_summary":
        from tests.journal.test_trends_api import log_pain

        # A week with an entry: an empty one sends nothing at all.
        log_pain(user, occurred_at=now.strftime("%Y-%m-%dT%H:%M:%SZ"))
    delivery = Delivery.objects.create(
        user=user, kind=kind, occurrence_key=f"x:{kind}", fire_at=now, deadline=now + timedelta(minutes=30)
    )
    return json.loads(build_payload(delivery))


@pytest.mark.parametrize("kind", ["massage", "pain_check_in", "weekly_summary", "test"])
def test_every_payload_is_also_a_declarative_push_message(user, kind):
    payload = payload_for(user, kind)

    assert payload["web_push"] == 8030
    notification = payload["notification"]
    assert set(notification) <= NOTIFICATION_MEMBERS
    assert isinstance(notification["title"], str) and notification["title"]
    # navigate resolves against the worker's scope to a page of this site, the one the worker would open.
    navigate = urljoin(SCOPE, notification["navigate"])
    assert urlsplit(navigate).netloc == "minimus.example" and notification["navigate"] == payload["url"]
    assert (notification["title"], notification["body"], notification["tag"]) == (
        payload["title"],
        payload["body"],
        payload["tag"],
    )
    assert notification["lang"] == "en" and notification["dir"] in {"auto", "ltr", "rtl"}
    assert notification["silent"] is False
    # A worker that runs still shows its own notification, with the action buttons.
    assert payload["mutable"] is True
    assert "app_badge" not in payload or isinstance(payload["app_badge"], int)
    assert "actions" not in notification  # Safari shows none; a tap opens the pre-filled form
    assert not (set(payload) & TOP_LEVEL_DECLARATIVE) - {"web_push", "notification", "mutable"}


def test_the_check_in_opens_the_pre_filled_form_where_the_worker_does_not_run(user):
    notification = payload_for(user, "pain_check_in")["notification"]
    assert notification["navigate"] == "/journal/?prefill=last#log-pain"
    assert payload_for(user, "massage")["notification"]["navigate"] == "/journal/#log-massage"


def test_long_text_is_cut_at_a_word_to_fit_what_phones_show(user, monkeypatch):
    import reminders.payloads

    long_body = "Average pain 4.0, down 1.5 from last week; " * 8 + "it is worth seeing a doctor."
    monkeypatch.setattr(
        reminders.payloads,
        "weekly_summary_payload",
        lambda *args, **kwargs: {"title": "Your week: " + "very long title " * 6, "body": long_body},
    )
    payload = payload_for(user, "weekly_summary")

    for text, limit in [(payload["title"], TITLE_MAX_CHARS), (payload["body"], BODY_MAX_CHARS)]:
        assert len(text) <= limit and text.endswith("…")
        assert not text[:-1].endswith(" ")
    assert payload["notification"]["body"] == payload["body"]
    assert all(len(a["title"]) <= 24 for p in [payload_for(user, "pain_check_in")] for a in p["actions"])


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("Short enough", 50, "Short enough"),
        ("one two three four", 12, "one two…"),
        ("spaces   are   folded", 50, "spaces are folded"),
        ("averylongwordwithoutspaces", 10, "averylong…"),
    ],
)
def test_fit_text(text, limit, expected):
    assert fit_text(text, limit) == expected
