"""The thresholds behind the trend statements, defined once and handed to the browser.

compute.py reads them here; the trends page and the report serve them inside the
vocabulary (``trends_vocabulary``) so trends-compute.js and trends-page.js read the
same numbers instead of keeping copies.
"""

from __future__ import annotations

from typing import Any

from body.vocabulary import vocabulary_json

# "Not improving" looks at this many weeks, this week included (this week against three weeks before).
SAFETY_WEEKS = 4
# "Spreading" looks at this many weeks, this week included.
SPREADING_WEEKS = 3
# ... and only when this week's mean is at least this (in hundredths: 1.00 on the 0-10 scale).
NOT_IMPROVING_MIN_MEAN_H = 100
# A comparison ("down 2.2 from last week") or a "hurts most / least" needs this many entries
# on each side; fewer say nothing a clinician could rely on.
MIN_ENTRIES = 3
# How far down the leg, by zone order 1-6 (shared/design/contract.md), in short words.
REACH_LABELS = ("buttock", "thigh", "knee", "calf", "lower leg", "foot")


def trends_rules() -> dict[str, Any]:
    return {
        "safety_weeks": SAFETY_WEEKS,
        "spreading_weeks": SPREADING_WEEKS,
        "not_improving_min_mean": NOT_IMPROVING_MIN_MEAN_H / 100,
        "min_entries": MIN_ENTRIES,
        "reach_labels": list(REACH_LABELS),
    }


def trends_vocabulary() -> dict[str, Any]:
    """The journal vocabulary plus the trend rules: what the trends page and report hand the browser."""
    return {**vocabulary_json(), "trends": trends_rules()}
