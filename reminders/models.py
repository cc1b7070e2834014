"""Push subscriptions, reminder schedules and the deliveries the tick makes from them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class PushSubscription(models.Model):
    """One browser on one device that accepted notifications (a Web Push endpoint)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    # Push services hand out long capability URLs; the endpoint identifies the device.
    endpoint = models.URLField(max_length=1024, unique=True)
    p256dh = models.CharField(max_length=128)
    auth = models.CharField(max_length=64)
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    # Consecutive failures since the last success: the nightly cleanup reads it.
    failure_count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"Push subscription {self.pk} of user {self.user_id}"

    @property
    def info(self) -> dict:
        """The shape pywebpush and browsers use (PushSubscription.toJSON())."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


class StoppedPushEndpoint(models.Model):
    """A browser whose notifications the user stopped from the devices list.

    That browser still holds its subscription and re-sends it at every app start; this
    record keeps such a refresh from undoing the user's choice. Only turning reminders on
    again in that browser (an explicit request) clears it. The endpoint is kept as a
    SHA-256 digest: nothing more is pushed there, so the URL itself is not needed.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="stopped_push_endpoints"
    )
    endpoint_digest = models.CharField(max_length=64)
    stopped_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "endpoint_digest"], name="stopped_push_endpoint_once")
        ]

    def __str__(self) -> str:
        return f"Stopped push endpoint of user {self.user_id}"


class ReminderSchedule(models.Model):
    """When to remind a user: local times on weekdays in a time zone, outside quiet hours."""

    class Kind(models.TextChoices):
        MASSAGE = "massage", "Massage reminder"
        WEEKLY_SUMMARY = "weekly_summary", "Weekly summary"
        PAIN_CHECK_IN = "pain_check_in", "Daily pain check-in"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_schedules"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.MASSAGE)
    # Local wall-clock times "HH:MM", sorted; JSON keeps SQLite and PostgreSQL alike.
    times = models.JSONField(default=list, blank=True)
    # 0 = Monday ... 6 = Sunday (Python's date.weekday()).
    weekdays = models.JSONField(default=list, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    quiet_start = models.TimeField(null=True, blank=True)
    quiet_end = models.TimeField(null=True, blank=True)
    enabled = models.BooleanField(default=True)
    # Weekly summary only: a week with no entries sends nothing, unless the user asked for a nudge.
    nudge_if_empty = models.BooleanField(default=False)
    # A one-off reminder (snooze) fires once at next_fire_at, then turns itself off.
    one_off = models.BooleanField(default=False)
    next_fire_at = models.DateTimeField(null=True, blank=True)
    last_fired_at = models.DateTimeField(null=True, blank=True)
    # A snooze made from a notification: the occurrence it snoozed (each notification snoozes
    # once) and the first occurrence of its chain (a chain snoozes a few times at most).
    snooze_of = models.CharField(max_length=80, blank=True, default="")
    snooze_root = models.CharField(max_length=80, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "snooze_of"], condition=~Q(snooze_of=""), name="reminder_snooze_once"
            ),
        ]
        indexes = [
            # The tick's only query: enabled AND next_fire_at <= now. Partial so
            # disabled schedules cost nothing.
            models.Index(fields=["next_fire_at"], condition=Q(enabled=True), name="reminder_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk} of user {self.user_id}"


class Delivery(models.Model):
    """One occurrence of a schedule sent to one subscription: the unit that is sent exactly once."""

    class Status(models.TextChoices):
        PENDING = "pending"
        SENDING = "sending"
        SENT = "sent"
        FAILED = "failed"
        # The push service said the subscription is gone (404/410); it was deleted.
        GONE = "gone"
        # Found too late (after an outage): recorded, never sent.
        MISSED = "missed"
        # A massage was logged shortly before, or a weekly summary had nothing to report: not sent.
        SKIPPED = "skipped"

    class Kind(models.TextChoices):
        MASSAGE = "massage"
        WEEKLY_SUMMARY = "weekly_summary"
        PAIN_CHECK_IN = "pain_check_in"
        TEST = "test"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deliveries")
    schedule = models.ForeignKey(ReminderSchedule, null=True, blank=True, on_delete=models.SET_NULL)
    # Kept (null) after a 404/410 deletes the subscription, so the history stays.
    subscription = models.ForeignKey(PushSubscription, null=True, blank=True, on_delete=models.SET_NULL)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Same for every device of one occurrence; also the notification tag.
    occurrence_key = models.CharField(max_length=80)
    fire_at = models.DateTimeField()
    deadline = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Earliest time a (re)try may run; a message that arrives earlier does nothing.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # When a send message was last put on the broker, and when a worker took the row:
    # the sweep re-queues rows whose message or worker was lost.
    queued_at = models.DateTimeField(null=True, blank=True)
    sending_started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_response = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["occurrence_key", "subscription"], name="delivery_once_per_device"
            ),
        ]
        indexes = [
            models.Index(
                fields=["status", "queued_at"],
                condition=Q(status__in=["pending", "sending"]),
                name="delivery_open_idx",
            ),
            models.Index(fields=["user", "-fire_at"], name="delivery_user_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"Delivery {self.occurrence_key} → {self.subscription_id} ({self.status})"
