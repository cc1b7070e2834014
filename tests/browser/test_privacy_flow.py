"""In a real browser: download the export from settings, then delete the account with a confirm step."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from tests.journal.journal_browser import PASSWORD, sign_up

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_user_exports_then_deletes_their_account(page, live_server, screenshot):
    sign_up(page, live_server, "leaving")

    page.goto(live_server.url + "/settings/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download JSON").click()
    download = download_info.value
    assert download.suggested_filename.startswith("minimus-export-")
    document = json.loads(Path(download.path()).read_text())
    assert document["format"] == "minimus-export"
    assert document["profile"]["username"] == "leaving"

    page.get_by_role("link", name="What Minimus stores").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Privacy"
    page.go_back()

    page.get_by_role("link", name="Delete my account").click()
    page.get_by_label("Your password").fill("wrong-password-1")
    page.get_by_role("button", name="Delete my account and all my data").click()
    assert page.get_by_role("alert").inner_text().startswith("Wrong password")
    assert get_user_model().objects.filter(username="leaving").exists()

    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account and all my data").click()
    page.get_by_role("heading", name="Account deleted").wait_for()
    assert "have been deleted" in page.content()
    screenshot(page, "account-deleted")
    assert not get_user_model().objects.filter(username="leaving").exists()
    assert page.console_errors == []
