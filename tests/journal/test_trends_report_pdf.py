"""The clinician report as a PDF: three months of daily logs on at most 3 A4 pages, built only from
the app's own files, with the numbers written as on the page."""

from __future__ import annotations

import io
import os
import re
import time
from datetime import date
from pathlib import Path

import pytest
from django.test import Client
from pypdf import PdfReader

from journal.trends.pdf import RefusedURL, html_to_pdf, static_file_for
from tests.journal.trends_realistic import store_realistic_journal

pytestmark = pytest.mark.django_db
LAST_DAY = date(2026, 3, 29)
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


@pytest.fixture
def browser_client(user):
    client = Client()
    client.force_login(user)
    return client


def _content_depth(page) -> float:
    """How far down the page its lowest text sits (0 top, 1 bottom), the page-number footer aside."""
    lows: list[float] = []

    def visit(text, cm, tm, font, size):
        if text.strip() and not text.strip().startswith("page "):
            lows.append(cm[5] + tm[5] * cm[3])

    page.extract_text(visitor_text=visit)
    height = float(page.mediabox.height)
    return 1 - min(lows) / height


def _pdf(client: Client, **query: str) -> tuple[PdfReader, bytes, float]:
    started = time.perf_counter()
    response = client.get("/trends/report/pdf/", {"from": "2025-12-29", "to": str(LAST_DAY), **query})
    elapsed = time.perf_counter() - started
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"] == 'attachment; filename="pain-report-2025-12-29-to-2026-03-29.pdf"'
    )
    return PdfReader(io.BytesIO(response.content)), response.content, elapsed


def test_three_months_of_daily_logs_fit_three_a4_pages_with_the_summary_on_page_one(user, browser_client):
    store_realistic_journal(user, last_day=LAST_DAY)

    reader, content, elapsed = _pdf(browser_client)

    if os.environ.get("REPORT_PDF_OUT"):
        Path(os.environ["REPORT_PDF_OUT"]).write_bytes(content)
    assert len(reader.pages) <= 3
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width), round(height)) == (595, 842)  # A4 in points
    first = reader.pages[0].extract_text()
    assert "Summary" in first
    assert "In the last 7 days" in first
    assert "Pain over time" in first
    # No page is mostly blank: on every page but the last, the content runs past 60 % of the height.
    for page in reader.pages[:-1]:
        assert _content_depth(page) > 0.6, _content_depth(page)
    print(f"\nreport PDF, 3 months: {len(reader.pages)} pages, {len(content)} bytes, {elapsed:.2f} s")


def test_report_pdf_shows_the_same_numbers_as_the_report_page(user, browser_client):
    store_realistic_journal(user, last_day=LAST_DAY)
    html = browser_client.get("/trends/report/", {"from": "2025-12-29", "to": str(LAST_DAY)}).content.decode()
    reader, _, _ = _pdf(browser_client)
    text = " ".join(page.extract_text() for page in reader.pages)

    statement = re.search(
        r"In the last 7 days \(([^)]*)\) the average was (\d+\.\d) over (\d+) entries", html
    )
    assert statement is not None
    assert f"the average was {statement.group(2)} over {statement.group(3)} entries" in " ".join(text.split())


def test_report_pdf_needs_sign_in(client):
    response = client.get("/trends/report/pdf/")

    assert response.status_code == 302


def test_report_pdf_with_a_bad_range_answers_400(browser_client):
    response = browser_client.get("/trends/report/pdf/", {"from": "2026-03-31", "to": "2026-03-01"})

    assert response.status_code == 400


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/static/css/app.css",
        "http://10.0.0.1/latest/meta-data/",
        "file:///etc/passwd",
        "http://testserver/api/trends/",
        "http://testserver/static/../settings.py",
        "data:text/css,body{}",
    ],
)
def test_the_pdf_reads_nothing_but_the_apps_static_files(url):
    # Refused before any connection: the fetcher only maps this app's static paths to files on disk.
    with pytest.raises(RefusedURL):
        static_file_for(url, origin="http://testserver")


def test_a_page_naming_outside_urls_still_renders_without_fetching_them():
    html = (
        '<img src="https://tracker.example/p.png"><link rel="stylesheet" href="http://192.168.1.1/x.css">'
        "<p>still here</p>"
    )
    pdf = html_to_pdf(html, base_url="http://testserver/")

    assert "still here" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_static_files_are_served_from_disk():
    assert static_file_for("http://testserver/static/css/report.css", origin="http://testserver").name == (
        "report.css"
    )


def test_pdf_posture_chart_labels_are_whole_and_set_like_the_table_text(user, browser_client):
    store_realistic_journal(user, last_day=LAST_DAY)
    reader, _, _ = _pdf(browser_client)
    sizes: dict[str, float] = {}

    def visit(text, cm, tm, font, size):
        # The size as printed: the font size through the text and page matrices, in points.
        sizes.setdefault(text.strip(), size * abs(tm[3]) * abs(cm[3]))

    for page in reader.pages:
        page.extract_text(visitor_text=visit)
    chart_labels = ("Sitting", "Lying on the side", "Standing up", "Walking", "Standing", "At rest / other")
    for label in chart_labels:
        assert label in sizes, label  # drawn whole, never "standing up from sit"
    table_text = sizes["sitting"]
    assert 8 <= table_text <= 10
    for label in chart_labels:
        assert 0.85 <= sizes[label] / table_text <= 1.15, (label, sizes[label], table_text)
