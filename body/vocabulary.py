"""The one definition of the journal's vocabulary (see shared/design/contract.md).

Guide, journal, trends and the browser (via ``vocabulary_json``) all read these
tables; nothing else defines a zone, posture or portion.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ANTERIOR = "anterior"
POSTERIOR = "posterior"

PORTIONS: dict[str, str] = {
    ANTERIOR: "front portion",
    POSTERIOR: "rear portion",
}


@dataclass(frozen=True)
class Zone:
    code: str
    label: str
    portions: tuple[str, ...]
    # How far down the leg: 1 buttock ... 6 foot. Used for "how far does it reach".
    order: int
    rare: bool = False
    # What the user reads: ``short`` on buttons, lists and "Saved ..." notes ("upper buttock");
    # ``phrase`` inside a sentence after "pain in the ..." (no commas, so lists of zones read right).
    # Left out, ``short`` is the label and ``phrase`` is ``short``.
    short: str = ""
    phrase: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "short", self.short or self.label)
        object.__setattr__(self, "phrase", self.phrase or self.short)


ZONES: tuple[Zone, ...] = (
    Zone(
        "upper_buttock",
        "below the iliac crest (upper buttock, hip)",
        (POSTERIOR,),
        1,
        short="upper buttock",
        phrase="upper buttock just below the iliac crest",
    ),
    Zone("lower_buttock", "back / lower buttock", (ANTERIOR, POSTERIOR), 1, short="lower buttock"),
    Zone("outer_thigh", "outer thigh", (ANTERIOR,), 2),
    Zone("back_thigh", "back of the thigh", (POSTERIOR,), 2),
    Zone(
        "outer_knee",
        "outer hollow of the knee",
        (POSTERIOR,),
        3,
        short="outer knee hollow",
        phrase="outer hollow of the knee",
    ),
    Zone("upper_calf", "upper calf", (POSTERIOR,), 4),
    Zone(
        "outer_lower_leg",
        "outer lower leg to the ankle",
        (ANTERIOR,),
        5,
        short="outer lower leg",
        phrase="outer lower leg down to the ankle",
    ),
    Zone("foot", "foot", (ANTERIOR,), 6, rare=True),
)
ZONES_BY_CODE: dict[str, Zone] = {zone.code: zone for zone in ZONES}
ZONE_CHOICES: list[tuple[str, str]] = [(zone.code, zone.label) for zone in ZONES]

SIDES: dict[str, str] = {"left": "left", "right": "right"}
SIDE_CHOICES: list[tuple[str, str]] = list(SIDES.items())

POSTURES: dict[str, str] = {
    "sitting": "sitting",
    "side_lying": "lying on the side (night)",
    "standing_up": "standing up from sitting",
    "walking": "walking",
    "standing": "standing",
    "one_leg": "standing on one leg",
    "rest": "at rest / other",
}
POSTURE_CHOICES: list[tuple[str, str]] = list(POSTURES.items())

PORTION_CHOICES: list[tuple[str, str]] = list(PORTIONS.items())

MASSAGE_TOOLS: dict[str, str] = {"ball": "massage ball", "hands": "hands", "other": "other"}
MASSAGE_TOOL_CHOICES: list[tuple[str, str]] = list(MASSAGE_TOOLS.items())

INTENSITY_MIN, INTENSITY_MAX = 0, 10
INTENSITY_ANCHORS: dict[int, str] = {0: "no pain", 10: "worst imaginable"}
MASSAGE_MINUTES_MIN, MASSAGE_MINUTES_MAX = 1, 60
NOTE_MAX_LENGTH = 2000

# Clinically meaningful change on the 0-10 scale (Farrar et al., Pain 2001).
MEANINGFUL_DROP_POINTS = 2.0
MEANINGFUL_DROP_FRACTION = 0.30


def zone_order(code: str) -> int:
    return ZONES_BY_CODE[code].order


def vocabulary_json() -> dict[str, Any]:
    """The vocabulary as plain data, for templates and the browser."""
    return {
        "zones": [
            {
                "code": z.code,
                "label": z.label,
                "short": z.short,
                "phrase": z.phrase,
                "portions": list(z.portions),
                "order": z.order,
                "rare": z.rare,
            }
            for z in ZONES
        ],
        "sides": SIDES,
        "postures": POSTURES,
        "portions": PORTIONS,
        "tools": MASSAGE_TOOLS,
        "intensity": {"min": INTENSITY_MIN, "max": INTENSITY_MAX, "anchors": INTENSITY_ANCHORS},
        "massage_minutes": {"min": MASSAGE_MINUTES_MIN, "max": MASSAGE_MINUTES_MAX},
        "note_max_length": NOTE_MAX_LENGTH,
        "meaningful_drop": {"points": MEANINGFUL_DROP_POINTS, "fraction": MEANINGFUL_DROP_FRACTION},
    }
