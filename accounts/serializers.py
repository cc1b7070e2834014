from __future__ import annotations

from rest_framework import serializers

from accounts.timezones import available_time_zones


class AccountSerializer(serializers.Serializer):
    username = serializers.CharField(read_only=True)
    time_zone = serializers.CharField(max_length=64)

    def validate_time_zone(self, value: str) -> str:
        if value not in available_time_zones():
            raise serializers.ValidationError("Not a known IANA time zone name, e.g. Europe/Berlin.")
        return value
