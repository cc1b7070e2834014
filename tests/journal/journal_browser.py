"""Helpers for the journal's browser tests: sign-up, waiting for sync, reading the server."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

AXE_PATH = Path(__file__).resolve().parent.parent / "vendor" / "axe-core" / "axe.min.js"
PASSWORD = "hip-Pain-Journal-77"


def sign_up(page: Any, live_server: Any, username: str) -> None:
    """Create an account through the sign-up form and land on Home."""
    page.goto(live_server.url + "/accounts/signup/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(live_server.url + "/")


def submit_sign_in(page: Any, username: str, password: str = PASSWORD) -> None:
    """Fill and send the sign-in form already on the page."""
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_in(page: Any, live_server: Any, username: str) -> None:
    page.goto(live_server.url + "/accounts/login/")
    submit_sign_in(page, username)
    page.wait_for_url(live_server.url + "/")


def sync_status(page: Any) -> Any:
    return page.locator("#sync-status")


def wait_until_synced(page: Any, timeout_ms: int = 15_000) -> None:
    """The header says "Synced" (the quiet state after a loop with nothing left to send)."""
    from playwright.sync_api import expect

    expect(sync_status(page)).to_have_text("Synced", timeout=timeout_ms)


def choose_places(page: Any, zones: list[str]) -> None:
    """Step 1 of the log screen: places by accessible name ("outer thigh, right"). The first
    place moves on to step 2; each further one goes back through "Change places"."""
    for index, zone in enumerate(zones):
        if index:
            page.get_by_role("button", name="Change places").click()
        page.get_by_role("button", name=zone, exact=True).click()
        if index:
            page.get_by_role("button", name="Next: when and how much").click()


def log_pain(page: Any, zones: list[str], intensity: int, posture: str | None = "At rest / other") -> None:
    """Log pain on the open log screen: places, the moment (its visible label; None keeps
    what the screen shows picked), then the number that saves."""
    choose_places(page, zones)
    if posture:
        page.locator("[data-posture] label.chip").filter(has=page.get_by_text(posture, exact=True)).click()
    page.locator(f'button[name="intensity"][value="{intensity}"]').click()
    page.locator("[data-pain-saved]").get_by_text("Saved").wait_for()


def pain_rows(username: str) -> list[dict[str, Any]]:
    from journal.models import PainEntry

    return list(
        PainEntry.objects.filter(user__username=username, deleted=False)
        .order_by("occurred_at", "zone")
        .values("id", "zone", "side", "posture", "intensity", "note", "time_zone")
    )


def synced_pain_rows(page: Any, username: str, *fields: str) -> list[tuple[Any, ...]]:
    """Once the page reports everything synced, the user's pain entries on the server (those fields)."""
    from tests.waiting import wait_for

    wait_until_synced(page)
    rows = wait_for(lambda: pain_rows(username), what="the pain entries on the server")
    return [tuple(row[field] for field in fields) for row in rows]


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
    """Cut the network before the test ends, so no page starts another sync request; the
    harness then waits for the requests still in the live server (tests/browser_harness.py)
    before the test database is flushed."""
    for context in contexts:
        context.set_offline(True)


@contextmanager
def quiet_context(browser: Any, **options: Any) -> Iterator[Any]:
    """A browser context of the test's own (viewport, colour scheme): cut off by ``go_quiet`` when
    the block succeeds, closed however it ends."""
    context = browser.new_context(**options)
    try:
        yield context
        go_quiet(context)
    finally:
        context.close()
