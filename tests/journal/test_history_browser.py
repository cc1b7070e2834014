"""History: each entry on its own local day wherever the phone is now, filters, delete with undo."""

import pytest
from playwright.sync_api import expect
from rest_framework.test import APIClient

from tests.browser_harness import PHONE_VIEWPORT
from tests.journal.helpers import massage_payload, pain_payload
from tests.journal.journal_browser import go_quiet, pain_rows, wait_until_synced
from tests.waiting import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def seed(user, *payloads) -> None:
    client = APIClient()
    client.force_login(user)
    for url, payload in payloads:
        assert client.post(url, payload, format="json").status_code == 201


def test_entries_are_grouped_by_the_local_day_they_were_logged_on(browser, live_server, login, user):
    seed(
        user,
        # 00:30 on 11 March in Berlin is still 10 March in New York, where the phone is now.
        ("/api/entries/", pain_payload(occurred_at="2026-03-10T23:30:00Z", time_zone="Europe/Berlin")),
        (
            "/api/entries/",
            pain_payload(occurred_at="2026-03-10T22:30:00Z", time_zone="Europe/Berlin", zone="foot"),
        ),
        ("/api/massages/", massage_payload(occurred_at="2026-03-10T19:00:00Z", time_zone="Europe/Berlin")),
    )
    context = browser.new_context(viewport=PHONE_VIEWPORT, timezone_id="America/New_York", locale="en-US")
    try:
        login(context, user)
        page = context.new_page()
        page.goto(live_server.url + "/journal/#history")
        wait_until_synced(page)
        days = page.locator("[data-history-list] section.day")
        expect(days).to_have_count(2)
        expect(days.nth(0).locator("h3")).to_have_text("Wednesday, March 11")
        expect(days.nth(0).locator("li.entry")).to_contain_text(["Left outer thigh"])
        expect(days.nth(1).locator("h3")).to_have_text("Tuesday, March 10")
        expect(days.nth(1).locator("li.entry")).to_contain_text(["Left foot", "Massage"])
        # Times show in the zone the entry was logged in, marked as such.
        expect(days.nth(0).locator(".entry-time")).to_contain_text("12:30 AM GMT+1")

        page.get_by_label("Zone", exact=True).select_option("foot")
        expect(page.locator("li.entry")).to_have_count(1)
        page.get_by_label("Zone", exact=True).select_option("")
        page.get_by_label("Moment").select_option("walking")
        expect(page.locator("[data-history-list]")).to_have_text("No entries match these filters.")
        go_quiet(context)
    finally:
        context.close()


def test_a_deleted_entry_comes_back_with_undo(page, context, live_server, login, user):
    seed(user, ("/api/entries/", pain_payload(note="after the long drive")))
    login(context, user)
    page.goto(live_server.url + "/journal/#history")
    wait_until_synced(page)
    page.get_by_role("button", name="Delete Left outer thigh", exact=False).click()
    expect(page.locator("li.entry")).to_have_count(0)
    wait_until_synced(page)
    assert pain_rows(user.username) == []

    page.locator("[data-toast]").get_by_role("button", name="Undo").click()
    expect(page.locator("li.entry")).to_have_count(1)
    expect(page.locator("li.entry")).to_contain_text("after the long drive")
    wait_until_synced(page)
    rows = wait_for(lambda: pain_rows(user.username), what="the restored entry")
    assert [(r["zone"], r["intensity"], r["note"]) for r in rows] == [
        ("outer_thigh", 6, "after the long drive")
    ]
    go_quiet(context)


def test_a_time_picked_on_the_log_screen_files_the_entry_under_that_local_day(
    browser, live_server, login, user
):
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from journal.models import PainEntry

    tokyo = ZoneInfo("Asia/Tokyo")
    yesterday_late = (datetime.now(tokyo) - timedelta(days=1)).replace(
        hour=23, minute=50, second=0, microsecond=0
    )
    context = browser.new_context(viewport=PHONE_VIEWPORT, timezone_id="Asia/Tokyo", locale="en-US")
    try:
        login(context, user)
        page = context.new_page()
        page.goto(live_server.url + "/journal/#log")
        page.locator("#pain-form[data-ready]").wait_for(state="attached")
        page.get_by_role("button", name="upper buttock, left", exact=True).click()
        page.locator("#pain-form").get_by_text("Time: now").click()
        page.get_by_label("When it happened").fill(yesterday_late.strftime("%Y-%m-%dT%H:%M"))
        page.get_by_text("Sitting", exact=True).click()
        page.get_by_role("button", name="2", exact=True).click()
        expect(page.locator("[data-pain-saved]")).to_contain_text("Saved")
        page.get_by_role("link", name="History", exact=True).click()
        yesterday = page.locator("section.day", has=page.get_by_role("heading", name="Yesterday"))
        expect(yesterday.locator("li.entry")).to_contain_text(["11:50 PM"])
        wait_until_synced(page)
        row = wait_for(lambda: PainEntry.objects.filter(user=user).first(), what="the entry on the server")
        assert row.occurred_at == yesterday_late
        assert row.time_zone == "Asia/Tokyo"
        go_quiet(context)
    finally:
        context.close()


def test_pain_after_a_massage_can_be_added_later_from_the_prompt(page, context, live_server, login, user):
    from datetime import UTC, datetime, timedelta

    from journal.models import MassageSession

    started = (datetime.now(UTC) - timedelta(minutes=20)).isoformat()
    seed(user, ("/api/massages/", massage_payload(occurred_at=started, pain_before=7)))
    login(context, user)
    page.goto(live_server.url + "/")
    prompt = page.locator("[data-after-prompt]")
    expect(prompt).to_contain_text("How is the pain now?")
    prompt.get_by_role("button", name="Pain after: 4", exact=True).click()
    expect(prompt).to_contain_text("Pain after saved: 4/10 (before: 7)")
    wait_until_synced(page)
    assert wait_for(
        lambda: MassageSession.objects.filter(user=user, pain_after=4).exists(), what="pain after"
    )
    page.reload()
    expect(prompt).to_be_hidden()
    go_quiet(context)
