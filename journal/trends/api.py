"""GET /api/trends/?from=&to=: the numbers behind the trends page, for the signed-in user."""

from __future__ import annotations

from datetime import date, timedelta

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.formats import FullDateField, QuerySerializer
from core.renderers import FastJSONRenderer
from journal.trends.schema import TrendsSerializer
from journal.trends.services import trends_get, user_today

DEFAULT_DAYS = 14
# Twenty years of local days: far beyond any real journal, small enough to answer quickly.
MAX_DAYS = 7305
EARLIEST, LATEST = date(1970, 1, 1), date(2200, 12, 31)


class TrendsQuerySerializer(QuerySerializer):
    """``from`` and ``to`` are Python keywords, hence get_fields."""

    def get_fields(self) -> dict[str, serializers.Field]:
        return {
            "from": FullDateField(required=False, help_text="First local day (inclusive)."),
            "to": FullDateField(required=False, help_text="Last local day (inclusive); default today."),
        }

    def validate(self, attrs: dict) -> dict:
        date_to = attrs.get("to") or user_today(user=self.context["user"])
        date_from = attrs.get("from") or date_to - timedelta(days=DEFAULT_DAYS - 1)
        for name, value in (("from", date_from), ("to", date_to)):
            if not EARLIEST <= value <= LATEST:
                raise serializers.ValidationError({name: [f"Must be between {EARLIEST} and {LATEST}."]})
        if date_from > date_to:
            raise serializers.ValidationError({"from": ["Must be on or before 'to'."]})
        if (date_to - date_from).days >= MAX_DAYS:
            raise serializers.ValidationError({"from": [f"The range may span at most {MAX_DAYS} days."]})
        return {"from": date_from, "to": date_to}


class TrendsView(APIView):
    # Years of daily points: the standard library's encoder took as long as the SQL.
    renderer_classes = [FastJSONRenderer]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "from", OpenApiTypes.DATE, description="First local day (default: 13 days ago)."
            ),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Last local day (default: today)."),
        ],
        responses={200: TrendsSerializer},
        summary="Trend numbers for a range of local days",
    )
    def get(self, request: Request) -> Response:
        query = TrendsQuerySerializer(data=request.query_params, context={"user": request.user})
        query.is_valid(raise_exception=True)
        dates = query.validated_data
        return Response(trends_get(user=request.user, date_from=dates["from"], date_to=dates["to"]))
