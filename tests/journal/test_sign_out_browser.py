"""Signing out or losing the session never loses changes not yet synced; a clean sign-out
removes the journal from the phone."""

import pytest
from playwright.sync_api import expect

from tests.journal.journal_browser import (
    go_quiet,
    log_pain,
    submit_sign_in,
    sync_status,
    synced_pain_rows,
    wait_until_synced,
)
from tests.waiting import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JOURNAL_DATABASES = """async () => (await indexedDB.databases())
    .map((database) => database.name).filter((name) => name.startsWith("minimus-journal-"))"""


def open_log(page, live_server) -> None:
    page.goto(live_server.url + "/journal/#log")
    page.locator("#pain-form[data-ready]").wait_for(state="attached")


def test_an_expired_session_keeps_the_outbox_until_the_user_signs_in_again(
    page, context, live_server, login, user
):
    login(context, user)
    open_log(page, live_server)
    wait_until_synced(page)
    context.set_offline(True)
    log_pain(page, ["upper calf, right"], 6)
    context.clear_cookies()  # the session ends while the phone is offline
    context.set_offline(False)

    expect(sync_status(page)).to_contain_text("1 change not yet synced")
    sync_status(page).get_by_role("link", name="Sign in again").click()
    submit_sign_in(page, user.username, "a-Long-pass-phrase-42")
    page.wait_for_url("**/journal/**")
    assert synced_pain_rows(page, user.username, "zone", "intensity") == [("upper_calf", 6)]
    go_quiet(context)


def test_signing_out_with_unsynced_changes_warns_and_keeps_them(page, context, live_server, login, user):
    login(context, user)
    open_log(page, live_server)
    wait_until_synced(page)
    context.route("**/api/sync/**", lambda route: route.abort())  # the server cannot be reached
    log_pain(page, ["foot, left"], 3)
    expect(sync_status(page)).to_contain_text("1 change not yet synced")

    page.goto(live_server.url + "/settings/")
    messages, answers = [], [False, True]  # first "stay signed in", then "sign out anyway"

    def answer(dialog):
        messages.append(dialog.message)
        dialog.accept() if answers.pop(0) else dialog.dismiss()

    page.on("dialog", answer)
    page.get_by_role("button", name="Sign out").click()
    # The warning comes after a look at the outbox (async).
    wait_for(lambda: messages, page=page, timeout=10, what="a warning before signing out")
    assert "1 change is not yet synced" in messages[0]
    expect(page).to_have_url(live_server.url + "/settings/")

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/**")
    assert page.evaluate(JOURNAL_DATABASES) == [f"minimus-journal-{user.pk}"], "unsynced journal kept"

    context.unroute("**/api/sync/**")
    submit_sign_in(page, user.username, "a-Long-pass-phrase-42")
    page.wait_for_url(live_server.url + "/")
    assert synced_pain_rows(page, user.username, "zone", "intensity") == [("foot", 3)]
    go_quiet(context)


def test_a_clean_sign_out_removes_the_journal_from_the_phone(page, context, live_server, login, user):
    login(context, user)
    open_log(page, live_server)
    log_pain(page, ["outer thigh, left"], 2)
    wait_until_synced(page)
    assert page.evaluate(JOURNAL_DATABASES) == [f"minimus-journal-{user.pk}"]
    page.goto(live_server.url + "/settings/")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/**")
    assert page.evaluate(JOURNAL_DATABASES) == []
    go_quiet(context)
