"""Writes for reminders: subscriptions, schedules, snooze and test notifications.

The tick (claiming due schedules) lives in ``reminders.tick``; sending one
delivery in ``reminders.sending``; what a schedule means in time in
``reminders.occurrences``.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.selectors import profile_get
from reminders.enqueue import enqueue_deliveries
from reminders.models import Delivery, PushSubscription, ReminderSchedule, StoppedPushEndpoint
from reminders.occurrences import normalised_times, schedule_next_fire_at

TEST_NOTIFICATION_DEADLINE = timedelta(minutes=10)
# Repeating reminders per user (API and import alike); snoozes do not count.
MAX_SCHEDULES_PER_USER = 20
# Devices with notifications on, per user.
MAX_SUBSCRIPTIONS_PER_USER = 10
# Snoozes of one notification (one occurrence), each from its own tap.
MAX_SNOOZES_PER_OCCURRENCE = 3


class ScheduleLimitReached(Exception):
    """The user already has MAX_SCHEDULES_PER_USER recurring schedules."""

    message = f"At most {MAX_SCHEDULES_PER_USER} reminders."

    def __init__(self) -> None:
        super().__init__(self.message)


# --- Subscriptions -------------------------------------------------------------------------
class SubscriptionRefused(Exception):
    """The device cannot be registered for this user; ``message`` says why, revealing nobody else."""

    def __init__(self, message: str, *, conflict: bool = False, code: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.conflict = conflict
        self.code = code


STOPPED_FROM_DEVICES = (
    "Notifications to this browser were stopped from your devices list. "
    "Turn reminders on here to get them again."
)
ENDPOINT_IN_USE = (
    "This device is registered to another account. Turn notifications off and on again on this device."
)


def endpoint_digest(endpoint: str) -> str:
    return hashlib.sha256(endpoint.encode()).hexdigest()


@transaction.atomic
def subscription_upsert(
    *,
    user: AbstractBaseUser,
    endpoint: str,
    p256dh: str,
    auth: str,
    user_agent: str = "",
    renewal: bool = False,
) -> PushSubscription:
    """Register this device, or refresh its keys.

    ``renewal`` is the app's own refresh at start-up, not the user's choice: it never brings
    back a browser the user stopped from the devices list. An explicit registration (the
    user turning reminders on in that browser) does, and forgets the stop.

    An endpoint held by another account moves to this one only when the request carries that
    subscription's keys: only the browser holding the subscription knows its auth secret, so
    someone who merely learned the URL cannot take another account's device over.
    """
    stopped = StoppedPushEndpoint.objects.filter(user=user, endpoint_digest=endpoint_digest(endpoint))
    if renewal and stopped.exists():
        raise SubscriptionRefused(STOPPED_FROM_DEVICES, conflict=True, code="push_stopped")
    stopped.delete()
    current = PushSubscription.objects.select_for_update().filter(endpoint=endpoint).first()
    foreign = current is not None and current.user_id != user.pk
    if foreign and (current.p256dh, current.auth) != (p256dh, auth):
        raise SubscriptionRefused(ENDPOINT_IN_USE, conflict=True)
    if current is None:
        # Lock the user's devices so two concurrent registrations cannot both pass the cap.
        owned = list(
            PushSubscription.objects.select_for_update().filter(user=user).values_list("pk", flat=True)
        )
        if len(owned) >= MAX_SUBSCRIPTIONS_PER_USER:
            raise SubscriptionRefused(
                f"At most {MAX_SUBSCRIPTIONS_PER_USER} devices can have notifications on. "
                "Remove one in the list first."
            )
    subscription, _ = PushSubscription.objects.update_or_create(
        endpoint=endpoint,
        defaults={"user": user, "p256dh": p256dh, "auth": auth, "user_agent": user_agent[:300]},
    )
    return subscription


@transaction.atomic
def subscription_remove(*, user: AbstractBaseUser, endpoint: str) -> bool:
    """This browser turned its own notifications off (it unsubscribes itself too)."""
    deleted, _ = PushSubscription.objects.filter(user=user, endpoint=endpoint).delete()
    return deleted > 0


@transaction.atomic
def subscription_stop(*, user: AbstractBaseUser, endpoint: str) -> bool:
    """The user stopped notifications to a browser from the devices list, usually from another one.

    That browser does not know yet: its next start-up refresh is refused (``renewal``)
    instead of silently bringing it back.
    """
    StoppedPushEndpoint.objects.get_or_create(user=user, endpoint_digest=endpoint_digest(endpoint))
    return subscription_remove(user=user, endpoint=endpoint)


# --- Schedules -------------------------------------------------------------------------------
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
    """A recurring schedule; ScheduleLimitReached once the user has MAX_SCHEDULES_PER_USER.

    The count and the insert happen under a lock on the user's row, so two
    concurrent creates for one user run one after the other and cannot both pass.
    """
    get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True).get()
    if ReminderSchedule.objects.filter(user=user, one_off=False).count() >= MAX_SCHEDULES_PER_USER:
        raise ScheduleLimitReached
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


class SnoozeRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@transaction.atomic
def snooze_create(
    *,
    user: AbstractBaseUser,
    minutes: int = 30,
    snooze_of: str = "",
    snooze_root: str = "",
    now: datetime | None = None,
) -> ReminderSchedule:
    """A one-off massage reminder ``minutes`` from now (the notification's "Snooze 30 min").

    From a notification (``snooze_of`` its occurrence): once per notification, and at most
    ``MAX_SNOOZES_PER_OCCURRENCE`` times along one chain of snoozes.
    """
    now = now or timezone.now()
    if snooze_of:
        snooze_root = snooze_root or snooze_of
        # The user's schedules are locked so two taps at once cannot both pass the checks.
        list(ReminderSchedule.objects.select_for_update().filter(user=user).values_list("pk", flat=True))
        chain = ReminderSchedule.objects.filter(user=user, snooze_root=snooze_root)
        if chain.filter(snooze_of=snooze_of).exists():
            raise SnoozeRefused("This reminder was already snoozed.")
        if chain.count() >= MAX_SNOOZES_PER_OCCURRENCE:
            raise SnoozeRefused(f"A reminder can be snoozed {MAX_SNOOZES_PER_OCCURRENCE} times at most.")
    try:
        with transaction.atomic():
            return ReminderSchedule.objects.create(
                user=user,
                kind=ReminderSchedule.Kind.MASSAGE,
                time_zone=profile_get(user=user).time_zone,
                one_off=True,
                next_fire_at=now + timedelta(minutes=minutes),
                snooze_of=snooze_of,
                snooze_root=snooze_root if snooze_of else "",
            )
    except IntegrityError:
        # One snooze per notification, whatever the checks above saw: SQLite takes no row locks,
        # so of two taps at once the second meets the unique constraint here.
        raise SnoozeRefused("This reminder was already snoozed.") from None


@transaction.atomic
def test_notification_create(*, user: AbstractBaseUser, now: datetime | None = None) -> list[Delivery]:
    """One delivery per device of the user, sent at once (after commit)."""
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
