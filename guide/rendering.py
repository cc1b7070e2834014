"""Markdown content to HTML, cached on the file's modification time.

Content is ours and reviewed in git; besides Markdown it may contain
``[[figure:<name>]]`` on a line of its own (see ``figures.FIGURES``) and
``<section markdown="1">`` blocks for call-outs.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import markdown
from django.utils.safestring import SafeString, mark_safe

from guide.figures import figure_html
from guide.pages import PAGES_BY_SLUG

FIGURE_MARKER = re.compile(r"<p>\[\[figure:([a-z0-9-]+)\]\]</p>")

MARKDOWN_EXTENSIONS = ["attr_list", "md_in_html", "toc", "sane_lists", "smarty"]


def _markdown_to_html(text: str) -> str:
    html = markdown.markdown(
        text,
        extensions=MARKDOWN_EXTENSIONS,
        extension_configs={"toc": {"permalink": False}, "smarty": {"smart_quotes": True}},
        output_format="html",
    )
    return FIGURE_MARKER.sub(lambda match: figure_html(match.group(1)), html)


@lru_cache(maxsize=32)
def _render_file(path: Path, mtime_ns: int) -> str:
    # mtime_ns is part of the cache key only: an edited file renders afresh.
    return _markdown_to_html(path.read_text(encoding="utf-8"))


def page_body_html(slug: str) -> SafeString:
    """Rendered body of a known guide page (KeyError for an unknown slug, before any file access)."""
    path = PAGES_BY_SLUG[slug].content_path
    return mark_safe(_render_file(path, path.stat().st_mtime_ns))  # noqa: S308 - our own reviewed content
