"""Trend numbers over journal records: pure functions over plain dicts, no ORM.

The browser runs the same computation (frontend/static/js/trends-compute.js) on
the records in IndexedDB. Both are checked against the same JSON fixtures in
tests/fixtures/trends/, so every rule below has a twin there; change both.

Rules (see also docs/trends.md):
- A record's local day is the calendar date of ``occurred_at`` in the record's
  own ``time_zone`` (an entry at 00:30 local belongs to the new day, wherever
  the user looks at it later).
- The range ``[from, to]`` is inclusive, in local days. Daily points, zones,
  postures, massages and days logged count only records inside it.
- The 7-day rolling mean of a day is the mean of every entry in that day and
  the 6 days before it (entries before ``from`` count if the caller gave them).
- Week k (k = 0, 1, ...) is the 7 local days ending on ``to - 7k``. The series
  holds every week that overlaps the range; a week's numbers use all entries
  in its 7 days. "This week" is week 0, "last week" week 1, "first week" the
  oldest week of the series with entries.
- Means come from exact integer sums and are rounded to 2 decimals, half away
  from zero, in integer arithmetic (Python's round() is banker's rounding, JS
  Math.round is half-up; neither is used).
- Clinically meaningful change (Farrar et al., Pain 2001): a drop of at least
  2 points or at least 30 % of the earlier mean is "better"; the same rise is
  "worse"; anything else is "same". Compared on the rounded means.
- How far down the leg: the deepest zone order (contract.md) among entries
  with intensity above 0.
- Safety: "not improving" when each of the last 4 weeks has entries, this
  week's mean is at least 1, and it is not meaningfully better than three
  weeks before; "spreading" when the deepest point of the last 3 weeks never
  moved back up and ended further down than it started.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from itertools import accumulate, pairwise
from typing import Any
from zoneinfo import ZoneInfo

from body.vocabulary import MEANINGFUL_DROP_FRACTION, MEANINGFUL_DROP_POINTS, PORTIONS, POSTURES, SIDES, ZONES
from journal.trends.rules import NOT_IMPROVING_MIN_MEAN_H, SAFETY_WEEKS, SPREADING_WEEKS

Record = Mapping[str, Any]

ZONE_RANK = {zone.code: index for index, zone in enumerate(ZONES)}
ZONE_DEPTH = {zone.code: zone.order for zone in ZONES}
SIDE_RANK = {code: index for index, code in enumerate(SIDES)}
POSTURE_RANK = {code: index for index, code in enumerate(POSTURES)}
PORTION_RANK = {code: index for index, code in enumerate(PORTIONS)}

# Thresholds in hundredths of a point, so comparisons are exact integers.
MEANINGFUL_POINTS_H = round(MEANINGFUL_DROP_POINTS * 100)
MEANINGFUL_PERCENT = round(MEANINGFUL_DROP_FRACTION * 100)

BETTER, WORSE, SAME = "better", "worse", "same"


def mean_hundredths(total: int, count: int) -> int:
    """total / count in hundredths, rounded half away from zero, exactly."""
    sign = -1 if total < 0 else 1
    return sign * ((200 * abs(total) + count) // (2 * count))


def from_hundredths(value: int | None) -> float | None:
    return None if value is None else value / 100


def change_status(before_h: int, after_h: int) -> str:
    """Compare two rounded means (hundredths) by the clinically meaningful change."""
    drop = before_h - after_h
    if drop > 0 and (drop >= MEANINGFUL_POINTS_H or drop * 100 >= before_h * MEANINGFUL_PERCENT):
        return BETTER
    rise = -drop
    if rise > 0 and (
        rise >= MEANINGFUL_POINTS_H or (before_h > 0 and rise * 100 >= before_h * MEANINGFUL_PERCENT)
    ):
        return WORSE
    return SAME


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_day(occurred_at: str | datetime, time_zone: str) -> int:
    """The record's local calendar day as a proleptic ordinal (date.toordinal)."""
    if isinstance(occurred_at, str):
        occurred_at = datetime.fromisoformat(occurred_at.replace("Z", "+00:00"))
    return occurred_at.astimezone(_zone(time_zone)).date().toordinal()


@lru_cache(maxsize=16384)  # about 45 years of days; a trends answer formats every day it shows
def _iso(day: int) -> str:
    return date.fromordinal(day).isoformat()


def _parse_day(value: str | date) -> int:
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return value.toordinal()


class Bucket:
    """Integer running totals of intensities."""

    __slots__ = ("count", "peak", "total")

    def __init__(self, total: int = 0, count: int = 0, peak: int = 0) -> None:
        self.total = total
        self.count = count
        self.peak = peak

    def add(self, intensity: int) -> None:
        self.total += intensity
        self.count += 1
        if intensity > self.peak:
            self.peak = intensity

    def merge(self, total: int, count: int, peak: int) -> None:
        self.total += total
        self.count += count
        if peak > self.peak:
            self.peak = peak

    def mean_h(self) -> int | None:
        return mean_hundredths(self.total, self.count) if self.count else None


# One local day's entries: (sum of intensities, count, peak, deepest zone order with pain above
# 0, or 0). Plain tuples: the server makes one per day of years of journal.
DayTotals = tuple[int, int, int, int]


class _Days:
    """The journal's days as dense arrays from ``base`` on, with prefix sums: any 7-day window's
    totals are two subtractions, its peak and depth one slice (the second stage reads a few
    thousand windows, one per day and one per week)."""

    __slots__ = ("base", "counts", "depths", "logged", "peaks", "sums", "totals")

    def __init__(self, days: dict[int, DayTotals], base: int, last: int) -> None:
        size = last - base + 1
        totals, counts, logged, peaks, deepest = [0] * size, [0] * size, [0] * size, [0] * size, [0] * size
        for day, (total, count, peak, depth) in days.items():
            if base <= day <= last:
                i = day - base
                totals[i], counts[i], logged[i], peaks[i], deepest[i] = total, count, 1, peak, depth
        self.base = base
        self.sums = (list(accumulate(totals, initial=0)), list(accumulate(counts, initial=0)))
        self.logged = list(accumulate(logged, initial=0))
        self.totals, self.counts, self.peaks, self.depths = totals, counts, peaks, deepest

    def week(self, end: int) -> dict[str, Any]:
        hi = end - self.base + 1
        lo = max(0, hi - 7)
        totals, counts = self.sums
        count = counts[hi] - counts[lo]
        if count:
            total = totals[hi] - totals[lo]
            # Intensities are 0-10, so sums are never negative: mean_hundredths without the sign.
            mean = (200 * total + count) // (2 * count) / 100
            peak, depth = max(self.peaks[lo:hi]), max(self.depths[lo:hi]) or None
        else:  # no entry, no depth either
            mean = peak = depth = None
        return {
            "start": _iso(end - 6),
            "end": _iso(end),
            "mean": mean,
            "peak": peak,
            "count": count,
            "days_logged": self.logged[hi] - self.logged[lo],
            "depth": depth,
            "change": None,
        }


def _mean_h(week: dict[str, Any]) -> int | None:
    """A week's rounded mean back in exact hundredths (mean is hundredths / 100)."""
    return None if week["mean"] is None else round(week["mean"] * 100)


def _comparison(earlier: dict[str, Any] | None, later: dict[str, Any]) -> dict[str, Any] | None:
    if earlier is None or earlier is later or earlier["mean"] is None or later["mean"] is None:
        return None
    before, after = _mean_h(earlier), _mean_h(later)
    return {
        "from_mean": earlier["mean"],
        "to_mean": later["mean"],
        "change": (after - before) / 100,
        "status": change_status(before, after),
    }


def _mean_rows(groups: dict[Any, Bucket], key_names: tuple[str, ...]) -> list[dict[str, Any]]:
    rows = []
    for key, bucket in groups.items():
        row = dict(zip(key_names, key if isinstance(key, tuple) else (key,), strict=True))
        row["mean"] = from_hundredths(bucket.mean_h())
        row["peak"] = bucket.peak
        row["count"] = bucket.count
        rows.append(row)
    return rows


@dataclass
class PortionTotals:
    sessions: int = 0
    rated: int = 0
    before: int = 0
    after: int = 0


@dataclass
class JournalTotals:
    """What the trends need from the records, as integer sums: the first of two stages.

    Built from records here (and in the browser), or by one SQL query on the server
    (journal/trends/services.py); trends_from_totals turns it into the numbers.
    """

    days: dict[int, DayTotals] = field(default_factory=dict)  # local day ordinal -> that day's entries
    by_zone: dict[tuple[str, str], Bucket] = field(default_factory=dict)  # in range only
    by_posture: dict[str, Bucket] = field(default_factory=dict)  # in range only
    portions: dict[str, PortionTotals] = field(default_factory=dict)  # massages in range


def local_days_needed(date_from: str | date, date_to: str | date) -> tuple[date, date]:
    """The local days whose entries the trends read for [from, to] (rolling means, weeks, safety)."""
    first, last = _parse_day(date_from), _parse_day(date_to)
    # The first day's rolling mean reaches 6 days before ``from`` (the oldest week, ending on or
    # after ``from``, never further); the safety notes look back SAFETY_WEEKS weeks from ``to``.
    earliest = min(first, last - 7 * (SAFETY_WEEKS - 1)) - 6
    return date.fromordinal(earliest), date.fromordinal(last)


def totals_from_records(
    *, entries: Iterable[Record], massages: Iterable[Record], date_from: str | date, date_to: str | date
) -> JournalTotals:
    first, last = _parse_day(date_from), _parse_day(date_to)
    earliest = local_days_needed(date_from, date_to)[0].toordinal()
    totals = JournalTotals()
    days: dict[int, Bucket] = {}
    depths: dict[int, int] = {}
    by_zone, by_posture = totals.by_zone, totals.by_posture
    for entry in entries:
        if entry.get("deleted"):
            continue
        day = local_day(entry["occurred_at"], entry["time_zone"])
        if day < earliest or day > last:
            continue
        intensity = int(entry["intensity"])
        bucket = days.get(day)
        if bucket is None:
            bucket = days[day] = Bucket()
        bucket.add(intensity)
        if intensity > 0:
            depth = ZONE_DEPTH[entry["zone"]]
            if depth > depths.get(day, 0):
                depths[day] = depth
        if day >= first:
            by_zone.setdefault((entry["zone"], entry["side"]), Bucket()).add(intensity)
            by_posture.setdefault(entry["posture"], Bucket()).add(intensity)
    totals.days = {day: (b.total, b.count, b.peak, depths.get(day, 0)) for day, b in days.items()}
    for massage in massages:
        if (
            massage.get("deleted")
            or not first <= local_day(massage["occurred_at"], massage["time_zone"]) <= last
        ):
            continue
        portion = totals.portions.setdefault(massage["portion"], PortionTotals())
        portion.sessions += 1
        if massage.get("pain_after") is not None:
            portion.rated += 1
            portion.before += int(massage["pain_before"])
            portion.after += int(massage["pain_after"])
    return totals


def _massage_summary(portions: dict[str, PortionTotals]) -> dict[str, Any]:
    def summarise(t: PortionTotals) -> dict[str, Any]:
        n = t.rated
        return {
            "sessions": t.sessions,
            "rated": n,
            "mean_before": from_hundredths(mean_hundredths(t.before, n)) if n else None,
            "mean_after": from_hundredths(mean_hundredths(t.after, n)) if n else None,
            "mean_drop": from_hundredths(mean_hundredths(t.before - t.after, n)) if n else None,
        }

    overall = PortionTotals()
    rows = []
    for code, t in sorted(portions.items(), key=lambda item: PORTION_RANK.get(item[0], 99)):
        overall.sessions += t.sessions
        overall.rated += t.rated
        overall.before += t.before
        overall.after += t.after
        rows.append({"portion": code, **summarise(t)})
    return {**summarise(overall), "portions": rows}


def trends_from_totals(
    totals: JournalTotals, *, date_from: str | date, date_to: str | date
) -> dict[str, Any]:
    first, last = _parse_day(date_from), _parse_day(date_to)
    if first > last:
        raise ValueError("from must not be after to")
    oldest_week_end = last - 7 * ((last - first) // 7)
    dense = _Days(totals.days, local_days_needed(date_from, date_to)[0].toordinal(), last)

    daily: list[dict[str, Any]] = []
    append = daily.append
    base = dense.base
    day_totals, day_counts, day_peaks, day_depths = dense.totals, dense.counts, dense.peaks, dense.depths
    sum_totals, sum_counts = dense.sums
    for i in range(first - base, last - base + 1):  # the range's days; base is 6 or more days before
        count = day_counts[i]
        if not count:
            continue
        total = day_totals[i]
        window_total = sum_totals[i + 1] - sum_totals[i - 6]
        window_count = sum_counts[i + 1] - sum_counts[i - 6]
        # Intensities are 0-10, so sums are never negative: mean_hundredths without the sign.
        append(
            {
                "date": _iso(base + i),
                "mean": (200 * total + count) // (2 * count) / 100,
                "peak": day_peaks[i],
                "count": count,
                "rolling_mean": (200 * window_total + window_count) // (2 * window_count) / 100,
                "depth": day_depths[i] or None,
            }
        )

    week_ending = dense.week
    weeks = [week_ending(end) for end in range(oldest_week_end, last + 1, 7)]
    for previous, week in pairwise(weeks):
        comparison = _comparison(previous, week)
        week["change"] = comparison["status"] if comparison else None
    this_week = weeks[-1]
    last_week = weeks[-2] if len(weeks) > 1 else week_ending(last - 7)
    first_week = next((week for week in weeks if week["count"]), None)

    recent = [week_ending(last - 7 * k) for k in range(SAFETY_WEEKS)]  # this week first
    not_improving = (
        all(week["count"] for week in recent)
        and _mean_h(recent[0]) >= NOT_IMPROVING_MIN_MEAN_H
        and change_status(_mean_h(recent[-1]), _mean_h(recent[0])) != BETTER
    )
    reach = [week["depth"] for week in recent[:SPREADING_WEEKS]]  # this week first
    never_back_up = None not in reach and all(newer >= older for newer, older in pairwise(reach))
    spreading = never_back_up and reach[0] > reach[-1]

    zone_rows = sorted(
        _mean_rows(totals.by_zone, ("zone", "side")),
        key=lambda row: (ZONE_RANK[row["zone"]], SIDE_RANK.get(row["side"], 9)),
    )
    posture_rows = sorted(
        _mean_rows(totals.by_posture, ("posture",)), key=lambda row: POSTURE_RANK[row["posture"]]
    )

    return {
        "from": _iso(first),
        "to": _iso(last),
        "days_in_range": last - first + 1,
        "days_logged": len(daily),
        "entry_count": sum_counts[last - base + 1] - sum_counts[first - base],
        "daily": daily,
        "weeks": weeks,
        "by_zone": zone_rows,
        "by_posture": posture_rows,
        "massage": _massage_summary(totals.portions),
        "comparison": {
            "this_week": this_week,
            "last_week": last_week,
            "first_week": first_week,
            "vs_last_week": _comparison(last_week, this_week),
            "vs_first_week": _comparison(first_week, this_week),
        },
        "safety": {"not_improving": bool(not_improving), "spreading": bool(spreading)},
    }


def compute_trends(
    *,
    entries: Iterable[Record],
    massages: Iterable[Record],
    date_from: str | date,
    date_to: str | date,
) -> dict[str, Any]:
    """Every number behind the trends page and the weekly summary, for local days [from, to]."""
    if _parse_day(date_from) > _parse_day(date_to):
        raise ValueError("from must not be after to")
    totals = totals_from_records(entries=entries, massages=massages, date_from=date_from, date_to=date_to)
    return trends_from_totals(totals, date_from=date_from, date_to=date_to)
