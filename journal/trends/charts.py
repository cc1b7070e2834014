"""The report's charts as SVG, drawn on the server so the page, the browser's print and the PDF
show one picture. Same geometry, classes and number format as frontend/static/js/charts.js
(the trends page draws there, offline); colours come from css/trends.css (no inline styles).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from html import escape
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from journal.trends.format import score

LABEL_CHAR_WIDTH = 7  # a 12 px label's average character width, for spacing tick labels
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _r(value: float) -> str:
    text = f"{round(value, 1):.1f}"
    return text[:-2] if text.endswith(".0") else text


def _attrs(attributes: dict[str, Any]) -> str:
    return " ".join(f'{key}="{escape(str(value))}"' for key, value in attributes.items())


# The page's own font stack (css/app.css): without it WeasyPrint sets SVG text in its default
# face, wider than the tables' text beside it.
FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'

# Presentation attributes for renderers without CSS for SVG (WeasyPrint); on screen the
# classes in css/trends.css win over them (a stylesheet beats a presentation attribute).
PAINT = {
    "chart-grid": {"stroke": "#c9d2cf", "stroke-width": 1},
    "chart-tick": {"stroke": "#4f5b58", "stroke-width": 1},
    "chart-label": {"fill": "#333", "font-size": 12, "font-family": FONT_FAMILY},
    "chart-text": {"fill": "#111", "font-size": 12, "font-family": FONT_FAMILY},
    "chart-dots": {
        "stroke": "#8f1d14",
        "stroke-width": 5,
        "stroke-linecap": "round",
        "fill": "none",
        "opacity": 0.55,
    },
    "chart-rolling": {"stroke": "#1f5f5b", "stroke-width": 2.5, "fill": "none", "stroke-linejoin": "round"},
    "chart-mark-better": {"fill": "#1d7a3a"},
    "chart-mark-worse": {"fill": "#b3261e"},
    "chart-track": {"fill": "#eef1f0"},
    "chart-bar": {"fill": "#8f1d14"},
    "chart-step": {"stroke": "#8f1d14", "stroke-width": 3, "fill": "none"},
}


def _el(name: str, text: str | None = None, **attributes: Any) -> str:
    attributes = {key.rstrip("_").replace("_", "-"): value for key, value in attributes.items()}
    paint: dict[str, Any] = {}
    for class_name in str(attributes.get("class", "")).split():
        paint.update(PAINT.get(class_name, {}))
    attrs = _attrs({**paint, **attributes})
    return f"<{name} {attrs}/>" if text is None else f"<{name} {attrs}>{escape(text)}</{name}>"


def _svg(width: int, height: int, class_name: str, body: list[str]) -> SafeString:
    head = _attrs(
        {
            "viewBox": f"0 0 {width} {height}",
            "width": width,
            "height": height,
            "class": f"chart {class_name}",
            "aria-hidden": "true",
            "focusable": "false",
            "xmlns": "http://www.w3.org/2000/svg",
        }
    )
    return mark_safe(f"<svg {head}>{''.join(body)}</svg>")  # noqa: S308 (every text is escaped above)


def calendar_ticks(first: date, last: date, plot_width: float) -> list[tuple[date, str | None]]:
    """Tick days on calendar steps (days, Mondays, month starts, years) and their labels.

    Steps grow with the span so a label never collides: two weeks tick each day and label
    every other one, three months tick each Monday, a year each month, longer spans each
    year; labels are thinned to every k-th tick by the room they need. Twin of
    ``calendarTicks`` in charts.js.
    """
    span = (last - first).days
    if span <= 31:
        days = [first + timedelta(days=n) for n in range(span + 1)]
        ticks = [(d, f"{d.day} {MONTHS[d.month - 1]}") for d in days]
    elif span <= 190:
        monday = first + timedelta(days=(7 - first.weekday()) % 7)
        days = [monday + timedelta(weeks=n) for n in range((last - monday).days // 7 + 1)]
        ticks = [(d, f"{d.day} {MONTHS[d.month - 1]}") for d in days]
    elif span <= 800:
        days = []
        month = date(first.year, first.month, 1)
        while month <= last:
            if month >= first:
                days.append(month)
            month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        ticks = [(d, MONTHS[d.month - 1] if d.month != 1 else str(d.year)) for d in days]
    else:
        days = [date(year, 1, 1) for year in range(first.year + 1, last.year + 1)]
        ticks = [(d, str(d.year)) for d in days]
    if not ticks:
        return []
    widest = max(len(label) for _, label in ticks) * LABEL_CHAR_WIDTH + 10
    room = max(1, int(plot_width // widest))
    every = max(1, -(-len(ticks) // room))
    return [(d, label if i % every == 0 else None) for i, (d, label) in enumerate(ticks)]


def label_x(tick_x: float, label: str, width: float) -> float:
    """A centred label's x, moved in just enough to stay inside the chart (the last tick sits at its edge)."""
    half = len(label) * LABEL_CHAR_WIDTH / 2
    return min(max(tick_x, half + 1), width - half - 1)


def _time_axis(
    first: date, last: date, x: Any, *, bottom: float, height: int, width: int, plot_width: float
) -> list[str]:
    body = []
    for day, label in calendar_ticks(first, last, plot_width):
        tx = x(day)
        body.append(_el("line", x1=_r(tx), x2=_r(tx), y1=bottom, y2=bottom + 4, class_="chart-tick"))
        if label:
            body.append(
                _el(
                    "text",
                    label,
                    x=_r(label_x(tx, label, width)),
                    y=height - 8,
                    class_="chart-label",
                    text_anchor="middle",
                )
            )
    return body


def pain_over_time(trends: dict[str, Any], *, width: int = 320) -> SafeString:
    """Dots: daily mean; line: 7-day mean; triangles: weeks clearly better or worse than the one before."""
    height = 190 if width <= 400 else 230
    left, right, top, bottom = 28, width - 10, 14, height - 28
    first, last = date.fromisoformat(trends["from"]), date.fromisoformat(trends["to"])
    span = max(1, (last - first).days)

    def x(day: str | date) -> float:
        d = date.fromisoformat(day) if isinstance(day, str) else day
        return left + ((d - first).days / span) * (right - left)

    def y(value: float) -> float:
        return bottom - (value / 10) * (bottom - top)

    body = []
    for level in (0, 5, 10):
        body.append(_el("line", x1=left, x2=right, y1=_r(y(level)), y2=_r(y(level)), class_="chart-grid"))
        body.append(
            _el("text", str(level), x=left - 6, y=_r(y(level) + 4), class_="chart-label", text_anchor="end")
        )
    plot_width = right - left
    body.extend(_time_axis(first, last, x, bottom=bottom, height=height, width=width, plot_width=plot_width))
    daily = trends["daily"]
    if daily:
        dots = "".join(f"M{_r(x(p['date']))} {_r(y(p['mean']))}h0" for p in daily)
        body.append(_el("path", d=dots, class_="chart-dots"))
        line = "".join(
            f"{'L' if i else 'M'}{_r(x(p['date']))} {_r(y(p['rolling_mean']))}" for i, p in enumerate(daily)
        )
        body.append(_el("path", d=line, class_="chart-rolling"))
    for week in trends["weeks"]:
        if week["change"] not in ("better", "worse"):
            continue
        cx, cy = x(min(week["end"], trends["to"])), y(week["mean"])
        if week["change"] == "better":
            d = f"M{_r(cx - 6)} {_r(cy - 14)}h12l-6 9z"
        else:
            d = f"M{_r(cx - 6)} {_r(cy - 5)}h12l-6 -9z"
        body.append(_el("path", d=d, class_=f"chart-mark-{week['change']}"))
    return _svg(width, height, "chart-pain", body)


def bars(rows: Sequence[dict[str, Any]], *, width: int = 320, class_name: str = "") -> SafeString:
    """Horizontal bars 0-10: [{label, value, count, bar_class}]; the value is written as everywhere else."""
    row_height, label_width = 30, 140
    height = row_height * len(rows) + 6
    scale = (width - label_width - 44) / 10
    body = []
    for i, row in enumerate(rows):
        top = i * row_height + 4
        body.append(_el("text", row["label"], x=0, y=top + 17, class_="chart-text"))
        body.append(
            _el("rect", x=label_width, y=top + 4, width=_r(10 * scale), height=18, rx=3, class_="chart-track")
        )
        if row.get("value") is not None:
            bar = max(2.0, row["value"] * scale)
            body.append(
                _el(
                    "rect",
                    x=label_width,
                    y=top + 4,
                    width=_r(bar),
                    height=18,
                    rx=3,
                    class_=f"chart-bar {row.get('bar_class', '')}".strip(),
                )
            )
            body.append(
                _el(
                    "text",
                    score(row["value"]),
                    x=_r(label_width + bar + 4),
                    y=top + 18,
                    class_="chart-text chart-value",
                )
            )
    return _svg(width, height, f"chart-bars {class_name}".strip(), body)


def reach_over_weeks(
    weeks: Sequence[dict[str, Any]], levels: Sequence[str], *, width: int = 320
) -> SafeString:
    """How far down the leg the pain reached, week by week: a step line, deeper is lower."""
    height = 200 if width <= 400 else 170
    left, right, top, bottom = 80, width - 10, 12, height - 28
    deepest = len(levels)

    def y(depth: int) -> float:
        return top + ((depth - 1) / (deepest - 1)) * (bottom - top)

    body = []
    for i, label in enumerate(levels):
        body.append(_el("line", x1=left, x2=right, y1=_r(y(i + 1)), y2=_r(y(i + 1)), class_="chart-grid"))
        body.append(
            _el("text", label, x=left - 6, y=_r(y(i + 1) + 4), class_="chart-label", text_anchor="end")
        )
    if weeks:
        first = date.fromisoformat(weeks[0]["start"])
        last = date.fromisoformat(weeks[-1]["end"]) + timedelta(days=1)
        span = max(1, (last - first).days)

        def x(d: date) -> float:
            return left + ((d - first).days / span) * (right - left)

        body.extend(
            _time_axis(first, last, x, bottom=bottom, height=height, width=width, plot_width=right - left)
        )
        d = ""
        drawing = False
        for week in weeks:
            if week["depth"] is None:
                drawing = False
                continue
            x0 = x(date.fromisoformat(week["start"]))
            x1 = x(date.fromisoformat(week["end"]) + timedelta(days=1))
            d += f"{'L' if drawing else 'M'}{_r(x0)} {_r(y(week['depth']))}H{_r(x1)}"
            drawing = True
        if d:
            body.append(_el("path", d=d, class_="chart-step"))
    return _svg(width, height, "chart-reach", body)
