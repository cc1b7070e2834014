"""First-load JavaScript and CSS bytes (gzip) of each app page, against the budget.

Follows the static files a signed-in page references and, for ES modules, every module they
import statically, then gzips each as a server would. A module behind a dynamic ``import()``
loads later, only when the page needs it, and is not first-load; type-only imports in JSDoc
comments are never fetched.
"""

from __future__ import annotations

import gzip
import re
import uuid
from pathlib import Path

from bench.common import Result, setup_django

JS_BUDGET = 40 * 1024
PAGES = ("/", "/journal/", "/trends/", "/guide/", "/settings/")
IMPORT_RE = re.compile(
    r"""^\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]""",
    re.MULTILINE,
)
COMMENT_RE = re.compile(r"/\*.*?\*/|^\s*//.*?$", re.DOTALL | re.MULTILINE)
ASSET_RE = re.compile(r"""(?:src|href)="(/static/[^"]+\.(?:js|css))\"""")


def _static_path(url: str) -> Path | None:
    from django.contrib.staticfiles import finders

    found = finders.find(url.removeprefix("/static/").split("?")[0])
    return Path(found) if found else None


def _module_graph(entry: Path) -> set[Path]:
    seen: set[Path] = set()
    stack = [entry]
    while stack:
        path = stack.pop()
        if path in seen or not path.exists():
            continue
        seen.add(path)
        for match in IMPORT_RE.finditer(COMMENT_RE.sub("", path.read_text())):
            spec = match.group(1) or match.group(2)
            if spec and spec.startswith("."):
                stack.append((path.parent / spec).resolve())
    return seen


def first_load_assets(html: str) -> tuple[set[Path], set[Path]]:
    js: set[Path] = set()
    css: set[Path] = set()
    for url in ASSET_RE.findall(html):
        path = _static_path(url)
        if path is None:
            continue
        if url.endswith(".js"):
            js |= _module_graph(path.resolve())
        else:
            css.add(path)
    return js, css


def gzip_size(paths: set[Path]) -> int:
    return sum(len(gzip.compress(p.read_bytes(), compresslevel=6)) for p in paths)


def run() -> list[Result]:
    setup_django(fresh=False)
    from django.conf import settings
    from django.test.utils import override_settings

    # Benchmarks run with DEBUG off, whose manifest storage needs collectstatic; the files
    # are followed by their source names here, so the plain storage serves the same bytes.
    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    with override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain}):
        return _measure()


def _measure() -> list[Result]:
    from django.test import Client

    from accounts.services import user_create

    user = user_create(username=f"weight-{uuid.uuid4().hex[:8]}", password="bench-Pass-4242")
    client = Client()
    client.force_login(user)
    pages: dict[str, tuple[int, int]] = {}
    css: set[Path] = set()
    for url in PAGES:
        response = client.get(url, HTTP_HOST="localhost")
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        page_js, page_css = first_load_assets(response.content.decode())
        if not page_js:
            raise RuntimeError(f"found no JavaScript on {url}: the asset scan is broken")
        pages[url] = (gzip_size(page_js), len(page_js))
        css |= page_css
    if not css:
        raise RuntimeError("found no CSS on the shell pages: the asset scan is broken")
    heaviest = max(pages, key=lambda url: pages[url][0])
    js_bytes = pages[heaviest][0]
    return [
        Result(
            "first-load JS (gzip, heaviest page)",
            js_bytes / 1024,
            "KB",
            baseline_name="budget",
            baseline=JS_BUDGET / 1024,
            target=f"<= 1.0 x {JS_BUDGET // 1024} KB",
            ok=js_bytes <= JS_BUDGET,
            notes=[
                "  ".join(f"{url} {size / 1024:.1f} KB ({n} modules)" for url, (size, n) in pages.items())
            ],
        ),
        Result("first-load CSS (gzip)", gzip_size(css) / 1024, "KB", notes=[f"{len(css)} stylesheets"]),
    ]


if __name__ == "__main__":
    from bench.common import format_table

    print(format_table(run()))
