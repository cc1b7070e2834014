"""Input and output shapes of the reminders API."""

from __future__ import annotations

import base64
import binascii
from typing import Literal

from django.core.validators import RegexValidator
from rest_framework import serializers

from accounts.timezones import available_time_zones
from core.text import TextChoiceField
from reminders.endpoints import endpoint_problem
from reminders.models import PushSubscription, ReminderSchedule

HHMM = RegexValidator(r"^([01]\d|2[0-3]):[0-5]\d$", "Use a 24-hour time like 08:30.")


def _b64url_bytes(value: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError) as exc:
        raise serializers.ValidationError("Not base64url.") from exc


class SubscriptionKeysSerializer(serializers.Serializer):
    p256dh = serializers.CharField(max_length=128)
    auth = serializers.CharField(max_length=64)

    def validate_p256dh(self, value: str) -> str:
        raw = _b64url_bytes(value)
        if len(raw) != 65 or raw[0] != 4:
            raise serializers.ValidationError("Must be an uncompressed P-256 public key (65 bytes).")
        return value

    def validate_auth(self, value: str) -> str:
        if len(_b64url_bytes(value)) != 16:
            raise serializers.ValidationError("Must be a 16-byte auth secret.")
        return value


class SubscriptionInputSerializer(serializers.Serializer):
    """What PushSubscription.toJSON() gives in the browser."""

    endpoint = serializers.URLField(max_length=1024)
    keys = SubscriptionKeysSerializer()
    user_agent = serializers.CharField(max_length=300, required=False, allow_blank=True)
    renewal = serializers.BooleanField(
        required=False,
        default=False,
        help_text="True when the app refreshes its subscription at start-up rather than the user "
        'turning reminders on: refused with code "push_stopped" for a browser stopped from the devices list.',
    )

    def validate_endpoint(self, value: str) -> str:
        problem = endpoint_problem(value)
        if problem is not None:
            raise serializers.ValidationError(problem)
        return value


class EndpointSerializer(serializers.Serializer):
    endpoint = serializers.URLField(max_length=1024)


DEVICE_WORKING = "working"
DEVICE_NOT_WORKING = "not working"
DEVICE_UNTESTED = "not tested yet"


class SubscriptionOutputSerializer(serializers.ModelSerializer):
    """A device as its owner sees it: whether notifications reach it, never what a push service said."""

    status = serializers.SerializerMethodField(
        help_text="working: the last notification was delivered; not working: the last one failed."
    )

    class Meta:
        model = PushSubscription
        fields = ["id", "endpoint", "user_agent", "created_at", "status"]

    def get_status(
        self, subscription: PushSubscription
    ) -> Literal["working", "not working", "not tested yet"]:
        if subscription.failure_count:
            return DEVICE_NOT_WORKING
        return DEVICE_WORKING if subscription.last_success_at else DEVICE_UNTESTED


class ScheduleSerializer(serializers.Serializer):
    """Create (all fields) or change (partial) a reminder schedule."""

    id = serializers.IntegerField(read_only=True)
    kind = TextChoiceField(choices=ReminderSchedule.Kind.choices, default=ReminderSchedule.Kind.MASSAGE)
    times = serializers.ListField(
        child=serializers.CharField(max_length=5, validators=[HHMM]), min_length=1, max_length=12
    )
    weekdays = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=6),
        min_length=1,
        max_length=7,
        default=lambda: list(range(7)),
        help_text="0 = Monday ... 6 = Sunday",
    )
    time_zone = serializers.CharField(max_length=64, required=False, help_text="IANA name; default: profile")
    quiet_start = serializers.TimeField(
        format="%H:%M", input_formats=["%H:%M"], required=False, allow_null=True
    )
    quiet_end = serializers.TimeField(
        format="%H:%M", input_formats=["%H:%M"], required=False, allow_null=True
    )
    enabled = serializers.BooleanField(default=True)
    nudge_if_empty = serializers.BooleanField(
        default=False, help_text="Weekly summary: a gentle nudge for a week with no entries (else nothing)."
    )
    one_off = serializers.BooleanField(read_only=True)
    next_fire_at = serializers.DateTimeField(read_only=True)

    def validate_time_zone(self, value: str) -> str:
        if value not in available_time_zones():
            raise serializers.ValidationError("Not a known IANA time zone name, e.g. Europe/Berlin.")
        return value

    def validate(self, attrs: dict) -> dict:
        start = attrs.get("quiet_start", getattr(self.instance, "quiet_start", None))
        end = attrs.get("quiet_end", getattr(self.instance, "quiet_end", None))
        if (start is None) != (end is None):
            raise serializers.ValidationError(
                {"quiet_end": ["Give both the start and the end of quiet hours."]}
            )
        if start is not None and start == end:
            raise serializers.ValidationError(
                {"quiet_end": ["Quiet hours must end at another time than they start."]}
            )
        return attrs


class SnoozeSerializer(serializers.Serializer):
    minutes = serializers.IntegerField(min_value=5, max_value=240, default=30)
    token = serializers.CharField(max_length=500, required=False, write_only=True)


class ScheduleOutputSerializer(ScheduleSerializer):
    """A schedule as the API returns it. A snooze is a one-off schedule with no local
    times or weekdays, so the output allows empty lists where input needs at least one."""

    times = serializers.ListField(child=serializers.CharField(), read_only=True)
    weekdays = serializers.ListField(child=serializers.IntegerField(), read_only=True)
