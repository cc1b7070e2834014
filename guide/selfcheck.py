"""The red-flag self-check: a few yes/no questions, nothing stored.

The questions and their levels are rendered into the page; the browser module
(static/js/guide-selfcheck.js) reads the levels from the page, so the rule is
written once, here. Without JavaScript the form is a GET to the same page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

URGENT = "urgent"
TODAY = "today"
NONE = "none"


@dataclass(frozen=True)
class Question:
    name: str
    text: str
    level: str


# The questions by what a yes means: urgent ones first, as the page shows them.
_QUESTION_TEXTS: dict[str, dict[str, str]] = {
    URGENT: {
        "bladder_bowel": "Since the pain began, have you lost control of your bladder or bowel, "
        "or found you cannot pass urine?",
        "saddle": "Is the skin numb or dulled between your legs, around the genitals or back passage "
        "(the saddle area)?",
    },
    TODAY: {
        "spreading_numbness": "Is numbness or tingling in your leg spreading or getting worse?",
        "weakness": "Has your leg or foot become weak, for example does your foot drag or slap down "
        "when you walk?",
        "fever": "Do you have a fever or feel generally unwell along with the pain?",
        "fall": "Did the pain start after a fall or an accident?",
        "night_pain": "Does the pain wake you at night and stay the same whichever way you lie?",
        "weight_loss": "Have you lost weight recently without trying?",
    },
}
QUESTIONS: tuple[Question, ...] = tuple(
    Question(name, text, level) for level, texts in _QUESTION_TEXTS.items() for name, text in texts.items()
)


def selfcheck_result(answers: Mapping[str, str]) -> str:
    """``urgent`` if any urgent question is answered yes, else ``today`` if any is, else ``none``."""
    yes_levels = {question.level for question in QUESTIONS if answers.get(question.name) == "yes"}
    if URGENT in yes_levels:
        return URGENT
    if TODAY in yes_levels:
        return TODAY
    return NONE
