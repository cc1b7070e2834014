"""No sentence of the guide is copied from shared/guide-facts.md.

Both texts are cut into runs of 8 consecutive words; a shared run means a copied
sentence (common phrases such as "between the greater trochanter and the iliac
crest" are shorter than that).
"""

from __future__ import annotations

import re

from django.test import Client

from guide.pages import PAGES
from tests.guide.conftest import article_html, facts_text, html_to_text

RUN = 8


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def runs(tokens: list[str], size: int = RUN) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}


def all_guide_text() -> dict[str, str]:
    client = Client()
    urls = ["/guide/", "/guide/red-flag-check/", *(f"/guide/{page.slug}/" for page in PAGES)]
    texts = {}
    for url in urls:
        markup = client.get(url).content.decode()
        texts[url] = html_to_text(article_html(markup) if "guide-article" in markup else markup)
    return texts


def test_no_run_of_eight_words_is_shared_with_the_facts_file(db):
    fact_runs = runs(words(facts_text()))
    copied = {
        url: sorted(" ".join(run) for run in runs(words(text)) & fact_runs)
        for url, text in all_guide_text().items()
    }
    copied = {url: shared for url, shared in copied.items() if shared}
    assert copied == {}, f"copied wording: {copied}"


def test_the_comparison_catches_a_copied_sentence():
    facts = words(facts_text())
    copied_sentence = "As the notes say, " + " ".join(facts[40:52]) + "."
    assert runs(words(copied_sentence)) & runs(facts)
