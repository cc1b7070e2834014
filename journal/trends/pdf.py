"""HTML to PDF with WeasyPrint, reading only the app's own static files.

WeasyPrint would fetch any URL a page names (images, stylesheets, fonts). The report is
built from the user's own notes, so nothing it names may leave the machine: the fetcher
serves files under STATIC_URL from disk and refuses every other URL before any
connection is made.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage

MIME_TYPES = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png", ".woff2": "font/woff2"}


class RefusedURL(ValueError):
    """A URL the report may not fetch."""


def static_file_for(url: str, *, origin: str) -> Path:
    """The file on disk behind a static URL of this app (at ``origin``); RefusedURL for anything else."""
    parts = urlsplit(url)
    own = urlsplit(origin)
    static_prefix = urlsplit(settings.STATIC_URL).path
    if (
        parts.scheme not in ("http", "https")
        or (parts.scheme, parts.netloc) != (own.scheme, own.netloc)
        or not parts.path.startswith(static_prefix)
    ):
        raise RefusedURL(f"the report may only read the app's static files, not {url!r}")
    name = unquote(parts.path[len(static_prefix) :])
    if not name or ".." in Path(name).parts:
        raise RefusedURL(f"not a static file: {url!r}")
    found = finders.find(name)
    if found:
        return Path(found)
    try:
        stored = Path(staticfiles_storage.path(name))  # collected (hashed) names in production
    except NotImplementedError:
        stored = None
    if stored and stored.is_file():
        return stored
    raise RefusedURL(f"no such static file: {url!r}")


def _fetcher(origin: str) -> Any:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesFetcher(URLFetcher):
        """Answers from the static files on disk; never opens a connection."""

        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            path = static_file_for(url, origin=origin)
            mime = MIME_TYPES.get(path.suffix, "application/octet-stream")
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})

    return StaticFilesFetcher()


def html_to_pdf(html: str, *, base_url: str) -> bytes:
    # Imported here: loading Pango costs every process start-up time, and only this view needs it.
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url, url_fetcher=_fetcher(base_url)).write_pdf()
