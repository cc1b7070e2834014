"""A push delivered to the installed service worker shows the notification; a tap opens the right screen.

Chromium's DevTools protocol delivers the push (ServiceWorker.deliverPushMessage)
with the exact payload the server builds. A system notification cannot be
clicked in headless Chromium, so the test runs the service worker's own click
handler on the notification getNotifications() returns (see push_test_sw.js).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.utils import timezone

from reminders.models import Delivery, ReminderSchedule
from reminders.payloads import build_payload
from tests.browser_harness import PHONE_VIEWPORT
from tests.services import CHROMIUM_ARGS, CHROMIUM_PATH

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEST_SW = Path(__file__).with_name("push_test_sw.js")
NOTIFICATIONS_JS = """
navigator.serviceWorker.ready
  .then((r) => r.getNotifications())
  .then((list) => list.map((n) => ({title: n.title, body: n.body, tag: n.tag, icon: n.icon,
                                   actions: n.actions.map((a) => a.title), data: n.data})))
"""


@pytest.fixture
def push_context(playwright_instance, tmp_path):
    # Linux Chromium first tries desktop notifications over D-Bus (absent here); keep them in
    # its own message centre so getNotifications() lists what was shown.
    context = playwright_instance.chromium.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=CHROMIUM_PATH,
        args=[*CHROMIUM_ARGS, "--disable-features=NativeNotifications,SystemNotifications"],
        headless=True,
        viewport=PHONE_VIEWPORT,
        service_workers="allow",
    )
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def push_page(push_context, live_server, login, user, monkeypatch):
    import pwa.app_settings

    monkeypatch.setattr(pwa.app_settings, "PWA_SERVICE_WORKER_PATH", str(TEST_SW))
    context = push_context
    context.grant_permissions(["notifications"], origin=live_server.url)
    login(context, user)
    page = context.pages[0] if context.pages else context.new_page()
    page.goto(live_server.url + "/")
    page.evaluate(
        "navigator.serviceWorker.register('/serviceworker.js').then(() => navigator.serviceWorker.ready)"
    )
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    wait_until_notifications_display(page)

    cdp = context.new_cdp_session(page)
    registrations: list[str] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(
            r["registrationId"] for r in event["registrations"] if not r["isDeleted"]
        ),
    )
    cdp.send("ServiceWorker.enable")
    deadline = time.monotonic() + 10
    while not registrations and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    assert registrations, "no service worker registration reported over CDP"

    def deliver(payload: bytes) -> None:
        cdp.send(
            "ServiceWorker.deliverPushMessage",
            {"origin": live_server.url, "registrationId": registrations[-1], "data": payload.decode()},
        )

    page.deliver = deliver
    return page


PROBE_JS = """
navigator.serviceWorker.ready.then(async (r) => {
  await r.showNotification("probe", {tag: "probe"});
  await new Promise((resolve) => setTimeout(resolve, 100));
  const shown = await r.getNotifications({tag: "probe"});
  shown.forEach((n) => n.close());
  return shown.length;
})
"""


def wait_until_notifications_display(page) -> None:
    """Chromium wires up its notification display a moment after start; until then a
    notification is accepted but never listed. Probe until one sticks."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if page.evaluate(PROBE_JS):
            return
        page.wait_for_timeout(200)
    raise AssertionError("Chromium never displayed a probe notification")


def wait_for_notifications(page, count: int) -> list[dict]:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        shown = page.evaluate(NOTIFICATIONS_JS)
        if len(shown) >= count:
            return shown
        page.wait_for_timeout(100)
    raise AssertionError(f"expected {count} notification(s), saw {shown}")


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
    assert shown["actions"] == ["Log massage", "Snooze 30 min"]

    push_page.evaluate(
        "navigator.serviceWorker.controller.postMessage("
        "{type: 'test-notification-click', tag: 'm:1:20251126T0800Z'})"
    )
    push_page.wait_for_url(live_server.url + "/journal/?log=massage")
    assert push_page.evaluate(NOTIFICATIONS_JS) == []  # the tap closed it


def test_the_same_occurrence_twice_replaces_rather_than_stacks(push_page, user):
    payload = build_payload(massage_delivery(user, "m:2:20251126T0800Z"))
    push_page.deliver(payload)
    push_page.deliver(payload)
    wait_for_notifications(push_page, 1)
    push_page.wait_for_timeout(500)
    assert len(push_page.evaluate(NOTIFICATIONS_JS)) == 1


def test_snooze_from_the_notification_creates_a_reminder_in_thirty_minutes(push_page, user):
    push_page.deliver(build_payload(massage_delivery(user, "m:3:20251126T0800Z")))
    wait_for_notifications(push_page, 1)
    before = timezone.now()
    push_page.evaluate(
        "navigator.serviceWorker.controller.postMessage("
        "{type: 'test-notification-click', tag: 'm:3:20251126T0800Z', action: 'snooze'})"
    )
    deadline = time.monotonic() + 10
    while (
        not ReminderSchedule.objects.filter(user=user, one_off=True).exists() and time.monotonic() < deadline
    ):
        push_page.wait_for_timeout(100)
    snooze = ReminderSchedule.objects.get(user=user, one_off=True)
    assert 29 * 60 <= (snooze.next_fire_at - before).total_seconds() <= 31 * 60


def test_a_push_without_usable_data_still_shows_a_notification(push_page):
    push_page.deliver(b"not json")
    [shown] = wait_for_notifications(push_page, 1)
    assert shown["title"] == "Minimus" and shown["body"] == "not json"
