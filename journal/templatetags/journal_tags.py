"""Template tags that hand the journal's vocabulary to the browser modules."""

from __future__ import annotations

from django import template
from django.utils.html import json_script
from django.utils.safestring import SafeString

from body.vocabulary import INTENSITY_MAX, INTENSITY_MIN, POSTURES, SIDES, ZONES, vocabulary_json

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
def zone_rows() -> list[dict[str, object]]:
    """One row per zone (short name) with a button per side: the log screen's place picker."""
    return [
        {
            "zone": zone.code,
            "short": zone.short,
            "places": [{"zone": zone.code, "side": side} for side in SIDES],
        }
        for zone in ZONES
    ]


@register.simple_tag
def intensity_values() -> list[int]:
    return list(range(INTENSITY_MIN, INTENSITY_MAX + 1))


@register.filter
def score(value: float | None) -> str:
    """A trend mean with one decimal, the same rounding as every other place it is shown."""
    from journal.trends.format import score as format_score

    return format_score(value)


@register.filter
def signed_score(value: float | None) -> str:
    from journal.trends.format import score as format_score

    return format_score(value, signed=True)
