from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework import serializers

from accounts.timezones import available_time_zones
from core.text import TOO_DEEP_MESSAGE, JSONTooDeep, json_loads_bounded


class AccountSerializer(serializers.Serializer):
    username = serializers.CharField(read_only=True)
    time_zone = serializers.CharField(max_length=64)

    def validate_time_zone(self, value: str) -> str:
        if value not in available_time_zones():
            raise serializers.ValidationError("Not a known IANA time zone name, e.g. Europe/Berlin.")
        return value


class AccountDeleteSerializer(serializers.Serializer):
    password = serializers.CharField(max_length=4096, trim_whitespace=False)


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)


class ImportFileSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A JSON file from /api/export?format=json")


def read_import_upload(data: Any) -> Any:
    """The JSON document inside an uploaded export file, or a 400 with a field message."""
    serializer = ImportFileSerializer(data=data)
    serializer.is_valid(raise_exception=True)
    upload = serializer.validated_data["file"]
    if upload.size > settings.IMPORT_MAX_BYTES:
        limit_mb = settings.IMPORT_MAX_BYTES // (1024 * 1024)
        raise serializers.ValidationError({"file": [f"The file is larger than {limit_mb} MB."]})
    try:
        return json_loads_bounded(upload.read().decode("utf-8"))
    except JSONTooDeep:
        raise serializers.ValidationError({"file": [TOO_DEEP_MESSAGE]}) from None
    except (UnicodeDecodeError, ValueError):
        raise serializers.ValidationError(
            {"file": ["Not a JSON export: choose the .json file Minimus gave you."]}
        ) from None
