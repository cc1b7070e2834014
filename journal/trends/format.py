"""How a trend number is written wherever people read it: captions, bars, tables, the report, the push.

A mean arrives from journal.trends.compute as exact hundredths divided by 100 (4.05 is
405 hundredths). It is shown with one decimal, rounded half away from zero on those
hundredths, in integer arithmetic, so 3.65 is "3.7" everywhere (a float's own rounding
would make it "3.6" in one place and "3.7" in another). The browser's twin is
``formatScore`` in frontend/static/js/trends-compute.js; tests/journal/test_trends_format.py
runs both on the same values.
"""

from __future__ import annotations


def score_tenths(value: float) -> int:
    """The value in tenths: hundredths rounded half away from zero (3.65 -> 37, -3.65 -> -37)."""
    hundredths = round(value * 100)  # exact: the value is a whole number of hundredths
    tenths = (abs(hundredths) + 5) // 10
    return -tenths if hundredths < 0 else tenths


def score(value: float | None, *, signed: bool = False) -> str:
    """One decimal, as shown everywhere ("3.7"); "-" for no value. The sign is shown only when asked
    (``signed``: "+0.4", "-2.2", "0.0"); captions usually carry it in words ("down 2.2")."""
    if value is None:
        return "-"
    tenths = score_tenths(value)
    text = f"{abs(tenths) // 10}.{abs(tenths) % 10}"
    if signed and tenths:
        return ("-" if tenths < 0 else "+") + text
    return text


def entries_phrase(count: int) -> str:
    return f"{count} entr{'y' if count == 1 else 'ies'}"
