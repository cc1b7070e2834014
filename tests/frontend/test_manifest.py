"""The web app manifest and the tags that make Minimus installable (Android, desktop, iOS)."""

from __future__ import annotations

import re
import struct

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

pytestmark = pytest.mark.django_db


def png_size(static_url: str) -> tuple[int, int]:
    path = finders.find(static_url.removeprefix("/static/"))
    assert path, f"{static_url} is not a static file"
    with open(path, "rb") as png:
        header = png.read(24)
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


@pytest.fixture
def manifest(client: Client) -> dict:
    response = client.get("/manifest.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    return response.json()


def test_manifest_names_the_app_and_opens_standalone_at_home(manifest):
    assert manifest["name"].startswith("Minimus")
    assert manifest["short_name"] == "Minimus"
    assert len(manifest["short_name"]) <= 12, "fits under a home-screen icon"
    assert manifest["description"]
    assert manifest["start_url"] == "/"
    assert manifest["scope"] == "/"
    assert manifest["id"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["orientation"] == "portrait"
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["theme_color"])
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["background_color"])
    assert "health" in manifest["categories"]


def test_manifest_icons_exist_at_the_sizes_they_claim(manifest):
    by_purpose = {}
    for icon in manifest["icons"]:
        width, height = png_size(icon["src"])
        assert icon["sizes"] == f"{width}x{height}"
        by_purpose.setdefault(icon["purpose"], []).append(icon["sizes"])
    assert {"192x192", "512x512"} <= set(by_purpose["any"])
    assert by_purpose["maskable"] == ["512x512"]


def test_manifest_offers_log_pain_and_log_massage_shortcuts(manifest):
    shortcuts = {shortcut["name"]: shortcut["url"] for shortcut in manifest["shortcuts"]}
    assert shortcuts == {"Log pain": "/journal/#log-pain", "Log massage": "/journal/#log-massage"}


def test_pages_link_the_manifest_and_carry_the_ios_tags_without_inline_script(client: Client):
    html = client.get("/").content.decode()
    assert '<link rel="manifest" href="/manifest.json">' in html
    assert 'name="apple-mobile-web-app-capable" content="yes"' in html
    assert 'name="apple-mobile-web-app-title" content="Minimus"' in html
    touch_icon = re.search(r'<link rel="apple-touch-icon" href="([^"]+)"', html).group(1)
    assert png_size(touch_icon) == (180, 180)
    for splash in re.findall(r'<link rel="apple-touch-startup-image" href="([^"]+)"', html):
        assert png_size(splash)[1] > png_size(splash)[0], "portrait start-up image"
    # The Content Security Policy forbids inline script: every <script> has a src.
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []


def test_the_settings_page_shows_whether_this_device_keeps_the_data(client: Client, user):
    client.force_login(user)
    html = client.get("/settings/").content.decode()
    assert "data-storage-status" in html
    assert "Add to Home Screen" in html
