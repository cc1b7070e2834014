"""JSON parsing that turns every malformed body into a 400, never a 500."""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from core.text import TOO_DEEP_MESSAGE, json_too_deep


class SafeJSONParser(JSONParser):
    """DRF's JSON parser, also refusing bodies nested deeper than any Minimus document.

    ``json.loads`` raises RecursionError (not ValueError) on e.g. 100,000 nested
    ``[``: DRF would let that escape as a server error.
    """

    def parse(self, stream: Any, media_type: str | None = None, parser_context: dict | None = None) -> Any:
        try:
            document = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(TOO_DEEP_MESSAGE) from exc
        if json_too_deep(document):
            raise ParseError(TOO_DEEP_MESSAGE)
        return document
