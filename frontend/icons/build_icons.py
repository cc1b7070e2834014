"""Render the app icons (PNG) from frontend/static/icons/icon.svg.

Run after editing the SVG: ``.venv/bin/python frontend/icons/build_icons.py``.
It draws the SVG in headless Chromium (Playwright, already a test dependency;
/usr/bin/chromium or CHROMIUM_PATH) so no SVG library or system cairo is
needed, and writes the PNGs next to the SVG. Commit the results.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

ICONS = Path(__file__).resolve().parent.parent / "static" / "icons"
SOURCE = ICONS / "icon.svg"
BACKGROUND = "#1f5f5b"  # the SVG's own background colour, also the manifest theme colour
SPLASH_BACKGROUND = "#f7f5f0"  # manifest background_color

# name, width, height, how much of the square the mark fills, full-bleed background colour or None
# (transparent corners). Maskable: Android crops to any shape inside the central 80 % circle, so
# the whole rounded square is shrunk into it on a full-bleed background. Apple: iOS rounds the
# corners itself and shows transparency as black, so the background fills the square.
TARGETS: list[tuple[str, int, int, float, str | None]] = [
    ("icon-192.png", 192, 192, 1.0, None),
    ("icon-512.png", 512, 512, 1.0, None),
    ("icon-maskable-512.png", 512, 512, 0.8, BACKGROUND),
    ("apple-touch-icon.png", 180, 180, 1.0, BACKGROUND),
    ("favicon-32.png", 32, 32, 1.0, None),
    # iOS start-up images (portrait), for the sizes of current iPhones; the mark on the
    # manifest background colour, like the splash screen Android builds from the manifest.
    ("splash-750x1334.png", 750, 1334, 0.3, SPLASH_BACKGROUND),
    ("splash-1170x2532.png", 1170, 2532, 0.3, SPLASH_BACKGROUND),
    ("splash-1179x2556.png", 1179, 2556, 0.3, SPLASH_BACKGROUND),
    ("splash-1290x2796.png", 1290, 2796, 0.3, SPLASH_BACKGROUND),
]


def page_html(svg_data_url: str, width: int, height: int, scale: float, background: str | None) -> str:
    side = round(min(width, height) * scale)
    return (
        "<!doctype html><html><head><style>"
        f"html,body{{margin:0;width:{width}px;height:{height}px;overflow:hidden;"
        f"background:{background or 'transparent'}}}"
        "body{display:flex;align-items:center;justify-content:center}"
        f"img{{width:{side}px;height:{side}px;display:block}}"
        f'</style></head><body><img src="{svg_data_url}" alt=""></body></html>'
    )


def build() -> list[Path]:
    from playwright.sync_api import sync_playwright

    svg_data_url = "data:image/svg+xml;base64," + base64.b64encode(SOURCE.read_bytes()).decode()
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        for name, width, height, scale, background in TARGETS:
            page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=1)
            page.set_content(page_html(svg_data_url, width, height, scale, background))
            page.wait_for_load_state("load")
            target = ICONS / name
            page.screenshot(path=str(target), omit_background=background is None)
            page.close()
            written.append(target)
        browser.close()
    return written


if __name__ == "__main__":
    for path in build():
        print(f"{path.relative_to(ICONS.parent.parent.parent)}  {path.stat().st_size} bytes")
