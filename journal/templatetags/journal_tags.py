"""Template tags that hand the journal's vocabulary to the browser modules."""

from __future__ import annotations

from django import template
from django.utils.html import json_script
from django.utils.safestring import SafeString

from journal.vocabulary import POSTURES, SIDES, ZONES, vocabulary_json

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


@register.simple_tag
def zone_side_choices() -> list[dict[str, str]]:
    """Every zone on each side, for the list that doubles the body map (bigger targets)."""
    return [
        {"zone": zone.code, "side": side, "label": f"{side.capitalize()} {zone.label}"}
        for side in SIDES
        for zone in ZONES
    ]
