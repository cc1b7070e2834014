"""Template tags that hand the journal's vocabulary to the browser modules."""

from __future__ import annotations

from django import template
from django.utils.html import json_script
from django.utils.safestring import SafeString

from journal.vocabulary import POSTURES, vocabulary_json

register = template.Library()

# Where the guide explains each massage spot (guide/content/self-massage.md headings).
MASSAGE_GUIDE_URLS = {
    "anterior": "/guide/self-massage/#for-the-front-portion",
    "posterior": "/guide/self-massage/#for-the-rear-portion",
}


@register.simple_tag
def journal_vocabulary() -> SafeString:
    """``<script type="application/json" id="journal-vocabulary">``: data, not code, so CSP allows it."""
    return json_script({**vocabulary_json(), "massage_guide_urls": MASSAGE_GUIDE_URLS}, "journal-vocabulary")


@register.simple_tag
def posture_choices() -> list[tuple[str, str]]:
    return list(POSTURES.items())
