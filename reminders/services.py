"""Writes for reminders: subscriptions, schedules, snooze and test notifications.

The tick (claiming due schedules) lives in ``reminders.tick``; sending one
delivery in ``reminders.sending``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from reminders.models import Delivery, PushSubscription, ReminderSchedule
from reminders.schedule import GRACE, QuietHours, next_fire_time, parse_hhmm

# A massage logged this recently makes a massage reminder pointless.
RECENT_MASSAGE_WINDOW = timedelta(hours=3)
TEST_NOTIFICATION_DEADLINE = timedelta(minutes=10)


# --- Subscriptions -------------------------------------------------------------------------
@transaction.atomic
def subscription_upsert(
    *, user: AbstractBaseUser, endpoint: str, p256dh: str, auth: str, user_agent: str = ""
) -> PushSubscription:
    """Register this device, or refresh its keys. An endpoint belongs to the browser: if another
    account signed in on it earlier, the device now notifies the account signed in now."""
    subscription, _ = PushSubscription.objects.update_or_create(
        endpoint=endpoint,
        defaults={"user": user, "p256dh": p256dh, "auth": auth, "user_agent": user_agent[:300]},
    )
    return subscription


@transaction.atomic
def subscription_remove(*, user: AbstractBaseUser, endpoint: str) -> bool:
    deleted, _ = PushSubscription.objects.filter(user=user, endpoint=endpoint).delete()
    return deleted > 0


# --- Schedules -------------------------------------------------------------------------------
def schedule_rules(schedule: ReminderSchedule) -> dict[str, object]:
    """A stored schedule as the arguments of reminders.schedule's pure functions."""
    quiet = (
        QuietHours(schedule.quiet_start, schedule.quiet_end)
        if schedule.quiet_start is not None and schedule.quiet_end is not None
        else None
    )
    return {
        "times": [parse_hhmm(t) for t in schedule.times],
        "weekdays": schedule.weekdays,
        "zone": ZoneInfo(schedule.time_zone),
        "quiet": quiet,
    }


def schedule_next_fire_at(schedule: ReminderSchedule, *, after: datetime) -> datetime | None:
    return next_fire_time(after=after, **schedule_rules(schedule))


def normalised_times(times: Iterable[str]) -> list[str]:
    """Local times as stored: HH:MM, sorted, each once."""
    return sorted({parse_hhmm(t).strftime("%H:%M") for t in times})


@transaction.atomic
def schedule_create(
    *,
    user: AbstractBaseUser,
    kind: str = ReminderSchedule.Kind.MASSAGE,
    times: Iterable[str],
    weekdays: Iterable[int],
    time_zone: str,
    quiet_start: time | None = None,
    quiet_end: time | None = None,
    enabled: bool = True,
    nudge_if_empty: bool = False,
    now: datetime | None = None,
) -> ReminderSchedule:
    schedule = ReminderSchedule(
        user=user,
        kind=kind,
        times=normalised_times(times),
        weekdays=sorted(set(weekdays)),
        time_zone=time_zone,
        quiet_start=quiet_start,
        quiet_end=quiet_end,
        enabled=enabled,
        nudge_if_empty=nudge_if_empty,
    )
    schedule.next_fire_at = schedule_next_fire_at(schedule, after=now or timezone.now())
    schedule.save()
    return schedule


SCHEDULE_FIELDS = {
    "kind",
    "times",
    "weekdays",
    "time_zone",
    "quiet_start",
    "quiet_end",
    "enabled",
    "nudge_if_empty",
}


@transaction.atomic
def schedule_update(
    *, schedule: ReminderSchedule, now: datetime | None = None, **changes: object
) -> ReminderSchedule:
    """Change a schedule; the next fire time is recomputed from now (moving a time never fires twice)."""
    unknown = set(changes) - SCHEDULE_FIELDS
    if unknown:
        raise TypeError(f"unknown schedule fields: {sorted(unknown)}")
    schedule = ReminderSchedule.objects.select_for_update().get(pk=schedule.pk)
    for name, value in changes.items():
        if name == "times":
            value = normalised_times(value)  # type: ignore[arg-type]
        elif name == "weekdays":
            value = sorted(set(value))  # type: ignore[call-overload]
        setattr(schedule, name, value)
    if not schedule.one_off:
        schedule.next_fire_at = schedule_next_fire_at(schedule, after=now or timezone.now())
    schedule.save()
    return schedule


@transaction.atomic
def schedules_follow_time_zone(
    *, user: AbstractBaseUser, old: str, new: str, now: datetime | None = None
) -> int:
    """Move the user's schedules kept in ``old`` (the profile's zone) to ``new``, recomputing
    their next fire time, so 08:00 stays 08:00 on the wall clock after travel."""
    if old == new:
        return 0
    now = now or timezone.now()
    moved = 0
    for schedule in ReminderSchedule.objects.select_for_update().filter(user=user, time_zone=old):
        schedule.time_zone = new
        if not schedule.one_off:
            schedule.next_fire_at = schedule_next_fire_at(schedule, after=now)
        schedule.save(update_fields=["time_zone", "next_fire_at", "updated_at"])
        moved += 1
    return moved


@transaction.atomic
def schedule_delete(*, schedule: ReminderSchedule) -> None:
    schedule.delete()


@transaction.atomic
def snooze_create(
    *, user: AbstractBaseUser, minutes: int = 30, now: datetime | None = None
) -> ReminderSchedule:
    """A one-off massage reminder ``minutes`` from now (the notification's "Snooze 30 min")."""
    from accounts.services import profile_get

    now = now or timezone.now()
    return ReminderSchedule.objects.create(
        user=user,
        kind=ReminderSchedule.Kind.MASSAGE,
        time_zone=profile_get(user=user).time_zone,
        one_off=True,
        next_fire_at=now + timedelta(minutes=minutes),
    )


@transaction.atomic
def test_notification_create(*, user: AbstractBaseUser, now: datetime | None = None) -> list[Delivery]:
    """One delivery per device of the user, sent at once (after commit)."""
    from reminders.tick import enqueue_deliveries

    now = now or timezone.now()
    key = f"t:{uuid.uuid4().hex[:16]}"
    deliveries = Delivery.objects.bulk_create(
        Delivery(
            user=user,
            subscription=subscription,
            kind=Delivery.Kind.TEST,
            occurrence_key=key,
            fire_at=now,
            deadline=now + TEST_NOTIFICATION_DEADLINE,
            queued_at=now,
        )
        for subscription in PushSubscription.objects.filter(user=user)
    )
    ids = [d.pk for d in deliveries]
    transaction.on_commit(lambda: enqueue_deliveries(ids))
    return deliveries


# --- Journal hook ----------------------------------------------------------------------------
def users_with_recent_massage(user_ids: Iterable[int], *, since: datetime) -> set[int]:
    """Users among ``user_ids`` who logged a (not deleted) massage at or after ``since``."""
    from journal.selectors import users_with_massage_since

    return users_with_massage_since(user_ids=user_ids, since=since)


def recent_massage_logged(user_id: int, since: datetime) -> bool:
    return user_id in users_with_recent_massage([user_id], since=since)


def deadline_for(kind: str, fire_at: datetime) -> datetime:
    """Reminders are useless half an hour late; a summary is still worth reading the same day."""
    if kind == ReminderSchedule.Kind.WEEKLY_SUMMARY:
        return fire_at + timedelta(hours=12)
    return fire_at + GRACE
