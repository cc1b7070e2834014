"""In Chromium with the DevTools virtual authenticator: add a passkey in Settings, sign out,
sign in with it; rename and remove it; a removed passkey is refused in plain words and the
password still works; sign up with a passkey alone. Settings (passkeys and every kind of
device) is screenshotted at 375x667."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from accounts.models import Passkey
from journal.models import SyncClient
from reminders.services import subscription_upsert

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-Long-pass-phrase-42"
SMALL_PHONE = {"width": 375, "height": 667}


def _virtual_authenticator(page):
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    return cdp


def _sign_in_with_password(page, base: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(base + "/")


def _sign_out(page, base: str) -> None:
    page.goto(base + "/settings/")
    page.locator("[data-logout-form] button").click()
    page.wait_for_url(base + "/accounts/login/")


def test_add_sign_in_rename_remove_and_fall_back_to_the_password(browser, live_server, user, screenshot):
    base = live_server.url
    assert "localhost" in base  # WebAuthn's RP ID must be a domain: localhost is one, 127.0.0.1 is not
    SyncClient.objects.create(client_id=uuid.UUID("3f2a9c1e-0000-4000-8000-000000000001"), user=user)
    subscription_upsert(
        user=user,
        endpoint="https://push.example.invalid/alice-phone",
        p256dh="BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
        auth="tBHItJI5svbpez7KI4CCXg",
        user_agent="Mozilla/5.0 (Android 14) Firefox/140.0",
    )
    context = browser.new_context(viewport=SMALL_PHONE)
    try:
        page = context.new_page()
        cdp = _virtual_authenticator(page)
        _sign_in_with_password(page, base)

        page.goto(base + "/settings/#passkeys")
        expect(page.locator("#passkeys")).to_contain_text("No passkeys yet.")
        page.get_by_label("Name for a new passkey").fill("Test phone")
        page.get_by_role("button", name="Add a passkey").click()
        expect(page.locator("[data-passkey-list]")).to_contain_text("Test phone")
        expect(page.locator(".messages")).to_contain_text("Passkey “Test phone” added")
        assert Passkey.objects.get(user=user).name == "Test phone"
        devices = page.locator("#devices")
        expect(devices).to_contain_text("Journal app 3f2a9c1e")
        expect(devices).to_contain_text("Mozilla/5.0 (Android 14) Firefox/140.0")
        expect(devices.get_by_role("button", name="Revoke this sync client")).to_have_count(1)
        expect(devices.get_by_role("button", name="Stop notifications here")).to_have_count(1)
        screenshot(page, "settings-passkeys-devices-375")

        _sign_out(page, base)
        page.goto(base + "/accounts/login/")
        page.get_by_role("button", name="Use a passkey instead").click()
        page.wait_for_url(base + "/")
        page.goto(base + "/settings/#passkeys")
        expect(page.locator("[data-passkey-list]")).to_contain_text("last used")

        page.get_by_label("Name", exact=True).fill("Work phone")
        page.get_by_role("button", name="Rename").click()
        expect(page.locator("[data-passkey-list]")).to_contain_text("Work phone")
        assert Passkey.objects.get(user=user).name == "Work phone"
        page.get_by_role("button", name="Remove passkey").click()
        expect(page.locator("#passkeys")).to_contain_text("No passkeys yet.")
        assert not Passkey.objects.filter(user=user).exists()

        # The authenticator still holds the removed passkey: the server refuses it and says why.
        _sign_out(page, base)
        page.goto(base + "/accounts/login/")
        page.get_by_role("button", name="Use a passkey instead").click()
        error = page.locator("[data-passkey-error]")
        expect(error).to_be_visible()
        expect(error).to_contain_text("This passkey is not registered here")
        screenshot(page, "login-passkey-refused-375")
        page.get_by_label("Username").fill("alice")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in", exact=True).click()
        page.wait_for_url(base + "/")
        cdp.detach()
    finally:
        context.close()


def test_sign_up_with_a_passkey_only(browser, live_server, db):
    base = live_server.url
    context = browser.new_context(viewport=SMALL_PHONE)
    try:
        page = context.new_page()
        _virtual_authenticator(page)
        page.goto(base + "/accounts/signup/")
        page.get_by_role("button", name="Sign up with a passkey").click()
        expect(page.locator("[data-passkey-error]")).to_contain_text("Type a username")
        page.get_by_label("Username").fill("Maria K")
        page.get_by_role("button", name="Sign up with a passkey").click()
        page.wait_for_url(base + "/")
        page.goto(base + "/settings/")
        expect(page.locator("#passkeys")).to_contain_text("Passkey made at sign-up")
        expect(page.locator("#passkeys")).to_contain_text("Your account has no password yet")
        assert Passkey.objects.get().user.username == "Maria K"
    finally:
        context.close()


def test_127_0_0_1_is_a_secure_context_but_no_passkey_rp_id(browser, live_server):
    """Chromium treats http://127.0.0.1 as secure, yet WebAuthn refuses an IP address as RP ID."""
    base = live_server.url.replace("localhost", "127.0.0.1")
    context = browser.new_context(viewport=SMALL_PHONE)
    try:
        page = context.new_page()
        _virtual_authenticator(page)
        page.goto(base + "/accounts/login/")
        assert page.evaluate("window.isSecureContext") is True
        page.get_by_role("button", name="Use a passkey instead").click()
        expect(page.locator("[data-passkey-error]")).to_contain_text("Passkeys work only on this app's own")
    finally:
        context.close()
