"""The phone's storage fails: the user is told what happened and what to do, and no entry is dropped.

Three failures of IndexedDB, each made real in Chromium: a full store (every put and add
throws QuotaExceededError, as a write over the quota does), an upgrade blocked by another tab
that holds the old version open and never lets go, and a database that will not open at all
(its open request fails, as in private windows of some browsers or with site data blocked).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from journal.models import MassageSession
from tests.journal.journal_browser import choose_places, go_quiet, pain_rows, wait_until_synced
from tests.waiting import wait_for


def massage_rows(user) -> list[tuple[int, int, int | None]]:
    return list(MassageSession.objects.filter(user=user).values_list("minutes", "pain_before", "pain_after"))


pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SMALL_PHONE = {"width": 375, "height": 667}
NOTE = "after two hours in the car"

# Writes to the journal fail with the browser's own quota error while window.__storageFull is set,
# or once window.__writesLeft (when a number) has run out.
STORAGE_FULL = """(() => {
  for (const method of ["put", "add"]) {
    const original = IDBObjectStore.prototype[method];
    IDBObjectStore.prototype[method] = function (...args) {
      const spent = typeof window.__writesLeft === "number" && window.__writesLeft-- <= 0;
      if (window.__storageFull || spent) {
        throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
      }
      return original.apply(this, args);
    };
  }
})()"""

# A newer app version: it asks for the journal database one version up (which needs no new store).
NEWER_DATABASE_VERSION = """(() => {
  const open = IDBFactory.prototype.open;
  IDBFactory.prototype.open = function (name, version) {
    const newer = String(name).startsWith("minimus-journal-") && version ? version + 1 : version;
    return open.call(this, name, newer);
  };
})()"""

# The open request itself fails: its upgrade is aborted before the app's code sees it, so the
# request ends in an error and no database is created.
OPEN_FAILS = """(() => {
  const open = IDBFactory.prototype.open;
  IDBFactory.prototype.open = function (name, version) {
    const request = open.call(this, name, version);
    if (String(name).startsWith("minimus-journal-")) {
      request.addEventListener("upgradeneeded", (event) => {
        event.stopImmediatePropagation();
        request.transaction.abort();
      });
    }
    return request;
  };
})()"""

# An old tab of the app: it holds the database open and ignores every request to let go.
HOLD_DATABASE = """(userId) => new Promise((resolve, reject) => {
  const request = indexedDB.open("minimus-journal-" + userId);
  request.onsuccess = () => { window.heldDatabase = request.result; resolve(request.result.version); };
  request.onerror = () => reject(request.error);
})"""

LOCAL_RECORDS = """async (userId) => {
  const store = await import("/static/js/db.js");
  const db = await store.openJournalDb(userId);
  const rows = await store.allRecords(db);
  db.close();
  return rows.map((row) => row.note);
}"""


def open_journal(page, live_server) -> None:
    page.set_viewport_size(SMALL_PHONE)
    page.goto(live_server.url + "/journal/")
    page.locator("#pain-form[data-ready]").wait_for(state="attached")


def type_entry(page) -> None:
    """Right outer thigh, sitting, a note: everything but the number that saves."""
    choose_places(page, ["outer thigh, right"])
    page.locator("[data-posture] label.chip").filter(has=page.get_by_text("Sitting", exact=True)).click()
    page.get_by_text("Add a note (before you tap the number)").click()
    page.get_by_label("Note (optional)").fill(NOTE)


def tap_number(page, number: int = 6) -> None:
    page.locator(f'button[name="intensity"][value="{number}"]').click()


def expect_entry_still_in_form(page) -> None:
    # Step 2 is still on screen; the place chosen in step 1 is still chosen.
    expect(page.locator('[data-place="outer_thigh:right"]')).to_have_attribute("aria-pressed", "true")
    expect(page.locator("[data-zone-summary]")).to_have_text("Right outer thigh")
    expect(page.get_by_label("Note (optional)")).to_have_value(NOTE)
    expect(page.locator('input[name="posture"][value="sitting"]')).to_be_checked()
    expect(page.locator("[data-pain-saved]")).to_be_hidden()


def phone_screenshot(page, screenshot, name: str, *, at: str) -> None:
    page.locator(at).scroll_into_view_if_needed()
    path = screenshot(page, name)
    page.screenshot(path=str(path.with_name(f"{name}-viewport.png")))


def open_synced_journal(page, context, live_server, login, user) -> None:
    """Signed in, on the journal, its first sync done: the local store is open and in use."""
    login(context, user)
    open_journal(page, live_server)
    wait_until_synced(page)


def test_a_full_store_says_so_and_keeps_the_entry_until_there_is_room(
    page, context, live_server, login, user, screenshot
):
    context.add_init_script(STORAGE_FULL)
    open_synced_journal(page, context, live_server, login, user)
    page.evaluate("window.__storageFull = true")

    type_entry(page)
    tap_number(page)
    notice = page.locator("#storage-problem")
    expect(notice).to_contain_text("This phone's storage for Minimus is full")
    expect(notice).to_contain_text("Free some space")
    expect(page.locator("#pain-form [data-form-error]")).to_have_text(
        "Not saved: this phone's storage is full. "
        "Your entry is still here: free some space, then save it again."
    )
    expect_entry_still_in_form(page)
    phone_screenshot(page, screenshot, "storage-full-pain", at="#pain-form [data-form-error]")
    assert pain_rows(user.username) == []

    # The massage form too: the message next to its button, every choice still made.
    page.goto(live_server.url + "/journal/#massage")
    page.locator("#pain-form[data-ready]").wait_for(state="attached")
    page.evaluate("window.__storageFull = true")
    page.get_by_label("Minutes").fill("7")
    page.locator('[data-score="pain_before"] label.score').filter(has_text="4").first.click()
    page.get_by_role("button", name="Save massage").click()
    massage_error = page.locator("#massage-form [data-form-error]")
    expect(massage_error).to_contain_text("Not saved: this phone's storage is full")
    expect(page.get_by_label("Minutes")).to_have_value("7")
    expect(page.locator('input[name="pain_before"][value="4"]')).to_be_checked()
    phone_screenshot(page, screenshot, "storage-full-massage", at="#massage-form [data-form-error]")

    # Room again: the same entry, typed once, saves and reaches the server.
    page.goto(live_server.url + "/journal/")
    page.locator("#pain-form[data-ready]").wait_for(state="attached")
    type_entry(page)
    tap_number(page)
    expect(page.locator("[data-pain-saved]")).to_contain_text("Saved:")
    wait_until_synced(page)
    rows = wait_for(lambda: pain_rows(user.username), what="the entry on the server")
    assert [(r["zone"], r["side"], r["posture"], r["intensity"], r["note"]) for r in rows] == [
        ("outer_thigh", "right", "sitting", 6, NOTE)
    ]
    go_quiet(context)


def test_a_store_that_fills_up_between_two_places_keeps_the_place_not_saved(
    page, context, live_server, login, user
):
    context.add_init_script(STORAGE_FULL)
    open_synced_journal(page, context, live_server, login, user)
    choose_places(page, ["outer thigh, right", "lower buttock, left"])
    page.locator("[data-posture] label.chip").filter(has=page.get_by_text("Walking", exact=True)).click()
    # One record is three writes (the record, its outbox entry, the mutation counter): room for one.
    page.evaluate("window.__writesLeft = 3")
    tap_number(page, 5)

    error = page.locator("#pain-form [data-form-error]")
    expect(error).to_contain_text("Not saved: this phone's storage is full. Your entry is still here")
    message = error.inner_text()
    assert message.startswith("Saved: ")
    saved_place = message.removeprefix("Saved: ").split(".")[0]
    assert saved_place in {"Right outer thigh", "Left lower buttock"}
    kept_place = ({"Right outer thigh", "Left lower buttock"} - {saved_place}).pop()
    # The saved place left the form; the other is still chosen, with the moment.
    expect(page.locator("[data-zone-summary]")).to_have_text(kept_place)
    expect(page.locator('input[name="posture"][value="walking"]')).to_be_checked()

    page.evaluate("window.__writesLeft = undefined")
    tap_number(page, 5)
    expect(page.locator("[data-pain-saved]")).to_contain_text(f"Saved: {kept_place}, 5/10")
    wait_until_synced(page)
    rows = wait_for(
        lambda: len(pain_rows(user.username)) == 2 and pain_rows(user.username), what="both places"
    )
    assert sorted((r["zone"], r["side"], r["posture"], r["intensity"]) for r in rows) == [
        ("lower_buttock", "left", "walking", 5),
        ("outer_thigh", "right", "walking", 5),
    ]
    go_quiet(context)


def test_an_edit_the_full_store_refuses_stays_in_its_dialog(
    page, context, live_server, login, user, screenshot
):
    context.add_init_script(STORAGE_FULL)
    login(context, user)
    open_journal(page, live_server)
    choose_places(page, ["outer thigh, right"])
    page.locator("[data-posture] label.chip").filter(has=page.get_by_text("Sitting", exact=True)).click()
    tap_number(page, 4)
    expect(page.locator("[data-pain-saved]")).to_contain_text("Saved:")
    wait_until_synced(page)

    page.get_by_role("link", name="History", exact=True).click()
    page.get_by_role("button", name="Edit Right outer thigh", exact=False).click()
    dialog = page.locator("[data-edit-dialog]")
    dialog.get_by_label("Note").fill(NOTE)
    page.evaluate("window.__storageFull = true")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog.locator("[data-form-error]")).to_contain_text("Not saved: this phone's storage is full")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Note")).to_have_value(NOTE)
    phone_screenshot(page, screenshot, "storage-full-edit", at="[data-edit-dialog] [data-form-error]")

    page.evaluate("window.__storageFull = false")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_be_hidden()
    wait_until_synced(page)
    wait_for(
        lambda: [r["note"] for r in pain_rows(user.username)] == [NOTE], what="the edited note on the server"
    )
    go_quiet(context)


def test_an_old_tab_blocking_the_upgrade_is_named_and_the_page_goes_on_when_it_closes(
    page, context, live_server, login, user, screenshot
):
    open_synced_journal(page, context, live_server, login, user)
    old_tab = context.new_page()
    old_tab.goto(live_server.url + "/static/css/app.css")  # same origin, none of the app's code
    assert old_tab.evaluate(HOLD_DATABASE, str(user.pk)) == 1

    page.add_init_script(NEWER_DATABASE_VERSION)
    open_journal(page, live_server)
    notice = page.locator("#storage-problem")
    expect(notice).to_contain_text("Minimus is open in another tab")
    expect(notice).to_contain_text("Close the other Minimus tabs")
    type_entry(page)
    tap_number(page)
    expect(page.locator("#pain-form [data-form-error]")).to_have_text(
        "Not saved yet: close the other Minimus tabs first. Your entry is still here: save it again after."
    )
    expect_entry_still_in_form(page)
    phone_screenshot(page, screenshot, "storage-blocked", at="#storage-problem")

    old_tab.close()
    expect(notice).to_have_count(0)
    tap_number(page)
    expect(page.locator("[data-pain-saved]")).to_contain_text("Saved:")
    wait_until_synced(page)
    rows = wait_for(lambda: pain_rows(user.username), what="the entry on the server")
    assert [(r["zone"], r["note"]) for r in rows] == [("outer_thigh", NOTE)]
    assert page.evaluate(LOCAL_RECORDS, str(user.pk)) == [NOTE]
    go_quiet(context)


def test_a_page_left_behind_by_a_newer_version_in_another_tab_says_so_and_keeps_the_entry(
    page, context, live_server, login, user, screenshot
):
    open_synced_journal(page, context, live_server, login, user)
    newer = context.new_page()
    newer.add_init_script(NEWER_DATABASE_VERSION)
    open_journal(newer, live_server)
    wait_until_synced(newer)
    expect(newer.locator("#storage-problem")).to_have_count(0)

    notice = page.locator("#storage-problem")
    expect(notice).to_contain_text("Minimus was updated in another tab")
    expect(notice).to_contain_text("Reload it to carry on")
    type_entry(page)
    tap_number(page)
    expect(page.locator("#pain-form [data-form-error]")).to_have_text(
        "Not saved: this page is out of date. "
        "Your entry is still here: note it, reload the page, then log it again."
    )
    expect_entry_still_in_form(page)
    phone_screenshot(page, screenshot, "storage-replaced", at="#storage-problem")

    # The newer tab saves and syncs as ever.
    type_entry(newer)
    tap_number(newer)
    expect(newer.locator("[data-pain-saved]")).to_contain_text("Saved:")
    wait_until_synced(newer)
    rows = wait_for(lambda: pain_rows(user.username), what="the entry on the server")
    assert [(r["zone"], r["note"]) for r in rows] == [("outer_thigh", NOTE)]
    go_quiet(context)


def test_a_store_that_will_not_open_is_explained_and_the_entry_goes_to_the_server(
    page, context, live_server, login, user, screenshot
):
    context.add_init_script(OPEN_FAILS)
    login(context, user)
    open_journal(page, live_server)
    notice = page.locator("#storage-problem")
    expect(notice).to_contain_text("This browser will not store your journal")
    expect(notice).to_contain_text("Open Minimus in a normal (not private) window")
    expect(notice).to_contain_text(
        "the pain and massages you log go straight to the server while you are online"
    )

    # Offline: nowhere to keep it, so it stays in the form and the form says so.
    context.set_offline(True)
    type_entry(page)
    tap_number(page)
    expect(page.locator("#pain-form [data-form-error]")).to_have_text(
        "Not saved: this browser refuses to store your journal and you are offline. "
        "Your entry is still here, but it is lost when you leave this page: "
        "save it again once you are online."
    )
    expect_entry_still_in_form(page)
    phone_screenshot(page, screenshot, "storage-unavailable", at="#storage-problem")
    assert pain_rows(user.username) == []

    # The massage form has no store to save into either: offline it keeps what was typed and says why.
    page.evaluate("location.hash = '#massage'")
    page.get_by_label("Minutes").fill("12")
    page.locator('[data-score="pain_before"] label.score').filter(has_text="5").first.click()
    page.get_by_role("button", name="Save massage").click()
    expect(page.locator("#massage-form [data-form-error]")).to_have_text(
        "Not saved: this browser refuses to store your journal and you are offline. "
        "Your entry is still here, but it is lost when you leave this page: "
        "save it again once you are online."
    )
    expect(page.get_by_label("Minutes")).to_have_value("12")
    expect(page.locator('input[name="pain_before"][value="5"]')).to_be_checked()
    assert page.url.endswith("/journal/#massage")
    assert massage_rows(user) == []

    # Online again: the same entry goes straight to the server and the page says where it is.
    context.set_offline(False)
    page.evaluate("location.hash = '#log'")
    tap_number(page)
    saved = page.locator("[data-pain-saved]")
    expect(saved).to_contain_text("Saved on the server: Right outer thigh, 6/10, sitting.")
    expect(saved).to_contain_text("This phone could not keep a copy")
    phone_screenshot(page, screenshot, "storage-unavailable-saved-on-server", at="[data-pain-saved]")
    rows = wait_for(lambda: pain_rows(user.username), what="the entry on the server")
    assert [(r["zone"], r["side"], r["posture"], r["intensity"], r["note"]) for r in rows] == [
        ("outer_thigh", "right", "sitting", 6, NOTE)
    ]

    # The massage typed offline is still in its form: online, the same tap saves it on the server.
    page.evaluate("location.hash = '#massage'")
    page.get_by_role("button", name="Save massage").click()
    massage_saved = page.locator("[data-massage-saved]")
    expect(massage_saved).to_contain_text("Saved on the server: 12 min on the")
    expect(massage_saved).to_contain_text("This phone could not keep a copy")
    expect(page.locator("#massage-form [data-form-error]")).to_be_hidden()
    phone_screenshot(page, screenshot, "storage-unavailable-massage-on-server", at="[data-massage-saved]")
    assert massage_rows(user) == [(12, 5, None)]
    go_quiet(context)
