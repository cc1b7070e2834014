"""Chromium with the installed service worker, for push tests: deliver a push, run a tap.

Chromium's DevTools protocol delivers the push (ServiceWorker.deliverPushMessage). A
system notification cannot be clicked in headless Chromium, so ``tap_notification`` runs
the real service worker's own click handler (self.minimusPush.handleNotificationClick, the
one the notificationclick event calls) inside the worker on the notification
getNotifications() returns.

Chromium loses a notification from getNotifications() when that call runs while a
showNotification() is still under way: the listing drops database entries not yet displayed,
and the one being shown is never listed again (shown on screen, gone from the list). Polling
from the page beside a push made about one run in three of a tight loop lose its notification.
The harness therefore lists only from inside the worker, in turn with the worker's own
showNotification calls (each still the real call, made with the app's title and options).
"""

from __future__ import annotations

import pytest

from tests.browser_harness import PHONE_VIEWPORT
from tests.services import CHROMIUM_ARGS, CHROMIUM_PATH
from tests.waiting import wait_for

# Installed once in the worker: showNotification and the harness's own listing take turns.
TAKE_TURNS_JS = """() => {
  if (self.harnessNotifications) return;
  const registration = self.registration;
  const show = registration.showNotification.bind(registration);
  const list = registration.getNotifications.bind(registration);
  let turn = Promise.resolve();
  const inTurn = (task) => {
    const run = turn.then(task, task);
    turn = run.catch(() => undefined);
    return run;
  };
  registration.showNotification = (title, options) => inTurn(() => show(title, options));
  self.harnessNotifications = (filter) => inTurn(() => list(filter));
}"""

NOTIFICATIONS_JS = """() => self.harnessNotifications().then((list) => list.map((n) => ({
  title: n.title, body: n.body, tag: n.tag, icon: n.icon,
  actions: n.actions.map((a) => a.title), data: n.data,
})))"""


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
def push_page(push_context, live_server, login, user):
    context = push_context
    # As Chrome grants a site by default: granting replaces the whole set, so name both.
    context.grant_permissions(["notifications", "background-sync"], origin=live_server.url)
    login(context, user)
    page = context.pages[0] if context.pages else context.new_page()
    page.goto(live_server.url + "/")
    page.evaluate(
        "navigator.serviceWorker.register('/serviceworker.js', {type: 'module'})"
        ".then(() => navigator.serviceWorker.ready)"
    )
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    wait_until_notifications_display(page)
    [worker] = wait_for(lambda: context.service_workers, page=page, what="the service worker")
    worker.evaluate(TAKE_TURNS_JS)

    cdp = context.new_cdp_session(page)
    registrations: list[str] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(
            r["registrationId"] for r in event["registrations"] if not r["isDeleted"]
        ),
    )
    cdp.send("ServiceWorker.enable")
    wait_for(lambda: registrations, page=page, timeout=10, what="the service worker registration over CDP")

    def deliver(payload: bytes) -> None:
        cdp.send(
            "ServiceWorker.deliverPushMessage",
            {"origin": live_server.url, "registrationId": registrations[-1], "data": payload.decode()},
        )

    def tap(tag: str, action: str = "", *, times: int = 1) -> None:
        """Run the shipped notificationclick handler in the real service worker, ``times``
        times on the same notification (as a double tap or a re-delivered event would)."""
        worker.evaluate(
            """async ([tag, action, times]) => {
                const [found] = await self.harnessNotifications({tag});
                const handle = self.minimusPush.handleNotificationClick;
                for (let i = 0; i < times; i += 1) await handle(found, action);
            }""",
            [tag, action, times],
        )

    page.deliver = deliver
    page.tap_notification = tap
    page.shown_notifications = lambda: worker.evaluate(NOTIFICATIONS_JS)
    page.cdp = cdp
    page.registration_id = lambda: registrations[-1]
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
    wait_for(lambda: page.evaluate(PROBE_JS), page=page, what="Chromium to display a probe notification")


def wait_for_notifications(page, count: int) -> list[dict]:
    return wait_for(
        lambda: (shown := page.shown_notifications()) and len(shown) >= count and shown,
        page=page,
        # Under a loaded CI machine the worker may need several seconds to start for each push.
        timeout=20,
        what=f"{count} notification(s)",
    )
