"""Deleting an account leaves nothing behind on the deleting phone, and a second phone that
held the journal offline wipes it as soon as it is back online."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tests.browser_harness import PHONE_VIEWPORT
from tests.frontend.pwa_helpers import cached_urls, wait_until_offline_ready
from tests.journal.journal_browser import go_quiet, log_pain, pain_rows, wait_until_synced
from tests.waiting import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-Long-pass-phrase-42"
SIGNED_IN_PAGES = {"/", "/journal/", "/trends/", "/settings/"}
JOURNAL_DATABASES = """async () => (await indexedDB.databases())
    .map((database) => database.name).filter((name) => name.startsWith("minimus-journal-"))"""


def cached_signed_in_pages(page) -> set[str]:
    return {path for paths in cached_urls(page).values() for path in paths} & SIGNED_IN_PAGES


def test_delete_on_one_phone_wipes_it_and_the_other_phone_at_its_next_contact(
    browser, live_server, login, user, screenshot
):
    phones = [browser.new_context(viewport=PHONE_VIEWPORT, service_workers="allow") for _ in range(2)]
    try:
        a, b = (phone.new_page() for phone in phones)
        for phone, page in zip(phones, (a, b), strict=True):
            login(phone, user)
            page.goto(live_server.url + "/journal/#log")
            wait_until_offline_ready(page)
            page.locator("#pain-form[data-ready]").wait_for(state="attached")
        log_pain(a, ["outer thigh, right"], 5)
        wait_for(lambda: pain_rows(user.username), what="the entry on the server")

        b.goto(live_server.url + "/journal/#history")
        b.reload()  # a fresh page syncs at once
        b.locator("#pain-form[data-ready]").wait_for(state="attached")
        wait_until_synced(b)
        expect(b.locator("[data-history-list] li.entry")).to_have_count(1, timeout=15_000)
        phones[1].set_offline(True)
        b.reload()  # offline: served from phone B's cache and journal
        expect(b.locator("[data-history-list] li.entry")).to_have_count(1)
        assert b.evaluate(JOURNAL_DATABASES) == [f"minimus-journal-{user.pk}"]

        a.goto(live_server.url + "/accounts/delete/")
        a.get_by_label("Your password").fill(PASSWORD)
        a.get_by_role("button", name="Delete my account and all my data").click()
        expect(a.get_by_role("heading", level=1)).to_have_text("Account deleted")
        a.wait_for_function("() => document.documentElement.dataset.localDataWiped === 'true'")
        screenshot(a, "account-deleted-wiped")
        assert not get_user_model().objects.filter(pk=user.pk).exists()
        assert a.evaluate(JOURNAL_DATABASES) == []
        assert cached_signed_in_pages(a) == set()
        assert (
            a.evaluate("async () => (await navigator.serviceWorker.ready).pushManager.getSubscription()")
            is None
        )

        # Still offline, phone B shows its copy; back online, its first sync wipes it.
        expect(b.locator("[data-history-list] li.entry")).to_have_count(1)
        phones[1].set_offline(False)
        b.wait_for_url(live_server.url + "/accounts/deleted/")
        expect(b.get_by_role("heading", level=1)).to_have_text("Account deleted")
        assert b.evaluate(JOURNAL_DATABASES) == []
        assert cached_signed_in_pages(b) == set()
        go_quiet(*phones)
    finally:
        for phone in phones:
            phone.close()


def test_a_signed_out_phone_keeps_its_journal_and_is_asked_to_sign_in(browser, live_server, login, user):
    phone = browser.new_context(viewport=PHONE_VIEWPORT)
    try:
        page = phone.new_page()
        login(phone, user)
        page.goto(live_server.url + "/journal/#log")
        page.locator("#pain-form[data-ready]").wait_for(state="attached")
        wait_until_synced(page)
        phone.set_offline(True)
        log_pain(page, ["foot, left"], 3)
        phone.clear_cookies()
        phone.set_offline(False)
        expect(page.locator("#sync-status")).to_contain_text("Sign in again")
        assert page.evaluate(JOURNAL_DATABASES) == [f"minimus-journal-{user.pk}"]
        go_quiet(phone)
    finally:
        phone.close()
