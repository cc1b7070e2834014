"""Every guide page reads at Flesch-Kincaid grade 8 or below (plain language for anyone in pain).

The grade is measured on what a sighted reader reads: the article's prose, headings,
list items and figure captions. Labels inside the drawings are short fragments, not
sentences, so they are left out. Headings and list items end a sentence even without
a full stop, as they do for a reader.
"""

from __future__ import annotations

import re

import pytest
import textstat
from django.test import Client

from guide.pages import PAGES
from tests.guide.conftest import article_html, html_to_text

MAX_GRADE = 8.0
GUIDE_URLS = ["/guide/", "/guide/red-flag-check/", *(f"/guide/{page.slug}/" for page in PAGES)]

_SVG = re.compile(r"<svg\b.*?</svg>", re.S)
_BLOCK_END = re.compile(r"</(?:h[1-6]|li|p|figcaption|legend|dt|dd|td|th)>")
_MAIN = re.compile(r"<main\b.*?</main>", re.S)


def _svg_description(match: re.Match[str]) -> str:
    # What a screen reader reads for a drawing: its own title and description (they carry ids).
    parts = re.findall(r'<(title|desc) id="[^"]+">(.*?)</\1>', match.group(0), re.S)
    return "".join(f"<p>{text}</p>" for _, text in parts if text.strip())


def readable_text(page_html: str, *, add_stops: bool = True) -> str:
    """The prose of a page, one block a line: drawings as their title and description.

    With ``add_stops`` a heading or list item without a full stop gets one, as a reader
    hears it; without, it runs into the next line (the stricter count).
    """
    if 'class="guide-article"' in page_html:
        body = article_html(page_html)
    else:
        body = _MAIN.search(page_html).group(0)
    body = _SVG.sub(_svg_description, body)
    lines = [line for line in (html_to_text(chunk) for chunk in _BLOCK_END.split(body)) if line]
    if add_stops:
        lines = [line if line[-1] in ".!?:;" else line + "." for line in lines]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def grades(django_db_blocker) -> dict[str, tuple[float, float]]:
    with django_db_blocker.unblock():
        client = Client()
        pages = {url: client.get(url).content.decode() for url in GUIDE_URLS}
    texts = {url: readable_text(markup) for url, markup in pages.items()}
    run_together = {url: readable_text(markup, add_stops=False) for url, markup in pages.items()}
    textstat.set_lang("en_US")
    measured = {url: textstat.flesch_kincaid_grade(text) for url, text in texts.items()}
    strict = {url: textstat.flesch_kincaid_grade(text) for url, text in run_together.items()}
    return {url: (measured[url], strict[url]) for url in GUIDE_URLS}


@pytest.mark.parametrize("url", GUIDE_URLS)
def test_the_page_reads_at_grade_8_or_below(grades, url, record_property):
    as_read, run_together = grades[url]
    record_property("flesch_kincaid_grade", as_read)
    record_property("flesch_kincaid_grade_run_together", run_together)
    assert as_read <= MAX_GRADE, f"{url} reads at grade {as_read:.1f}; keep it at {MAX_GRADE} or below"
    assert run_together <= MAX_GRADE, f"{url} reads at grade {run_together:.1f} with its lists run together"


def test_the_measure_sees_a_hard_page_as_hard():
    hard = (
        "<main><p>Myofascial trigger points within the gluteus minimus characteristically "
        "produce referred nociceptive sensations distributed along the posterolateral "
        "aspect of the ipsilateral lower extremity, frequently misinterpreted as radiculopathy.</p></main>"
    )
    assert textstat.flesch_kincaid_grade(readable_text(hard)) > MAX_GRADE


def test_headings_and_list_items_count_as_sentences():
    markup = (
        "<main><h2>Where it hurts</h2><ul><li>outer thigh</li><li>calf</li></ul>"
        "<svg><text>x</text></svg></main>"
    )
    assert readable_text(markup).split("\n") == ["Where it hurts.", "outer thigh.", "calf."]
    assert readable_text(markup, add_stops=False).split("\n") == ["Where it hurts", "outer thigh", "calf"]


def test_a_drawing_counts_as_its_title_and_description_not_its_labels():
    markup = (
        '<main><svg role="img"><title id="t">A hip.</title><desc id="d">The ball sits low.</desc>'
        "<path><title>outer thigh, right</title></path><text>iliac crest</text></svg></main>"
    )
    assert readable_text(markup).split("\n") == ["A hip.", "The ball sits low."]
