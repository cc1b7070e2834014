"""The report's sentences about the numbers: each names its window and how many entries it rests on.

Rules (the trends page words the same in frontend/static/js/trends-page.js):
- every statement says which days it covers ("in the last 7 days", "since your first week");
- a comparison between two weeks, and a "hurts most / least", needs at least
  ``MIN_ENTRIES`` entries on each side and says how many ("7.2 over 12 entries");
- when the first week is clearly worse than now but the last weeks have levelled off,
  one sentence says both, so two true statements never read as a contradiction.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from body.vocabulary import POSTURES, ZONES_BY_CODE
from journal.trends.format import entries_phrase, score
from journal.trends.rules import MIN_ENTRIES, SAFETY_WEEKS, SPREADING_WEEKS

EN_DASH = "\N{EN DASH}"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day_label(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{d.day} {MONTHS[d.month - 1]}"


def span_label(start: str, end: str) -> str:
    """'3 to 9 Mar', '27 Feb to 5 Mar', with the year only when the span crosses one."""
    a, b = date.fromisoformat(start), date.fromisoformat(end)
    if a.year != b.year:
        return f"{day_label(start)} {a.year} to {day_label(end)} {b.year}"
    if a.month == b.month:
        return f"{a.day} to {day_label(end)}"
    return f"{day_label(start)} to {day_label(end)}"


def short_span_label(start: str, end: str) -> str:
    """'3 to 9 Mar' with an en dash for 'to' ('27 Feb' dash '5 Mar'), for narrow tables under a
    heading that names the years."""
    a, b = date.fromisoformat(start), date.fromisoformat(end)
    if a.month == b.month:
        return f"{a.day}{EN_DASH}{day_label(end)}"
    return f"{day_label(start)}{EN_DASH}{day_label(end)}"


def _movement(change: float, status: str) -> str:
    if change < 0:
        return f"down {score(change)}" + (
            ", a clear improvement" if status == "better" else ", not a clear change"
        )
    if change > 0:
        return f"up {score(change)}" + (", clearly worse" if status == "worse" else ", not a clear change")
    return "no change"


def _enough(week: dict[str, Any] | None) -> bool:
    return bool(week) and week["count"] >= MIN_ENTRIES


def pain_statements(trends: dict[str, Any]) -> list[str]:
    comparison = trends["comparison"]
    week, last, first = comparison["this_week"], comparison["last_week"], comparison["first_week"]
    if not week["count"]:
        return [f"Nothing logged in the last 7 days ({span_label(week['start'], week['end'])})."]
    lines = [
        f"In the last 7 days ({span_label(week['start'], week['end'])}) the average was "
        f"{score(week['mean'])} over {entries_phrase(week['count'])}."
    ]
    versus = comparison["vs_last_week"]
    if versus and _enough(week) and _enough(last):
        lines.append(
            f"Against the 7 days before ({score(last['mean'])} over {entries_phrase(last['count'])}): "
            f"{_movement(versus['change'], versus['status'])}."
        )
    elif last["count"]:
        lines.append(
            f"Too few entries to compare with the 7 days before ({entries_phrase(last['count'])}, "
            f"at least {MIN_ENTRIES} are needed)."
        )
    since = comparison["vs_first_week"]
    if since and first and first["start"] != week["start"] and _enough(first) and _enough(week):
        lead = (
            f"Since your first week ({span_label(first['start'], first['end'])}, {score(first['mean'])} over "
            f"{entries_phrase(first['count'])}): {_movement(since['change'], since['status'])}"
        )
        if trends["safety"]["not_improving"] and since["status"] == "better":
            lead += f"; in the last {SAFETY_WEEKS} weeks it has levelled off"
        lines.append(lead + ".")
    return lines


def safety_statements(trends: dict[str, Any]) -> list[str]:
    """The red-flag note, with the weeks it looked at."""
    lines = []
    weeks = trends["weeks"]
    if trends["safety"]["spreading"]:
        lines.append(
            f"In the last {SPREADING_WEEKS} weeks the pain reached further down the leg each week, "
            "or stayed there."
        )
    if trends["safety"]["not_improving"]:
        if len(weeks) >= SAFETY_WEEKS:
            earlier, now = weeks[-SAFETY_WEEKS], weeks[-1]
            lines.append(
                f"In the last {SAFETY_WEEKS} weeks ({span_label(earlier['start'], now['end'])}) the weekly "
                f"average went from {score(earlier['mean'])} to {score(now['mean'])}: no clear improvement."
            )
        else:
            lines.append(f"In the last {SAFETY_WEEKS} weeks the weekly average has not clearly improved.")
    return lines


def _ranked(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows with enough entries, highest mean first (vocabulary order on a tie)."""
    return sorted((row for row in rows if row["count"] >= MIN_ENTRIES), key=lambda row: -row["mean"])


def zone_label(row: dict[str, Any]) -> str:
    return f"{ZONES_BY_CODE[row['zone']].label} ({row['side']})"


def where_statement(trends: dict[str, Any]) -> str:
    ranked = _ranked(trends["by_zone"])
    if not trends["by_zone"]:
        return "No zones logged in this range."
    if not ranked:
        return f"No zone has {MIN_ENTRIES} or more entries in this range yet."
    top = ranked[0]
    text = (
        f"Over the whole range, hurts most: {zone_label(top)}, {score(top['mean'])} "
        f"over {entries_phrase(top['count'])}"
    )
    if len(ranked) > 1:
        low = ranked[-1]
        text += f"; least: {zone_label(low)}, {score(low['mean'])} over {entries_phrase(low['count'])}"
    return text + "."


def when_statement(trends: dict[str, Any]) -> str:
    ranked = _ranked(trends["by_posture"])
    if len(ranked) < 2:
        return f"Too few entries to compare moments yet (at least {MIN_ENTRIES} each for two of them)."
    top, low = ranked[0], ranked[-1]
    return (
        f"Over the whole range, {POSTURES[top['posture']]} hurts most ({score(top['mean'])} over "
        f"{entries_phrase(top['count'])}); {POSTURES[low['posture']]} least ({score(low['mean'])} over "
        f"{entries_phrase(low['count'])})."
    )


def _sessions(count: int) -> str:
    return f"{count} session{'' if count == 1 else 's'}"


def massage_statement(trends: dict[str, Any]) -> str:
    """Before against after, over the sessions that have a score after (twin of trends-page.js)."""
    m = trends["massage"]
    if not m["sessions"]:
        return "No massages logged in this range."
    if m["rated"] < MIN_ENTRIES:
        return (
            f"In this range, {_sessions(m['rated'])} of {m['sessions']} with a score after: "
            f"too few to compare (at least {MIN_ENTRIES} are needed)."
        )
    drop = m["mean_drop"]
    if score(drop) == "0.0":
        change = "the same after"
    else:
        change = f"{score(drop)} {'lower' if drop > 0 else 'higher'} after"
    return (
        f"In this range, pain was {change} on average over {_sessions(m['rated'])} with a score after "
        f"({score(m['mean_before'])} before, {score(m['mean_after'])} after)."
    )
