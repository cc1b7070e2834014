"""The service worker script: what it precaches, how it is served, when its version changes."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client

from guide.services import guide_page_urls

pytestmark = pytest.mark.django_db


def worker_config(client: Client) -> dict:
    script = client.get("/serviceworker.js").content.decode()
    match = re.search(r"^const CONFIG = (\{.*?\n\});$", script, re.MULTILINE | re.DOTALL)
    assert match, "the worker starts with its CONFIG"
    return json.loads(match.group(1))


def test_worker_is_served_fresh_from_the_root_scope(client: Client):
    response = client.get("/serviceworker.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Cache-Control"] == "no-cache"
    assert response["Service-Worker-Allowed"] == "/"
    script = response.content.decode()
    # A module worker: the push and sync modules are imported before the CONFIG.
    assert re.search(r'^import "/static/sw/push\.js";$', script, re.MULTILINE)
    assert re.search(r'^import "/static/sw/outbox-sync\.js";$', script, re.MULTILINE)
    assert "importScripts" not in script


def test_worker_precaches_the_shell_the_guide_and_the_push_script(client: Client):
    config = worker_config(client)
    urls = [entry["url"] for entry in config["precache"]]
    assert "/offline/" in urls
    assert set(guide_page_urls()) <= set(urls)
    for static_file in [
        "css/app.css",
        "js/app.js",
        "js/pwa.js",
        "js/http.js",
        "sw/push.js",
        "icons/icon-192.png",
        "icons/icon-512.png",
        "icons/icon-maskable-512.png",
    ]:
        assert f"/static/{static_file}" in urls
    assert config["workerScripts"][0] == "/static/sw/push.js"
    assert not [url for url in urls if url.startswith(("/api/", "/admin/", "/accounts/"))]
    assert not [url for url in urls if "splash-" in url], "iOS start-up images are not worth every cache"
    static_entries = [entry for entry in config["precache"] if entry["url"].startswith("/static/")]
    assert all(entry["revision"] for entry in static_entries)
    assert "/api/" in config["neverCache"]


def test_same_deploy_gives_a_byte_identical_worker(client: Client):
    # Browsers compare the script byte for byte: any difference would nag users with updates.
    assert client.get("/serviceworker.js").content == client.get("/serviceworker.js").content


def test_version_changes_with_the_setting(client: Client, settings):
    before = worker_config(client)["version"]
    settings.MINIMUS_SW_VERSION = "next-deploy"
    assert worker_config(client)["version"] != before


def test_version_changes_when_a_static_file_changes(client: Client, monkeypatch):
    from frontend import offline_cache

    before = worker_config(client)
    original = offline_cache._static_revision
    monkeypatch.setattr(
        offline_cache, "_static_revision", lambda path: "edited" if path == "css/app.css" else original(path)
    )
    after = worker_config(client)
    assert after["version"] != before["version"]
    changed = [a["url"] for a, b in zip(after["precache"], before["precache"], strict=True) if a != b]
    assert changed == ["/static/css/app.css"], "only the changed file is fetched again"


def test_production_worker_precaches_hashed_static_names(client: Client, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    config = worker_config(client)
    assert config["hashedStatic"] is True
    css = next(entry["url"] for entry in config["precache"] if entry["url"].startswith("/static/css/app"))
    assert re.fullmatch(r"/static/css/app\.[0-9a-f]{12}\.css", css)
    assert re.fullmatch(r"/static/sw/push\.[0-9a-f]{12}\.js", config["workerScripts"][0])
    manifest = client.get("/manifest.json").json()
    assert re.fullmatch(r"/static/icons/icon-192\.[0-9a-f]{12}\.png", manifest["icons"][0]["src"])


def test_every_precached_url_answers_200_to_a_signed_out_visitor(client: Client):
    # One failing URL fails the whole install, and the app would have no offline copy at all.
    for entry in worker_config(client)["precache"]:
        if entry["revision"] is None:
            assert client.get(entry["url"]).status_code == 200, entry["url"]
        else:
            assert finders.find(entry["url"].removeprefix("/static/")), entry["url"]


def test_worker_code_is_served_exactly_as_type_checked(client: Client):
    # frontend/worker/serviceworker.js is served as it is, never rendered as a template.
    from frontend.offline_cache import SERVICE_WORKER_CODE

    code = SERVICE_WORKER_CODE.read_text(encoding="utf-8")
    script = client.get("/serviceworker.js").content.decode()
    # Only the module imports and the CONFIG come before it.
    assert re.match(r'(import "[^"]+";\n)+const CONFIG = \{', script)
    assert script.endswith(code)
