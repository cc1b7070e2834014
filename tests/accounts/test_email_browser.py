"""In Chromium: sign up with an email, confirm it, forget the password, reset it from the
emailed link, sign in; change the address in Settings and confirm the new one."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from playwright.sync_api import expect

from tests.browser_harness import ARTIFACTS
from tests.waiting import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "hip-Pain-Journal-77"
NEW_PASSWORD = "new-Hip-Journal-88"
SMALL_PHONE = {"width": 375, "height": 667}


def _link(index: int) -> str:
    message = wait_for(lambda: len(mail.outbox) > index and mail.outbox[index], what=f"email {index + 1}")
    return re.search(r"https?://\S+", message.body).group(0)


def test_sign_up_with_email_reset_the_password_from_the_email_and_sign_in(browser, live_server, screenshot):
    context = browser.new_context(viewport=SMALL_PHONE)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/accounts/signup/")
        page.get_by_label("Username").fill("Maria K")
        page.get_by_label("Email (optional)").fill("maria@example.org")
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_label("Password confirmation").fill("not-the-same-Phrase-1")
        page.get_by_role("button", name="Create account").click()
        expect(page.get_by_label("Username")).to_have_value("Maria K")
        expect(page.get_by_label("Email (optional)")).to_have_value("maria@example.org")
        screenshot(page, "signup-error-375")
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_label("Password confirmation").fill(PASSWORD)
        page.get_by_role("button", name="Create account").click()
        page.wait_for_url(live_server.url + "/")

        page.goto(_link(0))
        expect(page.get_by_role("heading", level=1)).to_have_text("Email confirmed")
        page.goto(live_server.url + "/settings/#email")
        expect(page.locator("#email")).to_contain_text("Confirmed: maria@example.org")
        page.locator("#email").screenshot(path=str(ARTIFACTS / "settings-email-375.png"))
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url("**/accounts/login/**")
        page.get_by_role("link", name="Forgot your password?").click()
        page.get_by_label("Email").fill("maria@example.org")
        screenshot(page, "password-reset-375")
        page.get_by_role("button", name="Send reset link").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
        page.goto(_link(1))
        page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
        page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
        page.get_by_role("button", name="Save password").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Password saved")

        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("Username").fill("Maria K")
        page.get_by_label("Password").fill(NEW_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(live_server.url + "/")
    finally:
        context.close()


def test_an_email_change_in_settings_is_confirmed_from_the_link(
    browser, live_server, login, user, screenshot
):
    context = browser.new_context(viewport=SMALL_PHONE)
    try:
        page = context.new_page()
        login(context, user)
        page.goto(live_server.url + "/settings/#email")
        page.get_by_label("Email address").fill("alice@example.org")
        page.get_by_role("button", name="Send confirmation link").click()
        expect(page.locator("#email")).to_contain_text("Waiting for confirmation: alice@example.org")
        expect(page.locator("#devices")).to_contain_text("(this device)")
        page.locator("#devices").screenshot(path=str(ARTIFACTS / "settings-devices-375.png"))
        page.goto(_link(0))
        expect(page.get_by_role("heading", level=1)).to_have_text("Email confirmed")
        screenshot(page, "email-confirmed-375")
        assert get_user_model().objects.get(pk=user.pk).email == "alice@example.org"
    finally:
        context.close()
