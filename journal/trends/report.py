"""The printable report a user can show a clinician: charts, tables, massage log and notes."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from guide.pages import RED_FLAGS_URL
from journal.models import MassageSession, PainEntry
from journal.selectors import records_on_local_days
from journal.trends.api import TrendsQuerySerializer
from journal.trends.services import trends_get
from journal.vocabulary import MASSAGE_TOOLS, PORTIONS, POSTURES, ZONES_BY_CODE, vocabulary_json

DEFAULT_REPORT_DAYS = 91


def _local(record: PainEntry | MassageSession) -> str:
    return record.occurred_at.astimezone(ZoneInfo(record.time_zone)).strftime("%Y-%m-%d %H:%M")


@login_required
def trends_report(request: HttpRequest) -> HttpResponse:
    query = TrendsQuerySerializer(data=request.GET, context={"user": request.user})
    if not query.is_valid():
        return render(request, "journal/report_error.html", {"errors": query.errors}, status=400)
    date_to = query.validated_data["to"]
    date_from = (
        query.validated_data["from"]
        if "from" in request.GET
        else date_to - timedelta(days=DEFAULT_REPORT_DAYS - 1)
    )
    trends = trends_get(user=request.user, date_from=date_from, date_to=date_to)
    entries = records_on_local_days(
        user=request.user, record_type="pain_entry", first_day=date_from, last_day=date_to
    )
    massages = records_on_local_days(
        user=request.user, record_type="massage_session", first_day=date_from, last_day=date_to
    )
    context = {
        "trends": trends,
        "vocabulary": vocabulary_json(),
        "red_flags_url": RED_FLAGS_URL,
        "weeks": [w for w in reversed(trends["weeks"]) if w["count"]],
        "zones": [{**row, "label": ZONES_BY_CODE[row["zone"]].label} for row in trends["by_zone"]],
        "postures": [{**row, "label": POSTURES[row["posture"]]} for row in trends["by_posture"]],
        "portions": [{**row, "label": PORTIONS[row["portion"]]} for row in trends["massage"]["portions"]],
        "massage_log": [
            {
                "when": _local(m),
                "portion": PORTIONS[m.portion],
                "side": m.side,
                "tool": MASSAGE_TOOLS[m.tool],
                "minutes": m.minutes,
                "before": m.pain_before,
                "after": m.pain_after,
                "note": m.note,
            }
            for m in massages
        ],
        "notes": [
            {
                "when": _local(e),
                "zone": ZONES_BY_CODE[e.zone].label,
                "side": e.side,
                "posture": POSTURES[e.posture],
                "intensity": e.intensity,
                "note": e.note,
            }
            for e in entries
            if e.note
        ],
    }
    return render(request, "journal/report.html", context)
