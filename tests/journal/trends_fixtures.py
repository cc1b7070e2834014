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


def store_records(user: Any, entries: list[dict[str, Any]], massages: list[dict[str, Any]]) -> None:
    """Write fixture records straight into the journal tables (bulk, for speed), as the user's."""
    import uuid
    from datetime import datetime

    from journal.models import MassageSession, PainEntry

    def instant(value: str) -> datetime:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))

    # Every domain field but occurred_at (parsed below), plus the tombstone flag.
    domain = {
        model: (*(name for name in model.domain_fields if name != "occurred_at"), "deleted")
        for model in (PainEntry, MassageSession)
    }
    defaults = {"note": "", "deleted": False, "tool": "ball", "minutes": 5}
    version = 0
    for model, records in ((PainEntry, entries), (MassageSession, massages)):
        rows = []
        for record in records:
            version += 1
            fields = {name: record.get(name, defaults.get(name)) for name in domain[model]}
            rows.append(
                model(
                    id=uuid.uuid4(),
                    user=user,
                    version=version,
                    occurred_at=instant(record["occurred_at"]),
                    **fields,
                )
            )
        model.objects.bulk_create(rows, batch_size=2000)
