"""What the reminders section says about this device is true: "on" only once the browser
allowed notifications and the server stored the subscription; every failure leaves it "off"
with a plain reason next to the button, within 10 seconds. Offline it shows the last known
settings, read-only.

Headless Chromium has no push service of its own (and the tests never reach one on the
internet), so the page's PushManager is replaced before any script runs: it hands out a
subscription of the local fake push service, refuses as a failing push service does, or never
answers.
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from reminders.models import PushSubscription
from reminders.services import schedule_create
from tests.frontend.pwa_helpers import wait_until_offline_ready
from tests.journal.journal_browser import go_quiet
from tests.reminders.fakepush import FakePushService

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUSH_MANAGER_JS = """
(() => {
  const mode = %(mode)s;
  const device = %(device)s;
  let current = null;
  const make = () => ({
    endpoint: device.endpoint,
    options: { applicationServerKey: null },
    toJSON: () => ({ endpoint: device.endpoint, expirationTime: null, keys: device.keys }),
    unsubscribe: async () => { current = null; return true; },
  });
  PushManager.prototype.getSubscription = async function () { return current; };
  PushManager.prototype.subscribe = function () {
    if (mode === "refuse") {
      return Promise.reject(new DOMException("Registration failed - push service error", "AbortError"));
    }
    if (mode === "hang") return new Promise(() => {});
    current = make();
    return Promise.resolve(current);
  };
})();
"""


@pytest.fixture
def fake_push(vapid):
    with FakePushService(vapid_public_key=vapid["public_key"]) as service:
        yield service


def open_settings(browser, live_server, login, user, fake_push, *, mode: str, grant: bool = True):
    context = browser.new_context(viewport={"width": 375, "height": 667}, service_workers="allow")
    context.set_default_timeout(15_000)
    device = fake_push.subscribe()
    context.add_init_script(
        PUSH_MANAGER_JS
        % {"mode": json.dumps(mode), "device": json.dumps({"endpoint": device.endpoint, "keys": device.keys})}
    )
    if grant:
        context.grant_permissions(["notifications"], origin=live_server.url)
    login(context, user)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    # The browser's own "Failed to load resource" lines (offline requests) are not the page's errors.
    page.on(
        "console",
        lambda msg: (
            msg.type == "error"
            and not msg.text.startswith("Failed to load resource")
            and page.errors.append(msg.text)
        ),
    )
    page.goto(live_server.url + "/settings/")
    expect(page.locator("[data-reminders-form]")).to_be_visible()
    return context, page, device


def state(page):
    return page.locator("[data-reminders-state]")


def test_on_only_once_the_server_stored_the_subscription(browser, live_server, login, user, fake_push):
    context, page, device = open_settings(browser, live_server, login, user, fake_push, mode="ok")
    try:
        expect(state(page)).to_have_text("Reminders are off for this device.")
        page.get_by_role("button", name="Turn on reminders").click()
        expect(page.locator("[data-reminders-status]")).to_have_text(
            "Done: this device will show your reminders."
        )
        expect(state(page)).to_have_text("Reminders are on for this device.")
        assert list(PushSubscription.objects.filter(user=user).values_list("endpoint", flat=True)) == [
            device.endpoint
        ]
        assert page.errors == []
        go_quiet(context)
    finally:
        context.close()


def test_permission_denied_leaves_it_off_with_the_reason(browser, live_server, login, user, fake_push):
    context, page, _ = open_settings(browser, live_server, login, user, fake_push, mode="ok", grant=False)
    try:
        page.evaluate("Notification.requestPermission = async () => 'denied'")
        page.get_by_role("button", name="Turn on reminders").click()
        status = page.locator("[data-reminders-status]")
        expect(status).to_have_text("Not turned on: this browser did not allow notifications for Minimus.")
        expect(status).to_have_attribute("role", "alert")
        expect(state(page)).to_have_text("Reminders are off for this device.")
        expect(page.get_by_role("button", name="Turn on reminders")).to_be_visible()
        assert not PushSubscription.objects.filter(user=user).exists()
        go_quiet(context)
    finally:
        context.close()


def test_a_failing_push_service_leaves_it_off_with_the_reason(browser, live_server, login, user, fake_push):
    context, page, _ = open_settings(browser, live_server, login, user, fake_push, mode="refuse")
    try:
        page.get_by_role("button", name="Turn on reminders").click()
        expect(page.locator("[data-reminders-status]")).to_have_text(
            "Not turned on: this browser's push service did not accept the subscription. Try again later."
        )
        expect(state(page)).to_have_text("Reminders are off for this device.")
        assert not PushSubscription.objects.filter(user=user).exists()
        go_quiet(context)
    finally:
        context.close()


def test_a_server_that_does_not_store_the_device_leaves_it_off(browser, live_server, login, user, fake_push):
    context, page, _ = open_settings(browser, live_server, login, user, fake_push, mode="ok")
    try:
        page.route(
            "**/api/push/subscriptions/",
            lambda route: (
                route.fulfill(status=503, json={"detail": "down"})
                if route.request.method == "POST"
                else route.continue_()
            ),
        )
        page.get_by_role("button", name="Turn on reminders").click()
        expect(page.locator("[data-reminders-status]")).to_have_text(
            "Not turned on: the server did not store this device. Try again."
        )
        expect(state(page)).to_have_text("Reminders are off for this device.")
        expect(page.get_by_role("button", name="Turn on reminders")).to_be_enabled()
        assert not PushSubscription.objects.filter(user=user).exists()
        go_quiet(context)
    finally:
        context.close()


def test_a_push_service_that_never_answers_stops_after_ten_seconds(
    browser, live_server, login, user, fake_push
):
    context, page, _ = open_settings(browser, live_server, login, user, fake_push, mode="hang")
    try:
        page.clock.install()
        page.get_by_role("button", name="Turn on reminders").click()
        status = page.locator("[data-reminders-status]")
        expect(status).to_have_text("Turning on reminders…")
        page.clock.run_for(9_000)
        expect(status).to_have_text("Turning on reminders…")
        page.clock.run_for(1_500)
        expect(status).to_have_text(
            "Not turned on: this browser's push service did not answer within 10 seconds. Try again later."
        )
        expect(state(page)).to_have_text("Reminders are off for this device.")
        go_quiet(context)
    finally:
        context.close()


def test_a_reminder_without_a_device_is_called_out_on_home_and_settings(
    browser, live_server, login, user, fake_push
):
    schedule_create(user=user, times=["08:30"], weekdays=[0, 1, 2, 3, 4, 5, 6], time_zone="Europe/Berlin")
    context, page, _ = open_settings(browser, live_server, login, user, fake_push, mode="ok")
    try:
        expect(page.locator("[data-reminders-no-device]")).to_be_visible()
        page.goto(live_server.url + "/")
        expect(page.locator("#reminder-no-device")).to_contain_text("No device can receive this reminder yet")
        # The time in the device's own format (en-US here: 12 hours), with the zone it fires in.
        expect(page.locator("#next-reminder time")).to_contain_text("8:30 AM")

        page.goto(live_server.url + "/settings/")
        page.get_by_role("button", name="Turn on reminders").click()
        expect(state(page)).to_have_text("Reminders are on for this device.")
        expect(page.locator("[data-reminders-no-device]")).to_be_hidden()
        page.goto(live_server.url + "/")
        expect(page.locator("#next-reminder")).to_be_visible()
        expect(page.locator("#reminder-no-device")).to_have_count(0)
        go_quiet(context)
    finally:
        context.close()


def test_offline_settings_show_the_last_known_settings_read_only(
    browser, live_server, login, user, fake_push
):
    schedule_create(user=user, times=["07:45", "20:15"], weekdays=[0, 2, 4], time_zone="Europe/Berlin")
    context, page, _ = open_settings(browser, live_server, login, user, fake_push, mode="ok")
    try:
        expect(page.get_by_label("Time 1", exact=True)).to_have_value("07:45")
        wait_until_offline_ready(page)
        context.set_offline(True)
        page.reload()
        note = page.locator("[data-reminders-offline]")
        expect(note).to_contain_text("Offline: these are your reminder settings as this device last saw them")
        expect(page.get_by_label("Time 1", exact=True)).to_have_value("07:45")
        expect(page.get_by_label("Time 2", exact=True)).to_have_value("20:15")
        expect(page.get_by_label("Time 1", exact=True)).to_be_disabled()
        expect(page.get_by_role("button", name="Save reminders")).to_be_disabled()
        assert [box.is_checked() for box in page.locator('input[name="weekday"]').all()] == [
            True,
            False,
            True,
            False,
            True,
            False,
            False,
        ]
        assert page.errors == []
    finally:
        context.close()
