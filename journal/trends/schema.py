"""The shape of /api/trends/ for the OpenAPI schema (documentation: compute.py builds the data).

Nullable where compute.py can give None: a week with no entries has no mean,
peak or depth; a comparison needs two weeks with entries; a massage summary
needs sessions rated before and after.
"""

from __future__ import annotations

from rest_framework import serializers

from body import vocabulary as vocab
from journal.trends.compute import BETTER, SAME, WORSE

CHANGE_STATUSES = [BETTER, WORSE, SAME]


class WeekSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    mean = serializers.FloatField(allow_null=True)
    peak = serializers.IntegerField(allow_null=True)
    count = serializers.IntegerField()
    days_logged = serializers.IntegerField()
    depth = serializers.IntegerField(
        allow_null=True, help_text="Deepest zone order reached (1 buttock ... 6 foot)."
    )
    change = serializers.ChoiceField(
        choices=CHANGE_STATUSES, allow_null=True, help_text="Against the week before."
    )


class DayPointSerializer(serializers.Serializer):
    date = serializers.DateField()
    mean = serializers.FloatField()
    peak = serializers.IntegerField()
    count = serializers.IntegerField()
    rolling_mean = serializers.FloatField(help_text="Mean of the 7 local days ending here.")
    depth = serializers.IntegerField(allow_null=True)


class ZoneMeanSerializer(serializers.Serializer):
    zone = serializers.ChoiceField(choices=vocab.ZONE_CHOICES)
    side = serializers.ChoiceField(choices=vocab.SIDE_CHOICES)
    mean = serializers.FloatField()
    peak = serializers.IntegerField()
    count = serializers.IntegerField()


class PostureMeanSerializer(serializers.Serializer):
    posture = serializers.ChoiceField(choices=vocab.POSTURE_CHOICES)
    mean = serializers.FloatField()
    peak = serializers.IntegerField()
    count = serializers.IntegerField()


class MassageEffectSerializer(serializers.Serializer):
    sessions = serializers.IntegerField()
    rated = serializers.IntegerField(help_text="Sessions with pain before and after.")
    mean_before = serializers.FloatField(allow_null=True)
    mean_after = serializers.FloatField(allow_null=True)
    mean_drop = serializers.FloatField(allow_null=True)


class PortionEffectSerializer(MassageEffectSerializer):
    portion = serializers.ChoiceField(choices=vocab.PORTION_CHOICES)


class MassageSummarySerializer(MassageEffectSerializer):
    portions = PortionEffectSerializer(many=True)


class WeekComparisonSerializer(serializers.Serializer):
    from_mean = serializers.FloatField()
    to_mean = serializers.FloatField()
    change = serializers.FloatField()
    status = serializers.ChoiceField(choices=CHANGE_STATUSES)


class ComparisonSerializer(serializers.Serializer):
    this_week = WeekSerializer()
    last_week = WeekSerializer()
    first_week = WeekSerializer(allow_null=True)
    vs_last_week = WeekComparisonSerializer(allow_null=True)
    vs_first_week = WeekComparisonSerializer(allow_null=True)


class SafetySerializer(serializers.Serializer):
    not_improving = serializers.BooleanField()
    spreading = serializers.BooleanField()


class TrendsSerializer(serializers.Serializer):
    from_ = serializers.DateField()
    to = serializers.DateField()
    days_in_range = serializers.IntegerField()
    days_logged = serializers.IntegerField()
    entry_count = serializers.IntegerField()
    daily = DayPointSerializer(many=True)
    weeks = WeekSerializer(many=True)
    by_zone = ZoneMeanSerializer(many=True)
    by_posture = PostureMeanSerializer(many=True)
    massage = MassageSummarySerializer()
    comparison = ComparisonSerializer()
    safety = SafetySerializer()

    def get_fields(self) -> dict[str, serializers.Field]:
        # "from" is a Python keyword.
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields
