"""The fast JSON renderer writes exactly the bytes DRF's JSONRenderer writes."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer

from core.renderers import FastJSONRenderer
from tests.journal.trends_fixtures import fixture_names, load_fixture


@pytest.mark.parametrize("name", fixture_names())
def test_a_trends_answer_is_written_byte_for_byte_as_drf_writes_it(name):
    answer = load_fixture(name)[1]

    assert FastJSONRenderer().render(answer) == JSONRenderer().render(answer)


def test_values_orjson_leaves_to_drf_are_written_as_drf_writes_them():
    data = {
        "at": datetime(2026, 3, 1, 7, 30, 15, 123456, tzinfo=UTC),
        "day": date(2026, 3, 1),
        "clock": time(23, 59),
        "amount": Decimal("1.25"),
        "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "label": gettext_lazy("Pain"),
        "text": 'Schmerz \N{DEGREE SIGN} \u2028 \u2029 "quoted"',
        "numbers": [0, -3, 2.5, 0.01, 1234.56, True, None],
        "nested": {"list": [{"a": 1}], "empty": {}},
        7: "integer key",
    }

    assert FastJSONRenderer().render(data) == JSONRenderer().render(data)


def test_a_pretty_printed_answer_is_left_to_drf():
    data = {"a": [1, 2]}
    media_type = "application/json; indent=2"

    assert FastJSONRenderer().render(data, media_type) == JSONRenderer().render(data, media_type)


def test_nothing_renders_as_an_empty_body():
    assert FastJSONRenderer().render(None) == b""
