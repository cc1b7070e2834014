"""Illustrations the Markdown content may place with ``[[figure:<name>]]``.

Pattern and massage figures are the shared body map (bodymap/body.html) with
options; the anatomy and side-lying drawings are guide-only templates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string

from frontend.templatetags.bodymap import zone_labels, zones_of_portion
from journal.vocabulary import ANTERIOR, POSTERIOR


def _pattern_desc(portion: str, extra: str) -> str:
    labels = ", ".join(zone_labels(zones_of_portion(portion)))
    return f"Shaded zones on the right side: {labels}. {extra}"


@dataclass(frozen=True)
class Figure:
    template: str
    caption: str
    context: dict[str, Any] = field(default_factory=dict)


FIGURES: dict[str, Figure] = {
    "anatomy": Figure(
        "guide/figures/anatomy.html",
        "The right hip from the side, front to the right. The gluteus minimus fans out from the iliac "
        "wing and tapers down onto the front of the greater trochanter. The gluteus medius, which covers "
        "it, is left out so you can see it.",
    ),
    "landmarks": Figure(
        "bodymap/body.html",
        "The two landmarks you can feel yourself: the iliac crest (dashed line) and the greater "
        "trochanter (dot). The muscle lies deep between them.",
        {
            "id_prefix": "fig-landmarks",
            "title": "The iliac crest and greater trochanter on the body outline",
            "desc": "The lower body from the left, from behind and from the right. A dashed line marks "
            "the iliac crest, the upper rim of the pelvis; a dot marks the greater trochanter, the hard "
            "bump at the side of the thigh just below the hip.",
        },
    ),
    "front-pattern": Figure(
        "bodymap/body.html",
        "Front (anterior) portion: pain from the lower buttock down the outer thigh and the outer lower "
        "leg to the ankle. The foot, drawn lighter, is reached only rarely.",
        {
            "id_prefix": "fig-front-pattern",
            "title": "Where the front portion sends its pain",
            "desc": _pattern_desc(
                ANTERIOR, "The pain runs down the outside of the leg to the ankle; the foot only rarely."
            ),
            "highlight": zones_of_portion(ANTERIOR),
            "highlight_side": "right",
        },
    ),
    "rear-pattern": Figure(
        "bodymap/body.html",
        "Rear (posterior) portion: pain just below the iliac crest and in the buttock, then down the "
        "back of the thigh to the outer knee hollow and the upper calf.",
        {
            "id_prefix": "fig-rear-pattern",
            "title": "Where the rear portion sends its pain",
            "desc": _pattern_desc(
                POSTERIOR, "The pain runs down the back of the leg and stops in the upper half of the calf."
            ),
            "highlight": zones_of_portion(POSTERIOR),
            "highlight_side": "right",
        },
    ),
    "side-lying": Figure(
        "guide/figures/side_lying.html",
        "Lie on the side you want to treat, with the ball between your hip and the floor. Your forearm "
        "takes as much weight as you need.",
    ),
    "ball-front": Figure(
        "bodymap/body.html",
        "Ball spot for the front portion: in the band between the iliac crest and the greater "
        "trochanter, toward the front.",
        {
            "id_prefix": "fig-ball-front",
            "title": "Ball position for the front portion",
            "desc": "The right hip from the side, front to the right. The massage ball sits in the shaded "
            "band between the iliac crest above and the greater trochanter below, toward the front.",
            "ball": ANTERIOR,
            "view": "hip-right",
        },
    ),
    "ball-rear": Figure(
        "bodymap/body.html",
        "Ball spot for the rear portion: a little further back within that band.",
        {
            "id_prefix": "fig-ball-rear",
            "title": "Ball position for the rear portion",
            "desc": "The right hip from the side, front to the right. The massage ball sits in the shaded "
            "band between the iliac crest and the greater trochanter, a little further back than the "
            "front-portion spot.",
            "ball": POSTERIOR,
            "view": "hip-right",
        },
    ),
}


def figure_html(name: str) -> str:
    """The ``<figure>`` for ``name``; an unknown name is a content error and fails loudly."""
    figure = FIGURES[name]
    return render_to_string(
        "guide/figure.html",
        {"figure_body": render_to_string(figure.template, figure.context), "caption": figure.caption},
    )
