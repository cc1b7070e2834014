"""The reminders section of the settings page in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from reminders.models import ReminderSchedule
from reminders.services import subscription_upsert

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IPHONE_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


@pytest.fixture
def settings_page(page, login, live_server, user):
    login(page.context, user)
    page.goto(live_server.url + "/settings/")
    return page


def test_permission_is_not_asked_until_the_tap(settings_page):
    section = settings_page.locator("#reminders")
    assert section.get_by_role("button", name="Turn on reminders").is_visible()
    # The section has finished starting up (it lists the devices last) without asking.
    expect(section.get_by_text("No device has notifications turned on yet.")).to_be_visible()
    assert settings_page.evaluate("Notification.permission") == "default"
    assert section.get_by_text("Add to Home Screen").is_hidden()  # not an iPhone
    assert settings_page.console_errors == []


def test_picking_times_days_and_quiet_hours_saves_the_schedule(settings_page, user, screenshot):
    form = settings_page.locator("[data-reminders-form]")
    settings_page.get_by_label("Time 1", exact=True).fill("08:15")
    settings_page.get_by_role("button", name="Add a time").click()
    settings_page.get_by_label("Time 3", exact=True).fill("21:00")
    settings_page.get_by_role("button", name="Remove time 2").click()
    form.get_by_label("Sat", exact=True).uncheck()
    form.get_by_label("Sun", exact=True).uncheck()
    settings_page.get_by_label("No reminders or check-ins during quiet hours").check()
    settings_page.get_by_label("From", exact=True).fill("22:30")
    settings_page.get_by_label("To", exact=True).fill("06:45")
    settings_page.get_by_label("Send me a weekly summary").check()
    settings_page.get_by_role("button", name="Save reminders").click()
    settings_page.get_by_text("Reminders saved.").wait_for()
    screenshot(settings_page, "reminders-settings")

    massage = ReminderSchedule.objects.get(user=user, kind="massage")
    assert massage.times == ["08:15", "21:00"] and massage.weekdays == [0, 1, 2, 3, 4]
    assert massage.time_zone == "Europe/Berlin"
    assert (massage.quiet_start.strftime("%H:%M"), massage.quiet_end.strftime("%H:%M")) == ("22:30", "06:45")
    summary = ReminderSchedule.objects.get(user=user, kind="weekly_summary")
    assert summary.weekdays == [6] and summary.times == ["18:00"]

    settings_page.reload()
    assert settings_page.get_by_label("Time 1", exact=True).input_value() == "08:15"
    assert settings_page.get_by_label("Time 2", exact=True).input_value() == "21:00"
    assert not form.locator('input[name="weekday"][value="6"]').is_checked()
    assert settings_page.console_errors == []


def test_a_test_notification_without_devices_explains_what_to_do(settings_page):
    settings_page.get_by_role("button", name="Send a test notification").click()
    settings_page.get_by_role("alert").filter(has_text="Turn on reminders").wait_for()


def test_the_device_list_shows_each_device_and_its_last_success(page, login, live_server, user):
    from django.utils import timezone

    subscription = subscription_upsert(
        user=user,
        endpoint="https://push.example.invalid/1",
        p256dh="B" + "A" * 86,
        auth="A" * 22,
        user_agent="Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/130.0 Mobile Safari/537.36",
    )
    subscription.last_success_at = timezone.now()
    subscription.save()
    login(page.context, user)
    page.goto(live_server.url + "/settings/")
    devices = page.locator("[data-reminders-devices]")
    devices.get_by_text("Chrome on Android: notifications arrive").wait_for()
    devices.get_by_role("button", name="Remove Chrome on Android").click()
    devices.get_by_text("No device has notifications turned on yet.").wait_for()
    assert not user.push_subscriptions.exists()


def test_safari_in_a_tab_on_iphone_explains_how_to_install(browser, live_server, login, user):
    context = browser.new_context(user_agent=IPHONE_SAFARI, viewport={"width": 320, "height": 640})
    try:
        login(context, user)
        page = context.new_page()
        page.goto(live_server.url + "/settings/")
        section = page.locator("#reminders")
        section.get_by_text("reminders need the installed app").wait_for()
        assert section.get_by_text("Add to Home Screen").is_visible()
    finally:
        context.close()


def test_the_daily_check_in_is_set_with_its_own_times_and_the_shared_quiet_hours(
    settings_page, user, screenshot
):
    form = settings_page.locator("[data-reminders-form]")
    settings_page.get_by_label("Remind me to massage").uncheck()
    settings_page.get_by_label("Ask me how my pain is, every day").check()
    settings_page.get_by_label("Check-in time 1", exact=True).fill("20:30")
    settings_page.get_by_role("button", name="Add a check-in time").click()
    settings_page.get_by_label("Check-in time 2", exact=True).fill("08:00")
    settings_page.get_by_label("No reminders or check-ins during quiet hours").check()
    settings_page.get_by_role("button", name="Save reminders").click()
    settings_page.get_by_text("Pain check-in at").wait_for()
    settings_page.set_viewport_size({"width": 375, "height": 667})
    form.get_by_role("group", name="Daily pain check-in").scroll_into_view_if_needed()
    screenshot(settings_page, "reminders-settings-check-in")

    check_in = ReminderSchedule.objects.get(user=user, kind="pain_check_in")
    assert check_in.times == ["08:00", "20:30"] and check_in.weekdays == list(range(7))
    assert check_in.time_zone == "Europe/Berlin" and check_in.enabled
    assert (check_in.quiet_start.strftime("%H:%M"), check_in.quiet_end.strftime("%H:%M")) == (
        "22:00",
        "07:00",
    )
    assert not ReminderSchedule.objects.filter(user=user, kind="massage").exists()

    settings_page.reload()
    expect(settings_page.get_by_label("Check-in time 1", exact=True)).to_have_value("08:00")
    expect(settings_page.get_by_label("Ask me how my pain is, every day")).to_be_checked()
    expect(settings_page.get_by_label("No reminders or check-ins during quiet hours")).to_be_checked()
    assert settings_page.console_errors == []
