"""The report a user can show a clinician: as a page (print from the browser) and as a PDF.

Both come from one template body (journal/report_body.html) with the same server-drawn SVG
charts (journal/trends/charts.py), so the page, the browser's print and the PDF agree.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, timedelta
from functools import wraps
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_safe

from body.vocabulary import MASSAGE_TOOLS, PORTIONS, POSTURES, ZONES_BY_CODE
from guide.pages import RED_FLAGS_URL
from journal.models import MassageSession, PainEntry
from journal.selectors import records_on_local_days
from journal.trends import charts, statements
from journal.trends.api import TrendsQuerySerializer
from journal.trends.format import score
from journal.trends.pdf import html_to_pdf
from journal.trends.rules import REACH_LABELS, trends_vocabulary
from journal.trends.services import trends_get

DEFAULT_REPORT_DAYS = 91
# Short enough for a 375 px phone; the chart legend above the table says what they mean.
WEEK_CHANGE = {"better": "▼ better", "worse": "▲ worse", "same": "same"}


def _local(record: PainEntry | MassageSession) -> str:
    return record.occurred_at.astimezone(ZoneInfo(record.time_zone)).strftime("%Y-%m-%d %H:%M")


def short_posture(code: str) -> str:
    label = POSTURES[code].split(" (")[0].replace(" from sitting", "")
    return label[0].upper() + label[1:]


def report_context(*, user: AbstractBaseUser, date_from: date, date_to: date) -> dict[str, Any]:
    """Everything the report shows for the user's local days [date_from, date_to]."""
    trends = trends_get(user=user, date_from=date_from, date_to=date_to)
    entries = records_on_local_days(
        user=user, record_type="pain_entry", first_day=date_from, last_day=date_to
    )
    massages = records_on_local_days(
        user=user, record_type="massage_session", first_day=date_from, last_day=date_to
    )
    weeks = [
        {
            **w,
            "label": statements.short_span_label(w["start"], w["end"]),
            "change_text": WEEK_CHANGE.get(w["change"], ""),
        }
        for w in reversed(trends["weeks"])
        if w["count"]
    ]
    postures = [{**row, "label": POSTURES[row["posture"]]} for row in trends["by_posture"]]
    return {
        "trends": trends,
        "red_flags_url": RED_FLAGS_URL,
        "pain_statements": statements.pain_statements(trends),
        "safety_statements": statements.safety_statements(trends),
        "where_statement": statements.where_statement(trends),
        "when_statement": statements.when_statement(trends),
        "massage_statement": statements.massage_statement(trends),
        "pain_chart": charts.pain_over_time(trends),
        "pain_chart_wide": charts.pain_over_time(trends, width=680),
        "posture_chart": charts.bars(
            [{"label": short_posture(r["posture"]), "value": r["mean"]} for r in postures]
        ),
        "reach_chart": charts.reach_over_weeks(trends["weeks"], REACH_LABELS),
        "reach_chart_wide": charts.reach_over_weeks(trends["weeks"], REACH_LABELS, width=680),
        "weeks": weeks,
        "zones": [
            {**row, "label": ZONES_BY_CODE[row["zone"]].label}
            for row in sorted(trends["by_zone"], key=lambda row: -row["count"])
        ],
        "postures": postures,
        "portions": [{**row, "label": PORTIONS[row["portion"]]} for row in trends["massage"]["portions"]],
        "massage_log": [
            {
                "when": _local(m),
                "portion": PORTIONS[m.portion].replace(" portion", ""),
                "side": m.side,
                "tool": MASSAGE_TOOLS[m.tool].replace("massage ", ""),
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
        "score": score,
    }


ReportView = Callable[[HttpRequest, date, date], HttpResponse]


def _for_asked_dates(view: ReportView) -> Callable[[HttpRequest], HttpResponse]:
    """The view gets the range the query asks for (the last 91 days by default); a bad query, a 400 page."""

    @wraps(view)
    def with_dates(request: HttpRequest) -> HttpResponse:
        query = TrendsQuerySerializer(data=request.GET, context={"user": request.user})
        if not query.is_valid():
            return render(request, "journal/report_error.html", {"errors": query.errors}, status=400)
        date_to = query.validated_data["to"]
        date_from = (
            query.validated_data["from"]
            if "from" in request.GET
            else date_to - timedelta(days=DEFAULT_REPORT_DAYS - 1)
        )
        return view(request, date_from, date_to)

    return with_dates


@login_required
@require_safe
@_for_asked_dates
def trends_report(request: HttpRequest, date_from: date, date_to: date) -> HttpResponse:
    context = report_context(user=request.user, date_from=date_from, date_to=date_to)
    context["vocabulary"] = trends_vocabulary()
    return render(request, "journal/report.html", context)


@login_required
@require_safe
@_for_asked_dates
def trends_report_pdf(request: HttpRequest, date_from: date, date_to: date) -> HttpResponse:
    """The same report laid out on A4 by WeasyPrint, for download or sharing from the phone."""
    started = time.perf_counter()
    context = report_context(user=request.user, date_from=date_from, date_to=date_to)
    html = render_to_string("journal/report_pdf.html", context, request=request)
    pdf = html_to_pdf(html, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="pain-report-{date_from}-to-{date_to}.pdf"'
    response["Cache-Control"] = "no-store"
    response["Server-Timing"] = f"pdf;dur={(time.perf_counter() - started) * 1000:.0f}"
    return response
