"""Reads for the guide."""

from __future__ import annotations

from django.urls import reverse


def guide_page_urls() -> list[str]:
    """Every guide URL, for the service worker to precache (offline reading)."""
    return [reverse("guide-index")]
