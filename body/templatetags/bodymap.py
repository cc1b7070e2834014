"""Template tags behind the shared body map (``bodymap/body.html``).

The SVG geometry lives in the templates; this module only decides the
attributes of each zone shape (highlight, pain level, button semantics) so the
guide, the journal and trends render the same shapes the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import template
from django.utils.html import format_html

from body.vocabulary import PORTIONS, SIDES, ZONES, ZONES_BY_CODE

register = template.Library()


def _as_set(value: Any) -> set[str]:
    """Accept a list/tuple/set of codes or a space-separated string."""
    if not value:
        return set()
    if isinstance(value, str):
        return set(value.split())
    return {str(item) for item in value}


def zones_of_portion(portion: str) -> list[str]:
    """Codes of the zones that a portion (``anterior``/``posterior``) refers pain to."""
    if portion not in PORTIONS:
        raise ValueError(f"unknown portion {portion!r}")
    return [zone.code for zone in ZONES if portion in zone.portions]


def _level_for(levels: Mapping[str, Any] | None, code: str, side: str) -> int | None:
    if not levels:
        return None
    value = levels.get(f"{code}:{side}")
    if value is None:
        return None
    # Classes pain-0 ... pain-10; a mean like 4.6 shows as 5.
    return max(0, min(10, round(float(value))))


@register.simple_tag(takes_context=True)
def bodymap_zone(context: template.Context, code: str, side: str, d: str) -> str:
    """One zone shape: ``<path data-zone data-side ...>`` with the include's options applied."""
    if code not in ZONES_BY_CODE:
        raise template.TemplateSyntaxError(f"bodymap: unknown zone {code!r}")
    if side not in SIDES:
        raise template.TemplateSyntaxError(f"bodymap: unknown side {side!r}")
    zone = ZONES_BY_CODE[code]
    highlight = _as_set(context.get("highlight"))
    highlight_side = context.get("highlight_side") or ""
    classes = ["bodymap-zone"]
    if code in highlight and highlight_side in ("", side):
        classes.append("is-highlighted")
        if zone.rare:
            classes.append("is-rare")
    level = _level_for(context.get("levels"), code, side)
    if level is not None:
        classes.append(f"pain-{level}")
    label = f"{zone.label}, {side}"
    if context.get("interactive"):
        return format_html(
            '<path class="{}" d="{}" data-zone="{}" data-side="{}" role="button" tabindex="0" '
            'aria-pressed="false" aria-label="{}"><title>{}</title></path>',
            " ".join(classes),
            d,
            code,
            side,
            label,
            label,
        )
    return format_html(
        '<path class="{}" d="{}" data-zone="{}" data-side="{}"><title>{}</title></path>',
        " ".join(classes),
        d,
        code,
        side,
        label,
    )


@register.filter
def portion_zones(portion: str) -> list[str]:
    """``{{ "anterior"|portion_zones }}``: the zone codes of a portion, for ``highlight``."""
    return zones_of_portion(portion)


def zone_labels(codes: Iterable[str]) -> list[str]:
    return [ZONES_BY_CODE[code].label for code in codes]
