"""The OpenAPI description of /api/trends/ fits every answer the computation gives."""

import json
from pathlib import Path

import pytest

from journal.trends.schema import TrendsSerializer

FIXTURES = sorted((Path(__file__).resolve().parents[1] / "fixtures" / "trends").glob("*.json"))


@pytest.mark.parametrize("path", [p for p in FIXTURES if p.name != "vocabulary.json"], ids=lambda p: p.stem)
def test_schema_describes_each_fixture_answer(path):
    expected = json.loads(path.read_text())["expected"]
    serializer = TrendsSerializer(data=expected)
    assert serializer.is_valid(), serializer.errors
    assert set(expected) == set(serializer.fields)
