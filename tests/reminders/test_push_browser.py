"""A push delivered to the installed service worker shows the notification; a tap opens the right screen.

Chromium's DevTools protocol delivers the push (ServiceWorker.deliverPushMessage)
with the exact payload the server builds. A system notification cannot be
clicked in headless Chromium, so the test runs the real service worker's own
click handler (self.minimusPush.handleNotificationClick, the one the
notificationclick event calls) inside the worker on the notification
getNotifications() returns.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from reminders.models import Delivery, ReminderSchedule
from reminders.payloads import build_payload
from tests.reminders.push_browser import wait_for_notifications
from tests.waiting import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def massage_delivery(user, key: str) -> Delivery:
    now = timezone.now()
    return Delivery.objects.create(
        user=user, kind="massage", occurrence_key=key, fire_at=now, deadline=now, status="sent"
    )


def test_a_pushed_reminder_shows_a_notification_and_a_tap_opens_the_journal(push_page, user, live_server):
    delivery = massage_delivery(user, "m:1:20251126T0800Z")
    push_page.deliver(build_payload(delivery))

    [shown] = wait_for_notifications(push_page, 1)
    assert shown["title"] == "Time for your massage"
    assert "ball or your hands" in shown["body"]
    assert shown["tag"] == "m:1:20251126T0800Z"
    assert shown["icon"].endswith("/static/icons/icon.svg")
    # No massage logged on this device yet: "Done" has nothing to repeat, so it opens the form.
    assert shown["actions"] == ["Log massage", "Snooze 30 min"]

    push_page.tap_notification("m:1:20251126T0800Z")
    push_page.wait_for_url(live_server.url + "/journal/#log-massage")
    assert push_page.shown_notifications() == []  # the tap closed it


# The open page keeps a read-write transaction on the journal going (a chain of reads), so the
# worker's own look into the journal waits behind it for as long as the page likes.
HOLD_THE_JOURNAL_JS = """async () => {
  const { getJournal } = await import('/static/js/journal-session.js');
  const { db } = await getJournal();
  const tx = db.transaction(['meta'], 'readwrite');
  const keepReading = () => tx.objectStore('meta').get('cursor').then(keepReading, () => undefined);
  keepReading();
}"""


def test_a_reminder_shows_even_while_the_journal_is_busy_in_another_page(push_page, user):
    push_page.evaluate(HOLD_THE_JOURNAL_JS)
    push_page.deliver(build_payload(massage_delivery(user, "m:9:20251126T0800Z")))

    [shown] = wait_for_notifications(push_page, 1)
    assert shown["title"] == "Time for your massage"
    # The worker could not read what was last logged: the buttons that need no memory.
    assert shown["actions"] == ["Log massage", "Snooze 30 min"]


def test_the_same_occurrence_twice_replaces_rather_than_stacks(push_page, user):
    payload = build_payload(massage_delivery(user, "m:2:20251126T0800Z"))
    push_page.deliver(payload)
    push_page.deliver(payload)
    # The worker handles pushes in order: once a later one shows, both copies have been shown.
    push_page.deliver(build_payload(massage_delivery(user, "m:2:20251127T0800Z")))
    shown = wait_for_notifications(push_page, 2)
    assert sorted(n["tag"] for n in shown) == ["m:2:20251126T0800Z", "m:2:20251127T0800Z"]


def test_snooze_from_the_notification_creates_a_reminder_in_thirty_minutes(push_page, user):
    push_page.deliver(build_payload(massage_delivery(user, "m:3:20251126T0800Z")))
    wait_for_notifications(push_page, 1)
    before = timezone.now()
    push_page.tap_notification("m:3:20251126T0800Z", "snooze")
    snooze = wait_for(
        lambda: ReminderSchedule.objects.filter(user=user, one_off=True).first(),
        page=push_page,
        timeout=10,
        what="the snoozed reminder",
    )
    assert 29 * 60 <= (snooze.next_fire_at - before).total_seconds() <= 31 * 60


def test_a_push_without_usable_data_still_shows_a_notification(push_page):
    push_page.deliver(b"not json")
    [shown] = wait_for_notifications(push_page, 1)
    assert shown["title"] == "Minimus" and shown["body"] == "not json"
