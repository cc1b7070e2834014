"""The guide's pages: the only slugs that map to content files.

A slug that is not in ``PAGES`` never reaches the filesystem (see ``views``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

CONTENT_DIR = Path(__file__).resolve().parent / "content"


@dataclass(frozen=True)
class JournalLink:
    label: str
    url: str


@dataclass(frozen=True)
class GuidePage:
    slug: str
    title: str
    summary: str
    journal_links: tuple[JournalLink, ...] = ()

    @property
    def content_path(self) -> Path:
        return CONTENT_DIR / f"{self.slug}.md"


LOG_PAIN = JournalLink("Log where it hurts now", "/journal/#log")

PAGES: tuple[GuidePage, ...] = (
    GuidePage(
        "what-and-where",
        "What and where the muscle is",
        "The smallest, deepest buttock muscle, its two portions and where it sits on the pelvis.",
    ),
    GuidePage(
        "what-it-does",
        "What it does",
        "Six jobs, which fibres do which, and why a tense muscle makes walking hurt.",
    ),
    GuidePage(
        "symptoms",
        "Symptoms and pain patterns",
        "Local tenderness, the two ways its pain spreads down the leg, and the moments that set it off.",
        (LOG_PAIN,),
    ),
    GuidePage(
        "is-it-the-gluteus-minimus",
        "Is it really the gluteus minimus?",
        "Look-alikes, what to tell a doctor, and the warning signs that need a doctor promptly.",
        (JournalLink("See your pain over time to show a doctor", "/trends/"),),
    ),
    GuidePage(
        "causes",
        "Causes",
        "Overload, too much sitting, and other known triggers.",
        (LOG_PAIN,),
    ),
    GuidePage(
        "self-massage",
        "Self-massage",
        "Tool, position, the two ball spots, how hard, how long, and when not to massage.",
        (
            JournalLink("Log a massage on the front-portion spot", "/journal/?massage=anterior"),
            JournalLink("Log a massage on the rear-portion spot", "/journal/?massage=posterior"),
        ),
    ),
    GuidePage(
        "everyday-habits",
        "Everyday habits",
        "Breaking up sitting, sleeping comfortably, gentle stretches, and getting back to walking or sport.",
        (LOG_PAIN,),
    ),
)
PAGES_BY_SLUG: dict[str, GuidePage] = {page.slug: page for page in PAGES}

# The red-flag self-check has its own page (a form, not Markdown).
SELF_CHECK_TITLE = "Red-flag self-check"
RED_FLAGS_URL = "/guide/is-it-the-gluteus-minimus/#red-flags"


def page_neighbours(slug: str) -> tuple[GuidePage | None, GuidePage | None]:
    """The previous and next page in reading order."""
    index = [page.slug for page in PAGES].index(slug)
    previous = PAGES[index - 1] if index > 0 else None
    following = PAGES[index + 1] if index + 1 < len(PAGES) else None
    return previous, following
