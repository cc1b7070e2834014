"""Loads tests/fixtures/trends/*.json for the Python tests; twin of tests/js/fixtures.mjs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "trends"


def fixture_names() -> list[str]:
    return sorted(p.name for p in FIXTURES_DIR.glob("*.json") if p.name != "vocabulary.json")


def load_fixture(name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(input with records expanded, expected output)."""
    from tests.fixtures.trends.make_five_years import expand

    fixture = json.loads((FIXTURES_DIR / name).read_text())
    given = fixture["input"]
    if "entry_rows" in given:
        entries, massages = expand(given)
        given = {"from": given["from"], "to": given["to"], "entries": entries, "massages": massages}
    return given, fixture["expected"]
