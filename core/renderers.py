"""JSON for large answers, encoded by orjson: the same bytes DRF's JSONRenderer writes, faster.

The trends answer over years is a couple of hundred kilobytes of numbers; the standard
library's encoder spends about as long writing it as the database spends summing the
journal. orjson writes compact UTF-8 with the shortest round-trip form of each float, as
``json.dumps(..., separators=(",", ":"), ensure_ascii=False)`` does; anything it does not
know natively (dates, decimals, lazy strings) goes through DRF's own encoder, so the text
is the same either way (tests/core/test_renderers.py). Two differences, neither in an answer
that uses it: a float that needs an exponent is written 1e16 rather than 1e+16 (the same
number), and NaN or an infinity is written null where DRF's strict JSON refuses it.
"""

from __future__ import annotations

from typing import Any

import orjson
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.encoders import JSONEncoder

# DRF writes datetimes its own way (UTC as "Z", milliseconds); dataclasses it does not know.
_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_NON_STR_KEYS
_LINE_SEPARATORS = ("\u2028".encode(), "\u2029".encode())


class FastJSONRenderer(JSONRenderer):
    """DRF's JSONRenderer with orjson for the compact form; pretty-printing stays DRF's."""

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: dict | None = None
    ) -> bytes:
        indent = self.get_indent(accepted_media_type, renderer_context or {})
        if data is None or indent is not None or not self.compact or self.ensure_ascii:
            return super().render(data, accepted_media_type, renderer_context)
        try:
            text = orjson.dumps(data, default=JSONEncoder().default, option=_OPTIONS)
        except orjson.JSONEncodeError:  # an integer past 64 bits, say: the standard library copes
            return super().render(data, accepted_media_type, renderer_context)
        # As DRF does: U+2028 and U+2029 escaped, so the JSON is also valid JavaScript.
        if _LINE_SEPARATORS[0] in text or _LINE_SEPARATORS[1] in text:
            text = text.replace(_LINE_SEPARATORS[0], b"\\u2028").replace(_LINE_SEPARATORS[1], b"\\u2029")
        return text
