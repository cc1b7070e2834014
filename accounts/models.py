from __future__ import annotations

from django.conf import settings
from django.db import models

from accounts.timezones import validate_time_zone


class Profile(models.Model):
    """Per-user settings that are not authentication."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    # Detected in the browser at sign-up; reminders and local days depend on it.
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Profile of {self.user_id} ({self.time_zone})"
