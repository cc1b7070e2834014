"""Values in the exact wire formats the OpenAPI schema states.

Python's parsers are kinder than the schema: ``int()`` takes " 5" and Arabic-Indic
digits, ``uuid.UUID`` takes braces and a ``urn:uuid:`` prefix, ``date.fromisoformat``
takes "20260301" and week dates. A client relying on any of those works here and fails
against a stricter server or a generated client, so the API refuses them with a field
message instead.
"""

from __future__ import annotations

import re
import uuid
from datetime import date
from typing import Any

from rest_framework import serializers

WHOLE_NUMBER = re.compile(r"-?[0-9]+\Z")
CANONICAL_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z")
FULL_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


def whole_number(raw: str) -> int | None:
    """The integer an ASCII decimal string spells, or None."""
    return int(raw) if WHOLE_NUMBER.match(raw) else None


def canonical_uuid(raw: str) -> uuid.UUID | None:
    """The UUID in its 8-4-4-4-12 hex form, or None for any other spelling."""
    return uuid.UUID(raw) if CANONICAL_UUID.match(raw) else None


class FullDateField(serializers.DateField):
    """A calendar day as YYYY-MM-DD only (RFC 3339 full-date, the schema's ``format: date``)."""

    default_error_messages = {"invalid": "Must be a date as YYYY-MM-DD."}

    def to_internal_value(self, value: Any) -> date:
        if not isinstance(value, str) or not FULL_DATE.match(value):
            self.fail("invalid")
        return super().to_internal_value(value)


class QuerySerializer(serializers.Serializer):
    """Query parameters: one given empty (``?from=``) is refused, not taken as left out.

    DRF reads an empty value of an optional field as absent (the HTML-form rule); in a
    query string it is a client sending nothing where the schema wants a value.
    """

    def to_internal_value(self, data: Any) -> Any:
        empty = [name for name in self.fields if hasattr(data, "get") and data.get(name) == ""]
        if empty:
            raise serializers.ValidationError(
                {name: ["May not be empty: give a value or leave it out."] for name in empty}
            )
        return super().to_internal_value(data)
