"""Trends over 5 years of one user's journal (about 9,000 entries), server and browser.

- Server: GET /api/trends/ for the whole 5 years (auth, load, compute, JSON), as a
  ratio to a hand-written SQL aggregate in the same run (daily mean and peak
  GROUP BY local date over the entries, what a server pays that sums the entries
  on each request; the API reads the day sums the database keeps instead).
  Target: at most 2x.
- Browser: trends-compute.js on the same records in headless Chromium, as a ratio
  to the Python computation alone on the same records (for scale; no target), and
  again with the CPU slowed 4x (DevTools throttling, a mid-range phone): at most 50 ms.
- PDF: GET /trends/report/pdf/ over three months of daily logs (the realistic journal
  of the tests), against the same report as an HTML page in the same run: at most 2 s.

Data: the seeded journal of tests/fixtures/trends/five_years.json (Berlin with stays in New York).
"""

from __future__ import annotations

import functools
import http.server
import json
import statistics
import threading
import uuid
from datetime import datetime
from typing import Any

from bench.common import ROOT, Result, best_of

FIXTURE = ROOT / "tests" / "fixtures" / "trends" / "five_years.json"
TARGET_RATIO = 2.0
ROUNDS = 21
THROTTLE = 4
THROTTLED_TARGET_MS = 50
PDF_TARGET_MS = 2000

DAILY_SQL = """
SELECT (occurred_at AT TIME ZONE time_zone)::date AS day, avg(intensity), max(intensity), count(*)
FROM journal_painentry
WHERE user_id = %s AND NOT deleted AND occurred_at >= %s AND occurred_at < %s
GROUP BY 1 ORDER BY 1
"""


def _fixture() -> dict[str, Any]:
    return json.loads(FIXTURE.read_text())


def _load_journal(user: Any, fixture_input: dict[str, Any]) -> tuple[list[dict], list[dict]]:
    from tests.fixtures.trends.make_five_years import expand
    from tests.journal.trends_fixtures import store_records

    entries, massages = expand(fixture_input)
    store_records(user, entries, massages)
    return entries, massages


def _server_results(fixture: dict[str, Any]) -> tuple[list[Result], list[dict], list[dict]]:
    from django.db import connection
    from rest_framework.test import APIClient

    from accounts.services import user_create
    from journal.trends.services import _utc_window

    user = user_create(username=f"trends-bench-{uuid.uuid4().hex[:8]}", password="bench-Pass-4242")
    given = fixture["input"]
    entries, massages = _load_journal(user, given)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE journal_painentry")
        cursor.execute("ANALYZE journal_massagesession")

    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # the in-process test client's host
    client = APIClient()
    client.force_authenticate(user)
    query = {"from": given["from"], "to": given["to"]}

    def api() -> None:
        response = client.get("/api/trends/", query)
        assert response.status_code == 200, response.content[:200]

    # The answer is checked once, outside the timing: parsing 200 KB of JSON is the client's cost.
    answer = client.get("/api/trends/", query)
    assert answer.json() == fixture["expected"], "the API's numbers differ from the fixture's"

    start, end = _utc_window(
        datetime.fromisoformat(given["from"]).date(), datetime.fromisoformat(given["to"]).date()
    )

    def sql() -> None:
        with connection.cursor() as cursor:
            cursor.execute(DAILY_SQL, [user.pk, start, end])
            rows = cursor.fetchall()
        assert len(rows) >= fixture["expected"]["days_logged"]

    api()
    sql()  # warm caches for both
    # Interleaved pairs, median of the per-pair ratios: a busy neighbour slows both sides of a pair.
    api_times, sql_times, ratios = [], [], []
    for _ in range(ROUNDS):
        api_time = best_of(api, repeat=1)
        sql_time = best_of(sql, repeat=1)
        api_times.append(api_time)
        sql_times.append(sql_time)
        ratios.append(api_time / sql_time)
    api_time, sql_time, ratio = (statistics.median(values) for values in (api_times, sql_times, ratios))
    result = Result.milliseconds(
        "trends API, 5 years",
        api_time,
        baseline_name="SQL daily GROUP BY local date",
        baseline_seconds=sql_time,
        target=f"<= {TARGET_RATIO:g}x",
        ok=ratio <= TARGET_RATIO,
        notes=[
            f"{len(entries)} entries, {len(massages)} massages over 5 years, PostgreSQL",
            "the API reads the kept day sums (journal_painday) and sums zones and postures over the entries",
            f"median of {ROUNDS} interleaved pairs; median per-pair ratio {ratio:.2f}",
        ],
    )
    return [result], entries, massages


def _serve_repository() -> tuple[http.server.ThreadingHTTPServer, int]:
    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript"}

        def log_message(self, *args: Any) -> None:
            pass

    handler = functools.partial(QuietHandler, directory=str(ROOT))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


BROWSER_JS = """async ({ entries, massages, from, to }) => {
  const { computeTrends } = await import('/frontend/static/js/trends-compute.js');
  const vocabulary = await (await fetch('/tests/fixtures/trends/vocabulary.json')).json();
  computeTrends({ entries, massages, from, to, vocabulary });  // warm up the JIT and formatters
  const times = [];
  let result;
  for (let i = 0; i < 7; i += 1) {
    const started = performance.now();
    result = computeTrends({ entries, massages, from, to, vocabulary });
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { ms: times[3], entryCount: result.entry_count };
}"""


def _browser_result(fixture: dict[str, Any], entries: list[dict], massages: list[dict]) -> list[Result]:
    from playwright.sync_api import sync_playwright

    from journal.trends.compute import compute_trends
    from tests.services import CHROMIUM_ARGS, CHROMIUM_PATH

    given = fixture["input"]
    python_time = best_of(
        lambda: compute_trends(
            entries=entries, massages=massages, date_from=given["from"], date_to=given["to"]
        ),
        repeat=5,
    )
    server, port = _serve_repository()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS, headless=True
            )
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{port}/README.md")
            records = {"entries": entries, "massages": massages, "from": given["from"], "to": given["to"]}
            measured = page.evaluate(BROWSER_JS, records)
            devtools = page.context.new_cdp_session(page)
            devtools.send("Emulation.setCPUThrottlingRate", {"rate": THROTTLE})
            throttled = page.evaluate(BROWSER_JS, records)
            browser.close()
    finally:
        server.shutdown()
    assert measured["entryCount"] == throttled["entryCount"] == fixture["expected"]["entry_count"]
    return [
        Result(
            name="trends in Chromium, 5 years",
            value=measured["ms"],
            unit="ms",
            baseline_name="same computation in Python",
            baseline=python_time * 1000,
            target="(for scale)",
            notes=[f"trends-compute.js on {len(entries)} entries, median of 7 runs in headless Chromium"],
        ),
        Result(
            name=f"trends in Chromium, 5 years, CPU {THROTTLE}x slower",
            value=throttled["ms"],
            unit="ms",
            baseline_name="unthrottled",
            baseline=measured["ms"],
            target=f"<= {THROTTLED_TARGET_MS} ms",
            ok=throttled["ms"] <= THROTTLED_TARGET_MS,
            notes=["DevTools Emulation.setCPUThrottlingRate"],
        ),
    ]


def _pdf_result() -> Result:
    from datetime import date

    from django.test import Client

    from accounts.services import user_create
    from tests.journal.trends_realistic import store_realistic_journal

    user = user_create(username=f"report-bench-{uuid.uuid4().hex[:8]}", password="bench-Pass-4242")
    last_day = date(2026, 3, 29)
    store_realistic_journal(user, last_day=last_day)
    client = Client()
    client.force_login(user)
    query = {"from": "2025-12-29", "to": str(last_day)}

    def pdf() -> None:
        response = client.get("/trends/report/pdf/", query)
        assert response.status_code == 200 and response.content.startswith(b"%PDF")

    def page() -> None:
        assert client.get("/trends/report/", query).status_code == 200

    from django.conf import settings
    from django.test import override_settings

    # Benchmarks run with DEBUG off, whose manifest storage needs collectstatic; the report
    # reads the same files either way.
    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    with override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain}):
        pdf()  # first use loads fonts and styles once per process
        pdf_time, page_time = best_of(pdf, repeat=3), best_of(page, repeat=3)
    return Result.milliseconds(
        "report PDF, 3 months of daily logs",
        pdf_time,
        baseline_name="the same report as HTML",
        baseline_seconds=page_time,
        target=f"<= {PDF_TARGET_MS} ms",
        ok=pdf_time * 1000 <= PDF_TARGET_MS,
        notes=["WeasyPrint, median of 3 after one warm-up"],
    )


def run() -> list[Result]:
    fixture = _fixture()
    results, entries, massages = _server_results(fixture)
    results.append(_pdf_result())
    results.extend(_browser_result(fixture, entries, massages))
    return results


if __name__ == "__main__":
    from bench.common import format_table, setup_django

    setup_django(fresh=True)
    print(format_table(run()))
