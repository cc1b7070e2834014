"""Acting from a notification in Chromium: log pain or a massage in one tap, offline, exactly once.

Each push goes through the local fake push service (which decrypts it, as a phone would)
and is then delivered to the installed service worker over the DevTools protocol. The
action handlers are the shipped ones (see tests/reminders/push_browser.py); they write
into the page's own IndexedDB database and outbox through db.js. Background Sync is fired
with ServiceWorker.dispatchSyncEvent after the page is closed.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.security import auth_version_bump
from journal.models import MassageSession, PainEntry
from reminders.models import Delivery, ReminderSchedule
from reminders.sending import delivery_send
from tests.reminders.push_browser import wait_for_notifications
from tests.waiting import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAST_PAIN = {
    "places": [{"zone": "outer_thigh", "side": "left"}, {"zone": "upper_calf", "side": "left"}],
    "posture": "walking",
    "intensity": 6,
    "note": "",
}
LAST_MASSAGE = {"portion": "anterior", "side": "left", "tool": "ball", "minutes": 8}

SEED_JS = """
async ([userId, lastPain, lastMassage]) => {
  const store = await import("/static/js/db.js");
  const db = await store.openJournalDb(userId);
  if (lastPain) await store.setMeta(db, "last_pain", lastPain);
  if (lastMassage) await store.setMeta(db, "last_massage", lastMassage);
  db.close();
}
"""

STATE_JS = """
async (userId) => {
  const store = await import("/static/js/db.js");
  const db = await store.openJournalDb(userId);
  const state = { records: await db.getAll("records"), outbox: await db.getAll("outbox") };
  db.close();
  return state;
}
"""


def pushed_through_fake_service(user, subscribe, fake_push, *, kind: str, key: str) -> bytes:
    """What the phone receives for one delivery: sent, encrypted, decrypted by the fake service."""
    device, subscription = subscribe(user)
    now = timezone.now()
    delivery = Delivery.objects.create(
        user=user,
        subscription=subscription,
        kind=kind,
        occurrence_key=key,
        fire_at=now,
        deadline=now + timedelta(minutes=30),
    )
    assert delivery_send(delivery_id=delivery.pk).status == "sent"
    [message] = fake_push.accepted(device)
    assert fake_push.errors == []
    return json.dumps(message.payload).encode()


def journal_state(page, user) -> dict:
    return page.evaluate(STATE_JS, str(user.pk))


def fire_background_sync(page, cdp, user, live_server, *, tag: str = "minimus-outbox") -> None:
    cdp.send(
        "ServiceWorker.dispatchSyncEvent",
        {
            "origin": live_server.url,
            "registrationId": page.registration_id(),
            "tag": f"{tag}:{user.pk}",
            "lastChance": False,
        },
    )


def close_the_app(push_page, push_context):
    """Close the app's page, keeping a blank one whose DevTools session can drive the worker."""
    watcher = push_context.new_page()
    cdp = push_context.new_cdp_session(watcher)
    cdp.send("ServiceWorker.enable")
    push_page.close()
    return watcher, cdp


def assert_a_second_sync_sends_nothing(push_page, watcher, cdp, user, live_server, *, entries_on_server):
    fire_background_sync(push_page, cdp, user, live_server)
    watcher.goto(live_server.url + "/")
    wait_for(lambda: journal_state(watcher, user)["outbox"] == [], page=watcher, what="an empty outbox")
    assert PainEntry.objects.filter(user=user).count() == entries_on_server


def notified_after_seeding(
    push_page, user, subscribe, fake_push, *, kind: str, key: str, last_massage=None
) -> dict:
    """The phone knows the last entry (and massage); a notification of ``kind`` arrives and shows."""
    push_page.evaluate(SEED_JS, [str(user.pk), LAST_PAIN, last_massage])
    push_page.deliver(pushed_through_fake_service(user, subscribe, fake_push, kind=kind, key=key))
    [shown] = wait_for_notifications(push_page, 1)
    return shown


def test_a_check_in_push_shows_the_notification_with_the_level_it_would_repeat(
    push_page, user, subscribe, fake_push
):
    push_page.evaluate(SEED_JS, [str(user.pk), LAST_PAIN, None])
    payload = pushed_through_fake_service(
        user, subscribe, fake_push, kind="pain_check_in", key="c:1:20261202T2000Z"
    )

    push_page.deliver(payload)

    [shown] = wait_for_notifications(push_page, 1)
    assert shown["title"] == "How is your pain today?"
    assert shown["tag"] == "c:1:20261202T2000Z"
    # Notifications cannot ask for a number: the button says which level it logs.
    assert shown["actions"] == ["Same as last (6/10)", "Log now"]


def test_same_as_last_time_offline_logs_once_and_background_sync_sends_it_after_the_page_is_gone(
    push_page, push_context, user, subscribe, fake_push, live_server
):
    notified_after_seeding(
        push_page, user, subscribe, fake_push, kind="pain_check_in", key="c:2:20261202T2000Z"
    )
    push_context.set_offline(True)
    [worker] = push_context.service_workers
    # The worker itself is offline too, not just the page.
    assert worker.evaluate("fetch('/api/sync/session').then(() => 'online', () => 'offline')") == "offline"

    # Fired twice (a double tap, a re-delivered event): one entry per place, not two.
    push_page.tap_notification("c:2:20261202T2000Z", "same-as-last", times=2)

    state = journal_state(push_page, user)
    entries = [r for r in state["records"] if r["type"] == "pain_entry"]
    assert sorted((e["zone"], e["side"], e["posture"], e["intensity"]) for e in entries) == [
        ("outer_thigh", "left", "walking", 6),
        ("upper_calf", "left", "walking", 6),
    ]
    assert all(e["version"] is None for e in entries)  # not on the server yet
    assert sorted(item["record_id"] for item in state["outbox"]) == sorted(e["id"] for e in entries)
    assert all(item["state"] == "pending" and item["create"] for item in state["outbox"])
    assert PainEntry.objects.filter(user=user).count() == 0
    [confirmation] = wait_for_notifications(push_page, 1)
    assert confirmation["title"] == "Saved: pain 6/10, as last time"

    # The app is closed; the connection comes back; the browser runs the sync.
    watcher, cdp = close_the_app(push_page, push_context)
    push_context.set_offline(False)
    fire_background_sync(push_page, cdp, user, live_server)

    stored = wait_for(
        lambda: (rows := list(PainEntry.objects.filter(user=user))) and len(rows) >= 2 and rows,
        timeout=20,
        what="the logged entries on the server",
    )
    assert sorted(str(row.id) for row in stored) == sorted(e["id"] for e in entries)
    assert {(row.intensity, row.posture) for row in stored} == {(6, "walking")}
    # A second sync (or the page's own loop later) sends nothing twice.
    assert_a_second_sync_sends_nothing(push_page, watcher, cdp, user, live_server, entries_on_server=2)


def test_massage_done_offline_logs_one_session_that_reaches_the_server_once(
    push_page, push_context, user, subscribe, fake_push, live_server
):
    shown = notified_after_seeding(
        push_page,
        user,
        subscribe,
        fake_push,
        kind="massage",
        key="m:3:20261202T0800Z",
        last_massage=LAST_MASSAGE,
    )
    assert shown["actions"] == ["Done", "Snooze 30 min"]
    push_context.set_offline(True)

    push_page.tap_notification("m:3:20261202T0800Z", "massage-done", times=2)

    state = journal_state(push_page, user)
    [session] = [r for r in state["records"] if r["type"] == "massage_session"]
    assert (session["portion"], session["side"], session["tool"], session["minutes"]) == (
        "anterior",
        "left",
        "ball",
        8,
    )
    # The pain before is the last level logged, and the notification says so; pain after comes later.
    assert (session["pain_before"], session["pain_after"]) == (6, None)
    assert [item["record_id"] for item in state["outbox"]] == [session["id"]]
    [confirmation] = wait_for_notifications(push_page, 1)
    assert confirmation["title"] == "Massage saved: 8 min, left front spot"
    assert "Pain before set to your last level, 6/10" in confirmation["body"]
    assert MassageSession.objects.filter(user=user).count() == 0

    push_context.set_offline(False)
    fire_background_sync(push_page, push_page.cdp, user, live_server)
    [stored] = wait_for(
        lambda: list(MassageSession.objects.filter(user=user)), timeout=20, what="the massage on the server"
    )
    assert (str(stored.id), stored.pain_before, stored.pain_after) == (session["id"], 6, None)
    fire_background_sync(push_page, push_page.cdp, user, live_server)
    wait_for(lambda: journal_state(push_page, user)["outbox"] == [], page=push_page, what="an empty outbox")
    assert MassageSession.objects.filter(user=user).count() == 1

    # The pain-after prompt waits on the home page.
    push_page.goto(live_server.url + "/")
    push_page.get_by_text("How is the pain now?").first.wait_for()


def test_log_now_opens_the_log_form_with_the_last_places_and_posture_picked(
    push_page, user, subscribe, fake_push, live_server, screenshot
):
    notified_after_seeding(
        push_page, user, subscribe, fake_push, kind="pain_check_in", key="c:4:20261202T2000Z"
    )

    push_page.tap_notification("c:4:20261202T2000Z", "log-pain")

    push_page.wait_for_url(live_server.url + "/journal/?prefill=last#log-pain")
    form = push_page.locator("#pain-form")
    wait_for(lambda: form.get_attribute("data-step") == "how", page=push_page, what="step 2 of the form")
    pressed = form.locator('[data-place][aria-pressed="true"]')
    assert sorted(pressed.evaluate_all("(els) => els.map((el) => el.dataset.place)")) == [
        "outer_thigh:left",
        "upper_calf:left",
    ]
    assert form.locator('input[name="posture"][value="walking"]').is_checked()
    push_page.set_viewport_size({"width": 375, "height": 667})
    screenshot(push_page, "log-form-from-check-in")
    # One more tap, on the number, saves.
    form.get_by_role("button", name="5", exact=True).first.click()
    push_page.get_by_text("Saved:").first.wait_for()


def test_the_weekly_summary_opens_trends_on_the_week_it_describes(push_page, user, live_server):
    now = timezone.now()
    delivery = Delivery.objects.create(
        user=user, kind="weekly_summary", occurrence_key="w:5:20261129T1800Z", fire_at=now, deadline=now
    )
    payload = {
        "title": "Your week: Nov 23 to Nov 29",
        "body": "Average pain 4.0.",
        "url": "/trends/?from=2026-11-23&to=2026-11-29",
        "tag": delivery.occurrence_key,
        "kind": "weekly_summary",
        "user": str(user.pk),
    }
    push_page.deliver(json.dumps(payload).encode())
    wait_for_notifications(push_page, 1)

    push_page.tap_notification("w:5:20261129T1800Z")

    push_page.wait_for_url(live_server.url + "/trends/?from=2026-11-23&to=2026-11-29")
    push_page.get_by_text("2026-11-23 to 2026-11-29").wait_for()


def test_an_entry_logged_offline_in_the_app_leaves_the_phone_after_the_app_is_closed(
    push_page, push_context, user, live_server
):
    push_page.evaluate(SEED_JS, [str(user.pk), LAST_PAIN, None])
    push_page.reload()
    button = push_page.locator("[data-same-as-last]")
    button.wait_for()
    push_context.set_offline(True)

    button.click()
    push_page.locator("[data-same-saved]").get_by_text("Saved:").wait_for()
    wait_for(
        lambda: len(journal_state(push_page, user)["outbox"]) == 2, page=push_page, what="2 outbox entries"
    )

    watcher, cdp = close_the_app(push_page, push_context)
    push_context.set_offline(False)
    fire_background_sync(push_page, cdp, user, live_server)

    wait_for(
        lambda: PainEntry.objects.filter(user=user).count() == 2,
        timeout=20,
        what="both entries on the server",
    )
    assert_a_second_sync_sends_nothing(push_page, watcher, cdp, user, live_server, entries_on_server=2)


def test_without_an_earlier_entry_the_check_in_offers_the_form_instead(
    push_page, user, subscribe, fake_push, live_server
):
    push_page.deliver(
        pushed_through_fake_service(
            user, subscribe, fake_push, kind="pain_check_in", key="c:6:20261202T2000Z"
        )
    )
    [shown] = wait_for_notifications(push_page, 1)
    # Nothing to repeat on this device: no button may claim to log "the same".
    assert shown["actions"] == ["Log pain", "Log now"]

    push_page.tap_notification("c:6:20261202T2000Z", "log-pain")

    push_page.wait_for_url(live_server.url + "/journal/?prefill=last#log-pain")
    assert journal_state(push_page, user)["outbox"] == []


def test_background_sync_never_pushes_one_users_journal_under_another_users_session(
    push_page, push_context, user, other_user, login, subscribe, fake_push, live_server
):
    notified_after_seeding(
        push_page, user, subscribe, fake_push, kind="pain_check_in", key="c:7:20261202T2000Z"
    )
    push_context.set_offline(True)
    push_page.tap_notification("c:7:20261202T2000Z", "same-as-last")
    assert len(journal_state(push_page, user)["outbox"]) == 2

    # Someone else signs in on this browser before the connection comes back.
    watcher, _ = close_the_app(push_page, push_context)
    push_context.clear_cookies()
    login(push_context, other_user)
    push_context.set_offline(False)
    [worker] = push_context.service_workers
    push_one = "(userId) => self.minimusOutboxSync.pushOutbox(userId)"

    # The sync handler's push, run to its end: nothing sent under the other user's session.
    assert worker.evaluate(push_one, str(user.pk)) == 0
    assert PainEntry.objects.count() == 0
    watcher.goto(live_server.url + "/accounts/login/")
    assert len(journal_state(watcher, user)["outbox"]) == 2

    # Its owner signs in again: the same outbox goes out, once.
    push_context.clear_cookies()
    login(push_context, user)
    assert worker.evaluate(push_one, str(user.pk)) == 2
    assert PainEntry.objects.filter(user=user).count() == 2 and PainEntry.objects.count() == 2


PENDING_SNOOZES_JS = """
async ([userId, minutesAgo]) => {
  const store = await import("/static/js/db.js");
  const db = await store.openJournalDb(userId);
  const pending = (await store.getMeta(db, "pending_snoozes")) || [];
  if (minutesAgo !== null) {
    for (const item of pending) item.tapped_at = Date.now() - minutesAgo * 60000;
    await store.setMeta(db, "pending_snoozes", pending);
  }
  db.close();
  return pending.length;
}
"""


def snoozed_offline(push_page, push_context, user, subscribe, fake_push, *, key: str):
    """A massage reminder arrives, the phone goes offline, the user taps "Snooze 30 min"."""
    push_page.deliver(pushed_through_fake_service(user, subscribe, fake_push, kind="massage", key=key))
    wait_for_notifications(push_page, 1)
    push_context.set_offline(True)
    tapped = timezone.now()
    push_page.tap_notification(key, "snooze")
    return tapped


def fire_snooze_sync(page, cdp, user, live_server) -> None:
    fire_background_sync(page, cdp, user, live_server, tag="minimus-snooze")


def snoozes_of(user) -> list[ReminderSchedule]:
    return list(ReminderSchedule.objects.filter(user=user, one_off=True))


def test_a_snooze_tapped_offline_is_sent_when_the_connection_returns_timed_from_the_tap(
    push_page, push_context, user, subscribe, fake_push, live_server
):
    tapped = snoozed_offline(push_page, push_context, user, subscribe, fake_push, key="m:5:20261202T0800Z")

    # The user is told it is waiting, not that it is done, and nothing reached the server.
    [waiting] = wait_for_notifications(push_page, 1)
    assert waiting["title"] == "Snooze waiting for a connection"
    assert "30 minutes after your tap" in waiting["body"]
    assert waiting["tag"] == "m:5:20261202T0800Z"  # in place of the reminder
    assert snoozes_of(user) == []
    assert push_page.evaluate(PENDING_SNOOZES_JS, [str(user.pk), None]) == 1

    watcher, cdp = close_the_app(push_page, push_context)
    push_context.set_offline(False)
    fire_snooze_sync(push_page, cdp, user, live_server)

    [snooze] = wait_for(lambda: snoozes_of(user), timeout=20, what="the snoozed reminder on the server")
    assert 29 * 60 <= (snooze.next_fire_at - tapped).total_seconds() <= 31 * 60
    # Sent once: nothing is left to send again.
    [worker] = push_context.service_workers
    worker.evaluate("(userId) => self.minimusPush.sendPendingSnoozes(userId)", str(user.pk))
    assert len(snoozes_of(user)) == 1
    watcher.goto(live_server.url + "/")
    assert watcher.evaluate(PENDING_SNOOZES_JS, [str(user.pk), None]) == 0


def test_a_snooze_sent_long_after_the_tap_comes_soon_after_the_connection_returns(
    push_page, push_context, user, subscribe, fake_push, live_server
):
    snoozed_offline(push_page, push_context, user, subscribe, fake_push, key="m:6:20261202T0800Z")
    # The phone stayed offline for 40 minutes after the tap.
    assert push_page.evaluate(PENDING_SNOOZES_JS, [str(user.pk), 40]) == 1
    push_context.set_offline(False)
    sent = timezone.now()
    fire_snooze_sync(push_page, push_page.cdp, user, live_server)

    [snooze] = wait_for(lambda: snoozes_of(user), page=push_page, timeout=20, what="the snoozed reminder")
    # The server's shortest snooze, from the moment it was sent; never in the past.
    assert 4 * 60 <= (snooze.next_fire_at - sent).total_seconds() <= 6 * 60


def test_a_snooze_refused_after_the_wait_says_so_and_is_not_tried_again(
    push_page, push_context, user, subscribe, fake_push, live_server
):
    snoozed_offline(push_page, push_context, user, subscribe, fake_push, key="m:7:20261202T0800Z")
    # Meanwhile the account signed out everywhere (or changed its password) on another device,
    # which voids every snooze link sent before.
    auth_version_bump(user_id=user.pk)
    push_context.set_offline(False)
    fire_snooze_sync(push_page, push_page.cdp, user, live_server)

    notice = wait_for(
        lambda: [n for n in push_page.shown_notifications() if n["title"] == "About your snooze"],
        page=push_page,
        what="the notice that the snooze was refused",
    )
    assert "expired" in notice[0]["body"]
    assert snoozes_of(user) == []
    assert push_page.evaluate(PENDING_SNOOZES_JS, [str(user.pk), None]) == 0


def test_without_background_sync_a_snooze_tapped_offline_opens_the_app_and_keeps_nothing(
    push_page, push_context, user, subscribe, fake_push, live_server
):
    push_context.clear_permissions()
    push_context.grant_permissions(["notifications"], origin=live_server.url)
    snoozed_offline(push_page, push_context, user, subscribe, fake_push, key="m:8:20261202T0800Z")

    # Nothing could send it later: the app opens on the reminder's form, and no snooze waits.
    push_page.wait_for_url(live_server.url + "/journal/#log-massage")
    assert push_page.evaluate(PENDING_SNOOZES_JS, [str(user.pk), None]) == 0
    assert push_page.shown_notifications() == []
    assert snoozes_of(user) == []
