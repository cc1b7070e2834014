"""Reminders' answers to events of the apps below it, connected in ``RemindersConfig.ready``."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from reminders.services import schedules_follow_time_zone


def schedules_follow_profile_time_zone(
    sender: type, *, user: AbstractBaseUser, old: str, new: str, **_: Any
) -> None:
    """Travel: reminders set in the old home zone now ring at the same local times in the new one."""
    schedules_follow_time_zone(user=user, old=old, new=new)
