"""Helpers for the journal's browser tests: sign-up, waiting for sync, reading the server."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

AXE_PATH = Path(__file__).resolve().parent.parent / "vendor" / "axe-core" / "axe.min.js"
PASSWORD = "hip-Pain-Journal-77"


def sign_up(page: Any, live_server: Any, username: str) -> None:
    page.goto(live_server.url + "/accounts/signup/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(live_server.url + "/")


def sign_in(page: Any, live_server: Any, username: str) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + "/")


def sync_status(page: Any) -> Any:
    return page.locator("#sync-status")


def wait_until_synced(page: Any, timeout_ms: int = 15_000) -> None:
    """The header says "Synced" (the quiet state after a loop with nothing left to send)."""
    from playwright.sync_api import expect

    expect(sync_status(page)).to_have_text("Synced", timeout=timeout_ms)


def wait_for(condition: Callable[[], Any], timeout: float = 15.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def log_pain(page: Any, zones: list[str], intensity: int, posture: str | None = None) -> None:
    """Log pain on the open log screen: zones by accessible name ("outer thigh, right")."""
    for zone in zones:
        page.get_by_role("button", name=zone, exact=True).click()
    if posture:
        page.get_by_text(posture, exact=True).click()
    page.locator(f'button[name="intensity"][value="{intensity}"]').click()
    page.locator("[data-pain-saved]").get_by_text("Saved").wait_for()


def pain_rows(username: str) -> list[dict[str, Any]]:
    from journal.models import PainEntry

    return list(
        PainEntry.objects.filter(user__username=username, deleted=False)
        .order_by("occurred_at", "zone")
        .values("id", "zone", "side", "posture", "intensity", "note", "time_zone")
    )


def viewport_screenshot(page: Any, name: str) -> Path:
    """What a 360x740 phone shows without scrolling (the harness's screenshots are full-page)."""
    from tests.browser_harness import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def run_axe(page: Any) -> list[dict[str, Any]]:
    """Serious and critical axe-core violations on the page as it is now."""
    page.add_script_tag(path=str(AXE_PATH))
    result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
            "help": v["help"],
        }
        for v in result
        if v["impact"] in ("serious", "critical")
    ]


def go_quiet(*contexts: Any) -> None:
    """Cut the network before the test ends: a sync request still running in the live server
    while the test database is flushed can deadlock the flush."""
    for context in contexts:
        context.set_offline(True)
    time.sleep(0.3)
