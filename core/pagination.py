"""The API's one pagination style, with a hard cap on page size."""

from __future__ import annotations

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request

from core.formats import whole_number

DEFAULT_LIMIT = 100
MAX_LIMIT = 500


class CappedLimitOffsetPagination(LimitOffsetPagination):
    """``?limit=&offset=`` paging that refuses, rather than silently trims, an oversized page.

    DRF's own class quietly falls back to the default on a bad value; a client
    asking for 10,000 rows and getting 100 without a word would think it has
    everything. A 400 with the allowed range tells it at once.
    """

    default_limit = DEFAULT_LIMIT
    max_limit = MAX_LIMIT

    def get_limit(self, request: Request) -> int:
        raw = request.query_params.get(self.limit_query_param)
        if raw is None:
            return self.default_limit
        return _bounded_int(raw, name=self.limit_query_param, low=1, high=self.max_limit)

    def get_offset(self, request: Request) -> int:
        raw = request.query_params.get(self.offset_query_param)
        if raw is None:
            return 0
        return _bounded_int(raw, name=self.offset_query_param, low=0, high=10**9)


def _bounded_int(raw: str, *, name: str, low: int, high: int) -> int:
    value = whole_number(raw)
    if value is None or not low <= value <= high:
        raise ValidationError({name: [f"Must be a whole number from {low} to {high}."]})
    return value
