"""What the service worker precaches, and the version that names its caches.

The version is a hash of everything the worker serves offline: the precache
list (static URLs are hashed names in production), each static file's content,
the worker's own code, the guide's content and MINIMUS_SW_VERSION. Any deploy
that changes one of them gives a new worker, which waits until the user taps
"Update"; a deploy that changes none gives byte-identical JS, so browsers see
no update at all.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.template.loader import get_template
from django.templatetags.static import static
from django.urls import reverse

from guide.services import guide_page_urls

SERVICE_WORKER_TEMPLATE = "frontend/serviceworker.js"
# The worker's code, served after the template as it is (never rendered: JSDoc has "{{").
SERVICE_WORKER_CODE = Path(__file__).resolve().parent / "worker" / "serviceworker.js"
# Modules the worker imports: every .js file in frontend/static/sw/ (push.js first).
WORKER_SCRIPTS_FOLDER = "sw"
PUSH_SCRIPT = "sw/push.js"
# Apps whose static files make the app shell; admin, API docs and django-pwa's own assets stay out.
SHELL_STATIC_APPS = ("frontend", "guide", "journal", "reminders", "accounts")
SHELL_STATIC_SUFFIXES = {".css", ".js", ".mjs", ".png", ".svg", ".ico", ".webp", ".woff2"}
# iOS start-up images are fetched once at install by Safari itself; not worth a place in every cache.
SHELL_STATIC_SKIP_PREFIXES = ("icons/splash-",)
# Pages that need a sign-in: cached on request of a signed-in page (see pwa.js), never precached.
SIGNED_IN_SHELLS = ("home", "journal", "trends", "settings")


@dataclass(frozen=True)
class PrecacheEntry:
    url: str
    # Content hash for static files, so a new worker reuses unchanged files from the old cache;
    # None for pages, which are always fetched afresh.
    revision: str | None


def _shell_static_paths() -> list[str]:
    paths = []
    for label in SHELL_STATIC_APPS:
        if not apps.is_installed(label):
            continue
        root = Path(apps.get_app_config(label).path) / "static"
        if not root.is_dir():
            continue
        for file in root.rglob("*"):
            relative = file.relative_to(root).as_posix()
            if (
                file.is_file()
                and file.suffix in SHELL_STATIC_SUFFIXES
                and not relative.startswith(SHELL_STATIC_SKIP_PREFIXES)
            ):
                paths.append(relative)
    return sorted(set(paths))


def _file_digest(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]


def _static_revision(relative: str) -> str:
    found = finders.find(relative)
    return _file_digest(found) if found else ""


def _precached_pages_digest() -> str:
    """Hash of what the precached pages are made of: the guide's content and the page templates."""
    digest = hashlib.sha256()
    for label, folder in [
        ("guide", "content"),
        ("guide", "templates"),
        ("body", "templates"),
        ("frontend", "templates"),
    ]:
        if not apps.is_installed(label):
            continue
        app_root = Path(apps.get_app_config(label).path)
        for file in sorted((app_root / folder).rglob("*")):
            if file.is_file():
                digest.update(f"{label}/{file.relative_to(app_root).as_posix()}".encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()


def worker_script_urls() -> list[str]:
    folder = Path(apps.get_app_config("frontend").path) / "static" / WORKER_SCRIPTS_FOLDER
    names = sorted(file.name for file in folder.glob("*.js"))
    paths = [PUSH_SCRIPT] + [f"{WORKER_SCRIPTS_FOLDER}/{name}" for name in names if name != "push.js"]
    return [static(path) for path in paths]


def precache_entries() -> list[PrecacheEntry]:
    pages = [reverse("offline"), *guide_page_urls()]
    entries = [PrecacheEntry(url=url, revision=None) for url in dict.fromkeys(pages)]
    entries += [
        PrecacheEntry(url=static(path), revision=_static_revision(path)) for path in _shell_static_paths()
    ]
    return entries


def signed_in_shell_urls() -> list[str]:
    return [reverse(name) for name in SIGNED_IN_SHELLS]


def service_worker_config() -> dict:
    """Everything the worker script needs, including the version that names its caches."""
    entries = precache_entries()
    digest = hashlib.sha256()
    digest.update(json.dumps([[e.url, e.revision] for e in entries]).encode())
    digest.update(get_template(SERVICE_WORKER_TEMPLATE).template.source.encode())
    digest.update(SERVICE_WORKER_CODE.read_bytes())
    digest.update(_precached_pages_digest().encode())
    digest.update(str(getattr(settings, "MINIMUS_SW_VERSION", "")).encode())
    return {
        "version": digest.hexdigest()[:16],
        "precache": [{"url": e.url, "revision": e.revision} for e in entries],
        "offlineUrl": reverse("offline"),
        "staticUrl": settings.STATIC_URL,
        "workerScripts": worker_script_urls(),
        # Hashed names never change content, so any of them fetched at run time may be kept.
        "hashedStatic": isinstance(staticfiles_storage, ManifestFilesMixin),
        "signedInShells": signed_in_shell_urls(),
        # Paths never served from or stored in a cache: user data (API), auth forms, admin.
        "neverCache": ["/api/", "/admin/", "/accounts/", "/serviceworker.js", "/manifest.json", "/healthz"],
        # Sign-in, sign-out and sign-up: the cached pages belonged to the previous user.
        "sessionChangePaths": ["/accounts/login/", "/accounts/logout/", "/accounts/signup/"],
        # On a slow link ("lie-fi") a cached page after this long beats waiting for the network.
        "networkTimeoutMs": 4000,
    }
