"""The every-minute tick: claim due schedules, create deliveries, advance next_fire_at, enqueue sends.

Claiming is atomic: on PostgreSQL ``SELECT ... FOR UPDATE SKIP LOCKED`` lets two
ticks (two beats by mistake, or a slow tick overlapping the next) split the
work instead of doubling it; elsewhere a conditional UPDATE on the old
``next_fire_at`` claims each row. Deliveries are unique per (occurrence,
subscription), so even a bug here cannot create a second send of one occurrence.
Sends are enqueued only after commit, so a worker never looks for a row that
is not visible yet.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from journal.selectors import latest_pain_at, users_with_massage_since
from reminders.enqueue import enqueue_deliveries
from reminders.models import Delivery, PushSubscription, ReminderSchedule
from reminders.occurrences import deadline_for, occurrence_key, schedule_rules
from reminders.schedule import GRACE, Plan, plan_due

logger = logging.getLogger(__name__)

Enqueue = Callable[[list[int]], None]
# A massage logged this recently makes a massage reminder pointless.
RECENT_MASSAGE_WINDOW = timedelta(hours=3)


@dataclass
class TickReport:
    schedules: int = 0
    queued: int = 0
    missed: int = 0
    skipped: int = 0
    requeued: int = 0


def _plan(schedule: ReminderSchedule, now: datetime) -> Plan:
    grace = deadline_for(schedule.kind, schedule.next_fire_at) - schedule.next_fire_at
    if schedule.one_off:
        late = now - schedule.next_fire_at > grace
        return Plan(
            send_at=None if late else schedule.next_fire_at,
            missed=(schedule.next_fire_at,) if late else (),
            next_fire_at=None,
        )
    return plan_due(
        now=now,
        due_at=schedule.next_fire_at,
        grace=grace,
        **schedule_rules(schedule),
    )


def _claim(now: datetime, limit: int) -> list[ReminderSchedule]:
    due = ReminderSchedule.objects.filter(enabled=True, next_fire_at__lte=now).order_by("next_fire_at")
    if connection.features.has_select_for_update_skip_locked:
        return list(due.select_for_update(skip_locked=True)[:limit])
    return list(due[:limit])


def _advance(
    schedules: list[ReminderSchedule], plans: dict[int, Plan], now: datetime
) -> list[ReminderSchedule]:
    """Write the new next_fire_at; returns the schedules this tick owns."""
    for schedule in schedules:
        plan = plans[schedule.pk]
        schedule.claimed_from = schedule.next_fire_at  # type: ignore[attr-defined]
        schedule.next_fire_at = plan.next_fire_at
        if plan.send_at or plan.missed:
            schedule.last_fired_at = plan.send_at or plan.missed[-1]
        if schedule.one_off:
            schedule.enabled = False
        schedule.updated_at = now
    fields = ["next_fire_at", "last_fired_at", "enabled", "updated_at"]
    if connection.vendor == "postgresql":
        # Rows are locked by this transaction: nobody else can have moved them.
        _bulk_advance_postgresql(schedules, now)
        return schedules
    owned = []
    for schedule in schedules:
        # Portable claim: only if nobody advanced it since we read it.
        updated = ReminderSchedule.objects.filter(
            pk=schedule.pk,
            enabled=True,
            next_fire_at=schedule.claimed_from,  # type: ignore[attr-defined]
        ).update(**{name: getattr(schedule, name) for name in fields})
        if updated:
            owned.append(schedule)
    return owned


def _bulk_advance_postgresql(schedules: list[ReminderSchedule], now: datetime) -> None:
    """One UPDATE ... FROM unnest(arrays): Django's bulk_update builds a CASE per row and
    spends seconds compiling it for a few thousand rows (see bench/bench_tick.py)."""
    table = ReminderSchedule._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {table} AS s
               SET next_fire_at = v.next_fire_at, last_fired_at = v.last_fired_at,
                   enabled = v.enabled, updated_at = %s
              FROM unnest(%s::bigint[], %s::timestamptz[], %s::timestamptz[], %s::boolean[])
                   AS v(id, next_fire_at, last_fired_at, enabled)
             WHERE s.id = v.id
            """,  # noqa: S608 - table name from the model, values are parameters
            [
                now,
                [s.pk for s in schedules],
                [s.next_fire_at for s in schedules],
                [s.last_fired_at for s in schedules],
                [s.enabled for s in schedules],
            ],
        )


def _check_in_period_start(
    schedule: ReminderSchedule, send_at: datetime, fired_before: datetime | None
) -> datetime:
    """A check-in asks about the time since the day's previous check-in, or since local midnight."""
    zone = ZoneInfo(schedule.time_zone)
    midnight = datetime.combine(send_at.astimezone(zone).date(), time(0), tzinfo=zone)
    return max(midnight, fired_before) if fired_before else midnight


def _deliveries(
    schedules: list[ReminderSchedule],
    plans: dict[int, Plan],
    now: datetime,
    report: TickReport,
    fired_before: dict[int, datetime | None],
) -> list[Delivery]:
    subscriptions: dict[int, list[PushSubscription]] = defaultdict(list)
    for subscription in PushSubscription.objects.filter(user_id__in={s.user_id for s in schedules}):
        subscriptions[subscription.user_id].append(subscription)
    massage_users = {
        s.user_id for s in schedules if s.kind == ReminderSchedule.Kind.MASSAGE and plans[s.pk].send_at
    }
    recently_massaged = (
        users_with_massage_since(user_ids=massage_users, since=now - RECENT_MASSAGE_WINDOW)
        if massage_users
        else set()
    )
    check_in_users = {
        s.user_id for s in schedules if s.kind == ReminderSchedule.Kind.PAIN_CHECK_IN and plans[s.pk].send_at
    }
    latest_pain = latest_pain_at(user_ids=check_in_users, until=now) if check_in_users else {}
    rows: list[Delivery] = []
    for schedule in schedules:
        plan = plans[schedule.pk]
        occurrences = [(moment, Delivery.Status.MISSED) for moment in plan.missed]
        if plan.send_at:
            skip = False
            if schedule.kind == ReminderSchedule.Kind.MASSAGE:
                skip = schedule.user_id in recently_massaged
            elif schedule.kind == ReminderSchedule.Kind.PAIN_CHECK_IN:
                # Pain already logged for this part of the day: the question is answered.
                logged = latest_pain.get(schedule.user_id)
                period_start = _check_in_period_start(schedule, plan.send_at, fired_before[schedule.pk])
                skip = logged is not None and logged >= period_start
            occurrences.append((plan.send_at, Delivery.Status.SKIPPED if skip else Delivery.Status.PENDING))
        for fire_at, status in occurrences:
            report.missed += status == Delivery.Status.MISSED
            report.skipped += status == Delivery.Status.SKIPPED
            for subscription in subscriptions.get(schedule.user_id, ()):
                rows.append(
                    Delivery(
                        user_id=schedule.user_id,
                        schedule=schedule,
                        subscription=subscription,
                        kind=schedule.kind,
                        occurrence_key=occurrence_key(schedule, fire_at),
                        fire_at=fire_at,
                        deadline=deadline_for(schedule.kind, fire_at),
                        status=status,
                        queued_at=now if status == Delivery.Status.PENDING else None,
                    )
                )
    return Delivery.objects.bulk_create(rows, batch_size=1000)


def reminders_tick(
    *, now: datetime | None = None, batch_size: int = 1000, enqueue: Enqueue = enqueue_deliveries
) -> TickReport:
    """Claim every due schedule in batches, one transaction each; enqueue sends after each commit."""
    now = now or timezone.now()
    report = TickReport()
    for _ in range(10_000):  # bounded: each batch advances every row it claims past now
        with transaction.atomic():
            schedules = _claim(now, batch_size)
            if not schedules:
                break
            plans = {s.pk: _plan(s, now) for s in schedules}
            fired_before = {s.pk: s.last_fired_at for s in schedules}  # _advance moves it on
            owned = _advance(schedules, plans, now)
            created = _deliveries(owned, plans, now, report, fired_before)
            pending = [d.pk for d in created if d.status == Delivery.Status.PENDING]
            report.schedules += len(owned)
            report.queued += len(pending)
            transaction.on_commit(lambda ids=pending: enqueue(ids))
        if len(schedules) < batch_size:
            break
    report.requeued = deliveries_requeue_stale(now=now, enqueue=enqueue)
    return report


def deliveries_requeue_stale(
    *, now: datetime | None = None, lease: timedelta | None = None, enqueue: Enqueue = enqueue_deliveries
) -> int:
    """Recover deliveries whose message or worker was lost; expire those past their deadline.

    With ``acks_late`` a message comes back if its worker dies, but on Redis only
    after the visibility timeout (an hour), far past a reminder's deadline; and a
    delivery already flipped to "sending" would be ignored by that redelivery.
    So the tick re-queues:
    - "sending" rows whose worker has held them longer than the lease (longer
      than any real send with its timeout): the worker died, reset to pending;
    - "pending" rows queued (or due for a retry) longer than the lease ago: their message is lost.
    A redundant message is harmless: the send task's conditional flip lets one through.
    The only duplicate this cannot rule out is a crash after the push service
    accepted the message and before the worker recorded it (a few milliseconds);
    the notification tag (= occurrence key) makes the phone replace, not stack, it.
    """
    now = now or timezone.now()
    lease = lease or timedelta(seconds=settings.REMINDERS_SENDING_LEASE_SECONDS)
    cutoff = now - lease
    open_rows = Delivery.objects.filter(status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING])
    with transaction.atomic():
        open_rows.filter(deadline__lte=now).update(
            status=Delivery.Status.FAILED,
            last_response="deadline passed before it could be sent",
            updated_at=now,
        )
        stuck = list(
            open_rows.filter(status=Delivery.Status.SENDING, sending_started_at__lt=cutoff).values_list(
                "pk", flat=True
            )
        )
        reset = Delivery.objects.filter(pk__in=stuck, status=Delivery.Status.SENDING).update(
            status=Delivery.Status.PENDING, next_attempt_at=None, queued_at=None, updated_at=now
        )
        if reset:
            logger.warning("re-queued %d deliveries left in 'sending' by a lost worker", reset)
        lost = list(
            open_rows.filter(status=Delivery.Status.PENDING)
            .filter(Q(queued_at__isnull=True) | Q(queued_at__lt=cutoff))
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lt=cutoff))
            .values_list("pk", flat=True)[:5000]
        )
        Delivery.objects.filter(pk__in=lost).update(queued_at=now, updated_at=now)
        transaction.on_commit(lambda: enqueue(lost))
    return len(lost)


__all__ = ["GRACE", "TickReport", "deliveries_requeue_stale", "occurrence_key", "reminders_tick"]
