"""A plain reference for the trend numbers, written straight from the rules, for the tests only.

It shares no code with journal/trends/compute.py or trends-compute.js: no buckets, no
sliding windows, no running totals, no integer tricks. Local days come from
``zoneinfo``, means from exact fractions, each number is counted afresh from the
records it covers. Slow and obvious on purpose, so that when the twins and this
agree, the agreement says something. The five-year fixture's expected values are
this module's output, not the app's.

Rules (docs/trends.md, compute.py's docstring):
- a record's day is the calendar date of its instant in its own time zone;
- daily points, zones, postures and massages count records on days in [from, to];
- a day's rolling mean covers that day and the 6 before (before ``from`` included);
- week k is the 7 days ending on ``to - 7k``; the series is every such week ending on
  or after ``from``, oldest first; each week counts every record in its 7 days;
- means are rounded to hundredths, half away from zero;
- "better" is a drop of at least 2 points or 30 % between two rounded means, "worse"
  the same rise, else "same";
- "not improving": each of the last 4 weeks has entries, this week's mean is at least
  1, and it is not "better" than the week 3 weeks before; "spreading": the deepest zone
  (pain above 0) of the last 3 weeks never moved back up and ended deeper than it began.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, datetime, timedelta
from fractions import Fraction
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

SAFETY_WEEKS = 4
SPREADING_WEEKS = 3
NOT_IMPROVING_AT_LEAST = Fraction(1)
MEANINGFUL_POINTS = Fraction(2)
MEANINGFUL_SHARE = Fraction(3, 10)


def day_of(record: dict[str, Any]) -> date:
    instant = datetime.fromisoformat(record["occurred_at"].replace("Z", "+00:00"))
    return instant.astimezone(ZoneInfo(record["time_zone"])).date()


def rounded(values: list[int]) -> Fraction | None:
    """The mean, rounded to hundredths half away from zero, as an exact fraction."""
    if not values:
        return None
    exact = Fraction(sum(values), len(values)) * 100
    magnitude = math.floor(abs(exact) + Fraction(1, 2))
    return Fraction(-magnitude if exact < 0 else magnitude, 100)


def shown(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def status(before: Fraction, after: Fraction) -> str:
    drop = before - after
    if drop > 0 and (drop >= MEANINGFUL_POINTS or drop >= before * MEANINGFUL_SHARE):
        return "better"
    if after > before and (
        after - before >= MEANINGFUL_POINTS or (before > 0 and after - before >= before * MEANINGFUL_SHARE)
    ):
        return "worse"
    return "same"


def reference_trends(
    *,
    entries: list[dict[str, Any]],
    massages: list[dict[str, Any]],
    date_from: str,
    date_to: str,
    vocabulary: dict[str, Any],
) -> dict[str, Any]:
    first, last = date.fromisoformat(date_from), date.fromisoformat(date_to)
    zone_order = {zone["code"]: zone["order"] for zone in vocabulary["zones"]}
    zone_codes = [zone["code"] for zone in vocabulary["zones"]]
    side_codes = list(vocabulary["sides"])
    posture_codes = list(vocabulary["postures"])
    portion_codes = list(vocabulary["portions"])

    live = [(day_of(e), e) for e in entries if not e.get("deleted")]
    live = [(day, e) for day, e in live if day <= last]
    on_day: dict[date, list[dict]] = defaultdict(list)
    for day, entry in live:
        on_day[day].append(entry)

    def in_days(start: date, end: date) -> list[dict]:
        found = []
        day = start
        while day <= end:
            found.extend(on_day.get(day, []))
            day += timedelta(days=1)
        return found

    def deepest(records: list[dict]) -> int | None:
        depths = [zone_order[r["zone"]] for r in records if r["intensity"] > 0]
        return max(depths) if depths else None

    def week(end: date) -> dict[str, Any]:
        start = end - timedelta(days=6)
        records = in_days(start, end)
        intensities = [r["intensity"] for r in records]
        return {
            "start": start.isoformat(),
            "end": end.isoformat(),
            "mean": shown(rounded(intensities)),
            "peak": max(intensities) if intensities else None,
            "count": len(records),
            "days_logged": len({day_of(r) for r in records}),
            "depth": deepest(records),
            "change": None,
        }

    def compare(earlier: dict | None, later: dict) -> dict | None:
        if earlier is None or earlier["mean"] is None or later["mean"] is None:
            return None
        before, after = Fraction(str(earlier["mean"])), Fraction(str(later["mean"]))
        return {
            "from_mean": earlier["mean"],
            "to_mean": later["mean"],
            "change": float(after - before),
            "status": status(before, after),
        }

    daily = []
    day = first
    while day <= last:
        todays = on_day.get(day, [])
        if todays:
            values = [r["intensity"] for r in todays]
            window = [r["intensity"] for r in in_days(day - timedelta(days=6), day)]
            daily.append(
                {
                    "date": day.isoformat(),
                    "mean": shown(rounded(values)),
                    "peak": max(values),
                    "count": len(values),
                    "rolling_mean": shown(rounded(window)),
                    "depth": deepest(todays),
                }
            )
        day += timedelta(days=1)

    ends = []
    end = last
    while end >= first:
        ends.append(end)
        end -= timedelta(days=7)
    weeks = [week(end) for end in reversed(ends)]
    for older, newer in pairwise(weeks):
        compared = compare(older, newer)
        newer["change"] = compared["status"] if compared else None

    this_week = weeks[-1]  # the week ending on ``to``, its change included
    last_week = weeks[-2] if len(weeks) > 1 else week(last - timedelta(days=7))
    logged_weeks = [w for w in weeks if w["count"]]
    first_week = logged_weeks[0] if logged_weeks else None
    since_first = None if first_week is None or first_week["end"] == this_week["end"] else first_week

    recent = [week(last - timedelta(days=7 * k)) for k in range(SAFETY_WEEKS)]
    not_improving = (
        all(w["count"] for w in recent)
        and Fraction(str(recent[0]["mean"])) >= NOT_IMPROVING_AT_LEAST
        and status(Fraction(str(recent[-1]["mean"])), Fraction(str(recent[0]["mean"]))) != "better"
    )
    reach = [w["depth"] for w in recent[:SPREADING_WEEKS]]  # this week first
    spreading = None not in reach and all(a >= b for a, b in pairwise(reach)) and reach[0] > reach[-1]

    in_range = [e for day, e in live if day >= first]

    def grouped(key_names: tuple[str, ...], orders: tuple[list[str], ...]) -> list[dict]:
        groups: dict[tuple, list[int]] = defaultdict(list)
        for entry in in_range:
            groups[tuple(entry[name] for name in key_names)].append(entry["intensity"])
        rows = []

        def rank(key: tuple) -> tuple:
            return tuple(order.index(part) for order, part in zip(orders, key, strict=True))

        for key in sorted(groups, key=rank):
            values = groups[key]
            rows.append(
                {
                    **dict(zip(key_names, key, strict=True)),
                    "mean": shown(rounded(values)),
                    "peak": max(values),
                    "count": len(values),
                }
            )
        return rows

    sessions = [m for m in massages if not m.get("deleted") and first <= day_of(m) <= last]

    def massage_summary(group: list[dict]) -> dict[str, Any]:
        rated = [m for m in group if m.get("pain_after") is not None]
        return {
            "sessions": len(group),
            "rated": len(rated),
            "mean_before": shown(rounded([m["pain_before"] for m in rated])),
            "mean_after": shown(rounded([m["pain_after"] for m in rated])),
            "mean_drop": shown(rounded([m["pain_before"] - m["pain_after"] for m in rated])),
        }

    portions = [
        {"portion": code, **massage_summary([m for m in sessions if m["portion"] == code])}
        for code in portion_codes
        if any(m["portion"] == code for m in sessions)
    ]

    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "days_in_range": (last - first).days + 1,
        "days_logged": len(daily),
        "entry_count": len(in_range),
        "daily": daily,
        "weeks": weeks,
        "by_zone": grouped(("zone", "side"), (zone_codes, side_codes)),
        "by_posture": grouped(("posture",), (posture_codes,)),
        "massage": {**massage_summary(sessions), "portions": portions},
        "comparison": {
            "this_week": this_week,
            "last_week": last_week,
            "first_week": first_week,
            "vs_last_week": compare(last_week, this_week),
            "vs_first_week": compare(since_first, this_week),
        },
        "safety": {"not_improving": bool(not_improving), "spreading": bool(spreading)},
    }
