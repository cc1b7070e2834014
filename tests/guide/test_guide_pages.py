"""The guide is public, complete, linked up, self-contained and honest about what it is."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.test import Client

import guide.pages
import guide.rendering
from guide.pages import PAGES
from guide.services import guide_page_urls

ALL_GUIDE_URLS = ["/guide/", "/guide/red-flag-check/", *(f"/guide/{page.slug}/" for page in PAGES)]
pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    return Client()


def test_contents_page_links_every_section_in_order(client):
    markup = client.get("/guide/").content.decode()
    toc = re.search(r'<nav aria-labelledby="toc-title".*?</nav>', markup, re.S).group(0)
    linked = re.findall(r'href="/guide/([a-z-]+)/"', toc)
    assert linked == [page.slug for page in PAGES] + ["red-flag-check"]
    assert len(PAGES) == 7


@pytest.mark.parametrize("url", ALL_GUIDE_URLS)
def test_every_guide_page_is_public_and_says_it_does_not_diagnose(client, url):
    response = client.get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert "This guide educates; it does not diagnose." in text
    assert 'href="/guide/is-it-the-gluteus-minimus/#red-flags"' in text


def test_the_service_worker_list_holds_every_guide_page():
    assert sorted(guide_page_urls()) == sorted(ALL_GUIDE_URLS)


@pytest.mark.parametrize(
    "slug", ["nope", "what-and-where.md", "WHAT-AND-WHERE", "..", "etc%2fpasswd", "self-massage-", "content"]
)
def test_an_unknown_slug_is_not_found_without_touching_the_content_folder(client, monkeypatch, slug):
    touched: list[Path] = []
    real_stat = Path.stat

    def spy_stat(self, *args, **kwargs):
        if guide.pages.CONTENT_DIR in self.parents or self == guide.pages.CONTENT_DIR:
            touched.append(self)
        return real_stat(self, *args, **kwargs)

    monkeypatch.setattr(Path, "stat", spy_stat)
    assert client.get(f"/guide/{slug}/").status_code == 404
    assert touched == []


def test_every_internal_link_and_anchor_resolves(client):
    pages = {url: client.get(url).content.decode() for url in ALL_GUIDE_URLS}
    checked = 0
    for url, markup in pages.items():
        for href in re.findall(r'href="([^"]+)"', markup):
            parts = urlsplit(href)
            if parts.scheme or parts.netloc:
                continue  # no external links exist; see the next test
            path = parts.path or url
            if path not in pages:
                response = client.get(path + (f"?{parts.query}" if parts.query else ""), follow=True)
                assert response.status_code == 200, f"{href} on {url}"
            elif parts.fragment:
                assert f'id="{parts.fragment}"' in pages[path], f"missing anchor {href} on {url}"
            checked += 1
    assert checked > 50


@pytest.mark.parametrize("url", ALL_GUIDE_URLS)
def test_no_guide_page_loads_anything_from_elsewhere_or_inline(client, url):
    markup = client.get(url).content.decode()
    assert not re.search(r'(?:src|href|action|srcset)="(?:[a-z]+:)?//', markup)
    assert not re.search(r"url\(", markup)
    assert " style=" not in markup
    scripts = re.findall(r"<script([^>]*)>", markup)
    assert scripts and all("src=" in attributes for attributes in scripts)


@pytest.mark.parametrize("url", ALL_GUIDE_URLS)
def test_every_image_has_an_accessible_name(client, url):
    markup = client.get(url).content.decode()
    assert "<img" not in markup or all('alt="' in tag for tag in re.findall(r"<img[^>]*>", markup))
    for svg in re.findall(r"<svg[^>]*>", markup):
        if 'aria-hidden="true"' in svg:
            continue
        assert 'role="img"' in svg, svg
        ids = re.search(r'aria-labelledby="([^"]+)"', svg).group(1).split()
        for element_id in ids:
            named = re.search(rf'id="{element_id}">([^<]+)<', markup)
            assert named and named.group(1).strip(), f"{element_id} has no text on {url}"
    ids = re.findall(r'\bid="([^"]+)"', markup)
    assert len(ids) == len(set(ids)), "duplicate ids"


def test_both_referral_patterns_are_drawn_side_by_side_on_the_journal_zones(client):
    from body.templatetags.bodymap import zones_of_portion
    from body.vocabulary import ANTERIOR, POSTERIOR

    markup = client.get("/guide/symptoms/").content.decode()
    svg = re.search(r'<svg class="guide-referral".*?</svg>', markup, re.S).group(0)
    panels = re.findall(r'<g class="fig-panel (fig-panel-\w+)".*?(?=<g class="fig-panel |</svg>)', svg, re.S)
    assert panels == ["fig-panel-front", "fig-panel-rear"]
    for css, portion in (("fig-panel-front", ANTERIOR), ("fig-panel-rear", POSTERIOR)):
        panel = re.search(rf'<g class="fig-panel {css}".*?(?=<g class="fig-panel |</svg>)', svg, re.S).group(
            0
        )
        shaded = set(
            re.findall(
                r'class="bodymap-zone is-highlighted[^"]*" d="[^"]*" data-zone="(\w+)" data-side="right"',
                panel,
            )
        )
        assert shaded == set(zones_of_portion(portion)), css
        assert not re.search(r'is-highlighted[^"]*" d="[^"]*" data-zone="\w+" data-side="left"', panel), css
        assert "\u2039 back" in panel and "front \u203a" in panel, "the profile shows which way is front"
    front = re.search(r'<g class="fig-panel fig-panel-front".*?(?=<g class="fig-panel )', svg, re.S).group(0)
    assert 'is-highlighted is-rare" d="' in front and ">rare</text>" in front


def test_the_massage_page_shows_the_position_both_ball_spots_and_links_to_the_journal(client):
    markup = client.get("/guide/self-massage/").content.decode()
    position = re.search(r'<svg class="guide-side-lying".*?</svg>', markup, re.S).group(0)
    assert 'class="fig-ball"' in position and 'class="fig-arrow"' in position
    spots = re.search(r'<svg class="guide-ball-spots".*?</svg>', markup, re.S).group(0)
    assert 'class="fig-spot fig-spot-front"' in spots and 'class="fig-spot fig-spot-rear"' in spots
    assert "front" in spots and "back" in spots
    assert 'href="/journal/?massage=anterior"' in markup
    assert 'href="/journal/?massage=posterior"' in markup


def test_the_red_flags_are_addressable_and_shown_as_a_warning(client):
    markup = client.get("/guide/is-it-the-gluteus-minimus/").content.decode()
    assert '<section class="callout danger" id="red-flags">' in markup


def test_the_anatomy_page_has_an_illustration(client):
    markup = client.get("/guide/what-and-where/").content.decode()
    assert 'aria-labelledby="fig-anatomy-title fig-anatomy-desc"' in markup


def test_a_page_is_rendered_once_and_again_after_its_file_changes(client, monkeypatch, tmp_path):
    source = guide.pages.CONTENT_DIR / "causes.md"
    copy = tmp_path / "causes.md"
    copy.write_text(source.read_text())
    monkeypatch.setattr(guide.pages, "CONTENT_DIR", tmp_path)
    reads: list[Path] = []
    real_read_text = Path.read_text

    def spy_read_text(self, *args, **kwargs):
        if self.parent == tmp_path:
            reads.append(self)
        return real_read_text(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", spy_read_text)
    guide.rendering._render_file.cache_clear()
    client.get("/guide/causes/")
    client.get("/guide/causes/")
    assert len(reads) == 1

    copy.write_text("A changed page.\n")
    stat = copy.stat()
    import os

    os.utime(copy, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert "A changed page." in client.get("/guide/causes/").content.decode()
    assert len(reads) == 2
    guide.rendering._render_file.cache_clear()


def test_an_unknown_figure_in_the_content_fails_loudly():
    with pytest.raises(KeyError):
        guide.rendering._markdown_to_html("[[figure:does-not-exist]]\n")


def test_every_figure_is_used_in_the_content():
    from guide.figures import FIGURES

    used = set()
    for page in PAGES:
        used |= set(re.findall(r"\[\[figure:([a-z0-9-]+)\]\]", page.content_path.read_text()))
    assert used == set(FIGURES)


def test_sources_are_named_for_facts_beyond_the_facts_file(client):
    causes = client.get("/guide/causes/").content.decode()
    massage = client.get("/guide/self-massage/").content.decode()
    assert "Travell &amp; Simons" in causes
    assert "Trigger Point Therapy Workbook" in massage
