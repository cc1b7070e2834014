"""The weekly summary: what changed in the user's last local week, in one plain sentence.

The reminders app sends it as a push (reminders/payloads.py calls
``weekly_summary_payload``); the numbers come from journal.trends, the same
computation as the trends page.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractBaseUser
from django.urls import reverse

from accounts.selectors import profile_get
from body.vocabulary import POSTURES
from journal.trends.format import score
from journal.trends.services import trends_get


def one_decimal(value: float) -> str:
    """4.05 -> "4.1": the trends' one number format (journal.trends.format), sign dropped (words carry it)."""
    return score(value)


def _worst_posture(by_posture: list[dict[str, Any]]) -> str | None:
    if len(by_posture) < 2:
        return None  # "hurts most" needs something to compare with
    worst = max(by_posture, key=lambda row: row["mean"])  # first in vocabulary order on a tie
    return POSTURES[worst["posture"]]


def weekly_summary_text(trends: dict[str, Any]) -> str | None:
    """The summary sentence for the week ending ``trends["to"]``; None for a week with no entries."""
    comparison = trends["comparison"]
    week = comparison["this_week"]
    if not week["count"]:
        return None
    parts = [f"Average pain {one_decimal(week['mean'])}"]
    versus = comparison["vs_last_week"]
    if versus is None:
        parts[0] += " (nothing logged the week before)"
    elif versus["change"] < 0:
        parts[0] += f", down {one_decimal(versus['change'])} from last week"
        if versus["status"] == "better":
            parts[0] += ", a clear improvement"
    elif versus["change"] > 0:
        parts[0] += f", up {one_decimal(versus['change'])} from last week"
    else:
        parts[0] += ", the same as last week"
    posture = _worst_posture(trends["by_posture"])
    if posture:
        parts.append(f"{posture} hurts most")
    massage = trends["massage"]
    if massage["rated"]:
        if massage["mean_drop"] > 0:
            parts.append(f"massages helped by {one_decimal(massage['mean_drop'])} points")
        else:
            parts.append("massages did not lower the pain this week")
    text = "; ".join(parts) + "."
    safety = trends["safety"]
    if safety["spreading"]:
        text += " It has been reaching further down the leg; it is worth seeing a doctor."
    elif safety["not_improving"]:
        text += " It has not improved for three weeks; it is worth seeing a doctor."
    return text


def weekly_summary_payload(
    user: AbstractBaseUser, week_end: date | datetime, *, nudge_if_empty: bool = False
) -> dict[str, str] | None:
    """Push payload {title, body, url, tag} for the user's local week ending ``week_end``.

    ``week_end`` is a local date, or the moment the summary fires (the reminders
    tick passes the delivery's UTC fire time): the week is then the 7 local days
    ending on that moment's date in the user's time zone.
    None when nothing was logged that week, unless the user asked for a gentle
    nudge then (``nudge_if_empty``).
    """
    if isinstance(week_end, datetime):
        week_end = week_end.astimezone(ZoneInfo(profile_get(user=user).time_zone)).date()
    week_start = week_end - timedelta(days=6)
    trends = trends_get(user=user, date_from=week_start, date_to=week_end)
    text = weekly_summary_text(trends)
    tag = f"weekly-summary-{week_end.isoformat()}"
    if text is None:
        if not nudge_if_empty:
            return None
        return {
            "title": "Your week in the pain journal",
            "body": "Nothing logged this week. A quick entry a day is enough to see what helps.",
            "url": reverse("journal"),
            "tag": tag,
        }
    # The trends page repeats any safety note calmly, with the link to the guide's red flags.
    return {
        "title": f"Your week: {week_start:%b} {week_start.day} to {week_end:%b} {week_end.day}",
        "body": text,
        # The trends page opens on the week this summary describes.
        "url": f"{reverse('trends')}?from={week_start.isoformat()}&to={week_end.isoformat()}",
        "tag": tag,
    }
