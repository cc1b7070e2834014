"""Reads for the guide (kept in ``services`` because the service worker calls it by this name)."""

from __future__ import annotations

from django.urls import reverse

from guide.pages import PAGES


def guide_page_urls() -> list[str]:
    """Every guide URL, for the service worker to precache (offline reading)."""
    return [
        reverse("guide-index"),
        *(reverse("guide-page", kwargs={"slug": page.slug}) for page in PAGES),
        reverse("guide-selfcheck"),
    ]
