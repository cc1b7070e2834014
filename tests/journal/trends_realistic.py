"""Three months of a realistic journal: 3 to 5 entries a day easing from about 6 to 3, massages on most
days, a note on some entries. Seeded, so every run shows the same report."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tests.journal.trends_fixtures import store_records

ZONES = ("lower_buttock", "outer_thigh", "upper_buttock", "back_thigh", "upper_calf", "outer_lower_leg")
POSTURES = ("sitting", "side_lying", "standing_up", "walking", "standing", "rest")
NOTES = ("after the long drive", "slept badly on the left side", "better after the walk", "stairs at work")


def realistic_records(*, last_day: date, days: int = 91, seed: int = 7) -> tuple[list[dict], list[dict]]:
    rng = random.Random(seed)
    zone = ZoneInfo("Europe/Berlin")
    entries: list[dict[str, Any]] = []
    massages: list[dict[str, Any]] = []
    for n in range(days):
        day = last_day - timedelta(days=days - 1 - n)
        level = 6.2 - 3.0 * n / days
        for _ in range(rng.randint(3, 5)):
            local = datetime(
                day.year, day.month, day.day, rng.randint(7, 22), rng.randint(0, 59), tzinfo=zone
            )
            posture = rng.choice(POSTURES)
            bump = {"side_lying": 1.2, "standing_up": 0.8, "sitting": 0.5, "rest": -1.0}.get(posture, 0)
            entries.append(
                {
                    "occurred_at": local.astimezone(ZoneInfo("UTC")).isoformat().replace("+00:00", "Z"),
                    "time_zone": "Europe/Berlin",
                    "zone": rng.choices(ZONES, weights=(6, 5, 3, 2, 1, 1))[0],
                    "side": rng.choices(("left", "right"), weights=(5, 1))[0],
                    "posture": posture,
                    "intensity": max(0, min(10, round(level + bump + rng.uniform(-1.5, 1.5)))),
                    "note": rng.choice(NOTES) if rng.random() < 0.08 else "",
                }
            )
        if rng.random() < 0.6:
            local = datetime(day.year, day.month, day.day, 20, 30, tzinfo=zone)
            before = max(1, round(level + rng.uniform(-1, 1)))
            massages.append(
                {
                    "occurred_at": local.astimezone(ZoneInfo("UTC")).isoformat().replace("+00:00", "Z"),
                    "time_zone": "Europe/Berlin",
                    "portion": rng.choice(("anterior", "posterior")),
                    "side": "left",
                    "tool": "ball",
                    "minutes": rng.choice((3, 5, 8)),
                    "pain_before": before,
                    "pain_after": max(0, before - rng.randint(0, 3)) if rng.random() < 0.9 else None,
                    "note": "ball at the wall" if rng.random() < 0.1 else "",
                }
            )
    return entries, massages


def store_realistic_journal(user: Any, *, last_day: date, days: int = 91) -> None:
    entries, massages = realistic_records(last_day=last_day, days=days)
    store_records(user, entries, massages)
