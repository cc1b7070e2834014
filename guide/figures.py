"""Illustrations the Markdown content may place with ``[[figure:<name>]]``.

The landmarks figure is the shared body map (bodymap/body.html); the referral
panels reuse its zone shapes, so the guide shows the very zones the journal logs.
The anatomy, side-lying and ball-spot drawings are guide-only templates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string

from body.templatetags.bodymap import zone_labels, zones_of_portion
from body.vocabulary import ANTERIOR, POSTERIOR, ZONES_BY_CODE


def _pattern_desc(portion: str, panel: str) -> str:
    labels = ", ".join(zone_labels(zones_of_portion(portion)))
    return f"{panel}: shaded on the right leg: {labels}."


def _panel(portion: str, heading: str, *, x: int) -> dict[str, Any]:
    zones = zones_of_portion(portion)
    return {
        "css": f"fig-panel-{'front' if portion == ANTERIOR else 'rear'}",
        "heading": heading,
        "zones": zones,
        "rare": any(ZONES_BY_CODE[code].rare for code in zones),
        "x": x,
    }


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
    "referral-patterns": Figure(
        "guide/figures/referral.html",
        "Left: the front portion sends pain down the outside of the leg; the foot (dashed, lighter) only "
        "rarely. Right: the rear portion sends pain down the back of the leg to the upper calf. Here the "
        "right leg hurts: its half is drawn solid, the other half dashed.",
        {
            "id_prefix": "fig-referral",
            "title": "Where each portion sends its pain, side by side",
            "desc": " ".join(
                [
                    "Two panels side by side, each showing the body from behind and the right leg from the "
                    "side, front of the body to the right. Only the right side hurts: its half is drawn "
                    "solid and the left half is dashed.",
                    _pattern_desc(ANTERIOR, "Left panel, front portion"),
                    "The foot is drawn dashed and lighter and labelled rare.",
                    _pattern_desc(POSTERIOR, "Right panel, rear portion"),
                    "Nothing is shaded on the outside of the leg below the knee or in the foot.",
                ]
            ),
            "width": 552,
            "panels": [
                _panel(ANTERIOR, "Front portion", x=0),
                _panel(POSTERIOR, "Rear portion", x=288),
            ],
        },
    ),
    "side-lying": Figure(
        "guide/figures/side_lying.html",
        "Lie on the side you want to treat. Keep the lower leg straight. Bend the upper leg and put its "
        "foot on the floor in front. Lean on your forearm. The ball sits under the side of the hip. Move "
        "your body a few centimetres up and down so the ball strokes slowly over the spot.",
    ),
    "ball-spots": Figure(
        "guide/figures/ball_spots.html",
        "The side of the hip that lies on the ball, belly to the right. Spot 1 (front portion) is toward "
        "the front of the band. Spot 2 (rear portion) is a little further back.",
    ),
}


def figure_html(name: str) -> str:
    """The ``<figure>`` for ``name``; an unknown name is a content error and fails loudly."""
    figure = FIGURES[name]
    return render_to_string(
        "guide/figure.html",
        {"figure_body": render_to_string(figure.template, figure.context), "caption": figure.caption},
    )
