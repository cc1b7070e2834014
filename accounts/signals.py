"""Events accounts sends for the apps above it, which it must not import.

``time_zone_changed(sender=Profile, user=, old=, new=)`` is sent inside the
transaction that saved the profile, so a receiver's writes commit or roll back
with it (reminders moves the user's schedules to the new zone).
"""

from __future__ import annotations

from django.dispatch import Signal

time_zone_changed = Signal()
