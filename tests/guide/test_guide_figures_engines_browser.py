"""Every guide figure drawn the same in Chromium, WebKit and Firefox, at 375 px, light and dark.

Each figure is measured in the page: every drawn shape's box relative to its SVG (so the
engines' own font metrics matter only for text), its fill and stroke, and whether the
figure or its caption overflows the 375 px screen. WebKit and Firefox are compared with
Chromium shape by shape; a screenshot of each figure per engine goes to artifacts/, and the
screenshots' pixel difference from Chromium's must stay small.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser_harness import ARTIFACTS
from tests.engines import ChromiumPage, EnginePage, FirefoxPage, WebKitPage, firefox_available
from tests.services import need

pytestmark = [pytest.mark.browser, pytest.mark.engines, pytest.mark.django_db(transaction=True)]

CONTENT = Path(__file__).resolve().parents[2] / "guide" / "content"
WIDTH, HEIGHT = 375, 667
SCHEMES = ("light", "dark")
# A shape's box may move by this share of the figure's width between engines (measured: 0,
# all three agree exactly); a text's more, since each engine has its own font metrics
# (measured: at most 0.020 in WebKit, 0.005 in Firefox).
SHAPE_TOLERANCE = 0.005
TEXT_TOLERANCE = 0.06
# Mean absolute difference per pixel (0-255, grey) from Chromium's screenshot of the figure
# (measured: at most 8.5 in WebKit, 6.0 in Firefox: anti-aliasing and text).
PIXEL_TOLERANCE = 12.0

MEASURE_JS = """
const figures = [...document.querySelectorAll("figure.guide-figure")];
const page = document.documentElement;
return figures.map((figure) => {
  const svg = figure.querySelector("svg");
  const box = svg.getBoundingClientRect();
  const caption = figure.querySelector("figcaption").getBoundingClientRect();
  const shapes = [...svg.querySelectorAll("path, circle, ellipse, rect, line, polyline, polygon, text")]
    .filter((shape) => {
      const style = getComputedStyle(shape);
      const own = shape.getBoundingClientRect();
      return style.display !== "none" && style.visibility !== "hidden" && (own.width > 0 || own.height > 0)
        && !shape.closest("defs, clipPath, mask, marker, pattern, symbol");
    })
    .map((shape) => {
      // Geometry in the SVG's own units (getBBox through the shape's transform): engines
      // disagree on whether a client rect includes the stroke, not on where a shape is.
      const own = shape.getBBox();
      const matrix = svg.getScreenCTM().inverse().multiply(shape.getScreenCTM());
      const corners = [[own.x, own.y], [own.x + own.width, own.y + own.height]].map(([x, y]) =>
        new DOMPoint(x, y).matrixTransform(matrix));
      const view = svg.viewBox.baseVal;
      const style = getComputedStyle(shape);
      return {
        tag: shape.tagName.toLowerCase(),
        text: shape.tagName.toLowerCase() === "text" ? shape.textContent.trim() : "",
        box: [(corners[0].x - view.x) / view.width, (corners[0].y - view.y) / view.width,
              (corners[1].x - corners[0].x) / view.width, (corners[1].y - corners[0].y) / view.width],
        fill: style.fill, stroke: style.stroke, opacity: style.opacity,
      };
    });
  return {
    title: (svg.querySelector("title") || {}).textContent || "",
    svg: [box.left, box.width, box.height],
    caption: [caption.left, caption.right],
    figure_overflows: figure.scrollWidth > figure.clientWidth + 1,
    page_overflows: page.scrollWidth > innerWidth + 1,
    inner_width: innerWidth,
    dark: matchMedia("(prefers-color-scheme: dark)").matches,
    background: getComputedStyle(document.body).backgroundColor,
    shapes,
  };
});
"""


def figure_pages() -> dict[str, list[str]]:
    """Guide slug -> the figures it shows, in page order, from the content files."""
    pages = {}
    for path in sorted(CONTENT.glob("*.md")):
        names = re.findall(r"\[\[figure:([a-z-]+)\]\]", path.read_text())
        if names:
            pages[path.stem] = names
    return pages


def measure(page: EnginePage, scheme: str) -> dict[str, dict[str, Any]]:
    """Every figure's measurements by name, its screenshot saved and kept beside them."""
    from PIL import Image

    page.set_viewport(WIDTH, HEIGHT)
    result = {}
    for slug, names in figure_pages().items():
        page.goto(f"/guide/{slug}/")
        try:
            page.attached("figure.guide-figure svg")
        except AssertionError as error:
            # Say what was shown instead: an error page, the offline page, a half-loaded one.
            shown = page.js("return location.href + ' | ' + document.title + ' | ' + document.body.innerText")
            raise AssertionError(f"{error}; the page: {shown[:300]!r}") from None
        measured = page.js(MEASURE_JS)
        elements = page._driver_find_all("css selector", "figure.guide-figure")
        assert len(measured) == len(names) == len(elements), (page.engine, slug)
        for name, figure, element in zip(names, measured, elements, strict=True):
            # Centred, clear of the sticky header; cropped from the viewport screenshot, since
            # WebKitWebDriver's element screenshots come out black once the page has scrolled.
            page.js("arguments[0].scrollIntoView({block: 'center'})", element)
            # WebKit paints the scroll a frame later: take the screenshot after two frames.
            page.js_async(
                "const done = arguments[arguments.length - 1];"
                "requestAnimationFrame(() => requestAnimationFrame(() => done(true)))"
            )
            box = page.js(
                "const r = arguments[0].querySelector('svg').getBoundingClientRect();"
                "return [r.left, r.top, r.right, r.bottom, devicePixelRatio];",
                element,
            )
            shot = Image.open(io.BytesIO(page.png()))
            scale = box[4] * shot.width / (WIDTH * box[4])
            crop = shot.crop(tuple(round(edge * scale) for edge in box[:4]))
            path = ARTIFACTS / f"engines-figure-{name}-{scheme}-{page.engine}.png"
            path.parent.mkdir(exist_ok=True)
            crop.save(path)
            figure["image"] = crop.convert("L")
            result[name] = figure
    return result


def pixel_difference(first: Any, second: Any) -> float:
    from PIL import ImageChops, ImageStat

    size = (300, max(1, round(300 * first.height / first.width)))
    return ImageStat.Stat(ImageChops.difference(first.resize(size), second.resize(size))).mean[0]


def largest_shift(reference: dict[str, Any], other: dict[str, Any], *, text: bool) -> float:
    """The largest move of a shape's box (share of the figure's width) from Chromium's,
    over the texts or over the other shapes."""
    if len(reference["shapes"]) != len(other["shapes"]):
        return float("inf")
    return max(
        (
            abs(a - b)
            for want, got in zip(reference["shapes"], other["shapes"], strict=True)
            if (want["tag"] == "text") is text
            for a, b in zip(want["box"], got["box"], strict=True)
        ),
        default=0.0,
    )


def shape_differences(reference: dict[str, Any], other: dict[str, Any]) -> list[str]:
    problems = []
    if len(reference["shapes"]) != len(other["shapes"]):
        return [f"{len(other['shapes'])} shapes drawn, Chromium draws {len(reference['shapes'])}"]
    for index, (want, got) in enumerate(zip(reference["shapes"], other["shapes"], strict=True)):
        where = f"shape {index} ({want['tag']} {want['text']!r})".replace(" ''", "")
        tolerance = TEXT_TOLERANCE if want["tag"] == "text" else SHAPE_TOLERANCE
        moved = max(abs(a - b) for a, b in zip(want["box"], got["box"], strict=True))
        if moved > tolerance:
            problems.append(f"{where} off by {moved:.3f} of the width: {want['box']} vs {got['box']}")
        for paint in ("fill", "stroke"):
            if want[paint].startswith("rgb") and got[paint] != want[paint]:
                problems.append(f"{where} {paint} {got[paint]}, Chromium {want[paint]}")
        if want["opacity"] != got["opacity"]:
            problems.append(f"{where} opacity {got['opacity']}, Chromium {want['opacity']}")
        if got["tag"] == "text" and not (got["box"][0] >= -0.01 and got["box"][0] + got["box"][2] <= 1.01):
            problems.append(f"{where} runs out of the figure: {got['box']}")
    return problems


@pytest.fixture(scope="module")
def chromium_figures(browser: Any, live_server: Any, django_db_blocker: Any) -> dict[str, dict[str, Any]]:
    """Chromium's measurements, the reference: {scheme: {figure: measured}}."""
    measured = {}
    # A module fixture runs outside any test's database access, yet the live server opens the
    # database for every request (on SQLite through this very connection): allow it here.
    with django_db_blocker.unblock():
        for scheme in SCHEMES:
            context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, color_scheme=scheme)
            try:
                measured[scheme] = measure(ChromiumPage(context.new_page(), base_url=live_server.url), scheme)
            finally:
                context.close()
    return measured


def webkit_figures(request: pytest.FixtureRequest, live_server: Any) -> dict[str, dict[str, Any]]:
    display = request.getfixturevalue("webkit_display")
    measured = {}
    for scheme in SCHEMES:
        # MiniBrowser takes its colour scheme at start only.
        page = WebKitPage(display=display, cutter=None, dark=scheme == "dark")
        page.base_url = live_server.url
        try:
            measured[scheme] = measure(page, scheme)
        finally:
            page.close()
    return measured


def firefox_figures(request: pytest.FixtureRequest, live_server: Any) -> dict[str, dict[str, Any]]:
    need(firefox_available(), "Firefox ESR (firefox-esr)")
    page = FirefoxPage(base_url=live_server.url)
    measured = {}
    try:
        for scheme in SCHEMES:
            page.set_dark(scheme == "dark")
            measured[scheme] = measure(page, scheme)
    finally:
        page.close()
    return measured


MEASURE_ENGINE = {"webkit": webkit_figures, "firefox": firefox_figures}


def assert_fits(engine: str, scheme: str, figures: dict[str, Any]) -> None:
    assert set(figures) == {name for names in figure_pages().values() for name in names}
    for name, figure in figures.items():
        assert figure["inner_width"] == WIDTH, (engine, name)
        assert figure["dark"] is (scheme == "dark"), f"{engine} did not draw {name} in {scheme} mode"
        assert not figure["figure_overflows"] and not figure["page_overflows"], (engine, name)
        left, width, _ = figure["svg"]
        assert left >= 0 and left + width <= WIDTH, (engine, name, figure["svg"])
        assert figure["caption"][0] >= 0 and figure["caption"][1] <= WIDTH, (engine, name)
        assert figure["shapes"], f"{engine} drew nothing in {name}"


def test_every_figure_fits_a_375px_screen_in_chromium_light_and_dark(chromium_figures):
    for scheme in SCHEMES:
        assert_fits("chromium", scheme, chromium_figures[scheme])


# One test per engine, both schemes in it: each engine starts once, in one worker.
@pytest.mark.parametrize("engine", ["webkit", "firefox"])
def test_every_figure_fits_and_is_drawn_as_chromium_draws_it(
    request, live_server, chromium_figures, engine, record_property
):
    measured = MEASURE_ENGINE[engine](request, live_server)
    problems = {}
    for scheme in SCHEMES:
        assert_fits(engine, scheme, measured[scheme])
        reference = chromium_figures[scheme]
        for name, figure in measured[scheme].items():
            difference = pixel_difference(reference[name]["image"], figure["image"])
            record_property(f"{name} {scheme} pixel difference", round(difference, 2))
            for text, kind in ((False, "shape"), (True, "text")):
                shift = largest_shift(reference[name], figure, text=text)
                record_property(f"{name} {scheme} largest {kind} shift", round(shift, 4))
            found = shape_differences(reference[name], figure)
            if difference > PIXEL_TOLERANCE:
                found.append(f"screenshots differ by {difference:.1f} per pixel")
            if found:
                problems[f"{name} {scheme}"] = found
    assert problems == {}
