"""Helpers for guide tests: rendered pages as HTML and as plain text."""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

import pytest
from django.test import Client

from guide.pages import PAGES
from tests.services import need

# The project's source notes; CI lays shared/ beside the clone. A checkout elsewhere names the
# file in GUIDE_FACTS_FILE.
FACTS_FILE = Path(
    os.environ.get("GUIDE_FACTS_FILE") or Path(__file__).resolve().parents[3] / "shared" / "guide-facts.md"
)


def facts_text() -> str:
    need(FACTS_FILE.exists(), f"the guide's source notes at {FACTS_FILE}")
    return FACTS_FILE.read_text()


_TAG = re.compile(r"<[^>]+>")
_ARTICLE = re.compile(r'<article class="guide-article".*?</article>', re.S)


def html_to_text(markup: str) -> str:
    text = html.unescape(_TAG.sub(" ", markup))
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", text).strip()


def article_html(page_html: str) -> str:
    match = _ARTICLE.search(page_html)
    assert match, "guide page has no article"
    return match.group(0)


@pytest.fixture(scope="module")
def guide_html() -> dict[str, str]:
    """Full HTML of every guide page, by slug (anonymous visitor)."""
    client = Client()
    pages = {}
    for page in PAGES:
        response = client.get(f"/guide/{page.slug}/")
        assert response.status_code == 200, page.slug
        pages[page.slug] = response.content.decode()
    return pages


@pytest.fixture(scope="module")
def guide_text(guide_html: dict[str, str]) -> dict[str, str]:
    """Lower-cased plain text of each page's article (body, figures' names and captions)."""
    return {slug: html_to_text(article_html(markup)).lower() for slug, markup in guide_html.items()}
