"""Each guide figure, drawn by Chromium on a 375 px phone in light and dark mode.

Checks what a reader would notice: the drawing fills the column without running off
it, every label sits inside the drawing and clear of the others, labels are big enough
to read, and the picture has a name and a description. Each figure is saved as a PNG
in artifacts/ (light and dark) for people to look at.
"""

from __future__ import annotations

import re

import pytest

from guide.figures import FIGURES
from guide.pages import PAGES
from tests.browser_harness import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 667}
SMALLEST_LABEL_PX = 9.5


def pages_with_figures() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for page in PAGES:
        names = re.findall(r"\[\[figure:([a-z0-9-]+)\]\]", page.content_path.read_text())
        if names:
            found[page.slug] = names
    return found


MEASURE = """figure => {
  const svg = figure.querySelector('svg');
  const [vx, vy, vw, vh] = svg.getAttribute('viewBox').split(/[ ,]+/).map(Number);
  const box = svg.getBoundingClientRect();
  const scale = box.width / vw;
  const inside = r => r.x >= vx - 1 && r.y >= vy - 1
    && r.x + r.width <= vx + vw + 1 && r.y + r.height <= vy + vh + 1;
  // Label boxes in the drawing's own units (getBBox ignores transforms, so map through the CTM).
  const root = svg.getScreenCTM().inverse();
  const labels = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim()).map(t => {
    const r = t.getBoundingClientRect();
    const a = new DOMPoint(r.left, r.top).matrixTransform(root);
    const b = new DOMPoint(r.right, r.bottom).matrixTransform(root);
    return {text: t.textContent.trim(), x: a.x, y: a.y, width: b.x - a.x, height: b.y - a.y,
            px: parseFloat(getComputedStyle(t).fontSize) * scale};
  });
  const overlaps = [];
  for (let i = 0; i < labels.length; i++) for (let j = i + 1; j < labels.length; j++) {
    const p = labels[i], q = labels[j];
    if (p.x < q.x + q.width - 1 && q.x < p.x + p.width - 1
        && p.y < q.y + q.height - 2 && q.y < p.y + p.height - 2)
      overlaps.push(p.text + ' / ' + q.text);
  }
  const ids = (svg.getAttribute('aria-labelledby') || '').split(' ');
  const named = ids.map(id => document.getElementById(id)).filter(Boolean);
  return {
    role: svg.getAttribute('role'),
    title: named.filter(n => n.tagName === 'title').map(n => n.textContent.trim()).join(''),
    desc: named.filter(n => n.tagName === 'desc').map(n => n.textContent.trim()).join(''),
    width: box.width, height: box.height, right: box.right, column: figure.getBoundingClientRect().width,
    contentInside: inside(svg.getBBox()),
    outside: labels.filter(l => !inside(l)).map(l => l.text),
    overlaps,
    smallest: Math.min(...labels.map(l => l.px)),
    foreign: svg.querySelectorAll('foreignObject').length,
  };
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_figure_is_readable_on_a_phone(browser, live_server, scheme):
    context = browser.new_context(viewport=PHONE, color_scheme=scheme)
    page = context.new_page()
    ARTIFACTS.mkdir(exist_ok=True)
    seen: list[str] = []
    for slug, names in pages_with_figures().items():
        page.goto(f"{live_server.url}/guide/{slug}/")
        figures = page.locator("figure.guide-figure")
        assert figures.count() == len(names), slug
        for index, name in enumerate(names):
            figure = figures.nth(index)
            figure.scroll_into_view_if_needed()
            facts = figure.evaluate(MEASURE)
            where = f"{name} ({scheme})"
            assert facts["role"] == "img", where
            assert len(facts["title"]) > 10 and len(facts["desc"]) > 60, where
            assert facts["foreign"] == 0, where
            assert facts["right"] <= PHONE["width"], f"{where} runs off the screen"
            assert facts["width"] >= min(facts["column"] - 40, 280), f"{where} is drawn too small"
            assert 120 <= facts["height"] <= 560, f"{where} is {facts['height']:.0f}px tall"
            assert facts["contentInside"], f"{where}: the drawing is cut off at its edges"
            assert facts["outside"] == [], f"{where}: labels cut off: {facts['outside']}"
            assert facts["overlaps"] == [], f"{where}: labels overlap: {facts['overlaps']}"
            assert facts["smallest"] >= SMALLEST_LABEL_PX, f"{where}: a label is {facts['smallest']:.1f}px"
            figure.screenshot(path=str(ARTIFACTS / f"guide-figure-{name}-{scheme}.png"))
            seen.append(name)
    assert sorted(seen) == sorted(FIGURES)
    context.close()


def test_dark_mode_redraws_the_figures_in_dark_colours(browser, live_server):
    fills = {}
    for scheme in ("light", "dark"):
        context = browser.new_context(viewport=PHONE, color_scheme=scheme)
        page = context.new_page()
        page.goto(f"{live_server.url}/guide/self-massage/")
        fills[scheme] = page.evaluate(
            """() => ['.guide-side-lying .fig-body', '.guide-ball-spots .fig-spot-front',
                       '.guide-side-lying .fig-label']
                 .map(s => getComputedStyle(document.querySelector(s)).fill)"""
        )
        context.close()
    assert all(light != dark for light, dark in zip(fills["light"], fills["dark"], strict=True)), fills


def test_the_referral_figure_prints_in_grey_with_both_panels(page, live_server):
    page.goto(f"{live_server.url}/guide/symptoms/")
    page.emulate_media(media="print")
    shaded = page.evaluate(
        """() => [...document.querySelectorAll('.guide-referral .bodymap-zone.is-highlighted')]
             .map(z => getComputedStyle(z).fill)"""
    )
    assert shaded and all(re.fullmatch(r"rgb\((\d+), \1, \1\)", fill) for fill in shaded), shaded
    assert page.get_by_role("img", name="Where each portion sends its pain, side by side").is_visible()
