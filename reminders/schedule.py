"""Pure time arithmetic for reminders: local times + weekdays + zone + quiet hours → next UTC instant.

Always build the local wall-clock time for a calendar date and convert it to
UTC; never add 24 hours in UTC (that drifts by an hour across daylight-saving
changes). With ``zoneinfo`` and fold=0:
- a time skipped by a spring-forward change (02:30 on 2025-03-09 in New York)
  resolves to the same instant as the wall time one hour later (03:30): the
  reminder moves forward instead of vanishing;
- a time repeated by a fall-back change (01:30 on 2025-11-02) resolves to its
  first occurrence only, so it fires once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# How late an occurrence may still be sent: "time for your massage" an hour late is noise.
GRACE = timedelta(minutes=30)
# Look this many local days ahead; a week covers every weekday, the rest covers quiet hours edge cases.
HORIZON_DAYS = 9


@dataclass(frozen=True)
class QuietHours:
    start: time
    end: time

    def contains(self, moment: time) -> bool:
        """True inside [start, end); the interval may cross midnight (22:00-07:00)."""
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end


def parse_hhmm(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def local_instant(day: date, wall: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a local wall time (fold=0: first of a repeated time, shifted past a gap)."""
    return datetime.combine(day, wall, tzinfo=zone).astimezone(UTC)


def next_fire_time(
    *,
    after: datetime,
    times: Iterable[time],
    weekdays: Iterable[int],
    zone: ZoneInfo,
    quiet: QuietHours | None = None,
) -> datetime | None:
    """The first instant strictly after ``after`` matching the schedule, or None if nothing can match."""
    wall_times = sorted(t for t in set(times) if quiet is None or not quiet.contains(t))
    days = set(weekdays)
    if not wall_times or not days:
        return None
    # Start a day early: "after" may still be yesterday in a zone behind UTC.
    first_day = after.astimezone(zone).date() - timedelta(days=1)
    for offset in range(HORIZON_DAYS):
        day = first_day + timedelta(days=offset)
        if day.weekday() not in days:
            continue
        candidates = [local_instant(day, wall, zone) for wall in wall_times]
        later = [moment for moment in candidates if moment > after]
        if later:
            # min(): a skipped time shifted forward may land on or past the next listed time.
            return min(later)
    return None


@dataclass(frozen=True)
class Plan:
    """What the tick does with one due schedule."""

    send_at: datetime | None  # the occurrence to send now, if any
    missed: tuple[datetime, ...]  # occurrences found too late, recorded and not sent
    next_fire_at: datetime | None


def plan_due(
    *,
    now: datetime,
    due_at: datetime,
    times: Iterable[time],
    weekdays: Iterable[int],
    zone: ZoneInfo,
    quiet: QuietHours | None = None,
    grace: timedelta = GRACE,
    max_missed: int = 3,
) -> Plan:
    """Walk occurrences from ``due_at`` to ``now``: the latest within ``grace`` is sent, older ones missed.

    After a short outage (10 minutes) the reminder still goes out, once. After a
    long one (2 hours) it is recorded as missed. If several occurrences fall
    within the grace window only the latest is sent: two "time to massage"
    buzzes in a row help nobody.
    """
    times, weekdays = list(times), list(weekdays)
    occurrences: list[datetime] = []
    moment: datetime | None = due_at
    # Far behind (days of downtime): jump close to now instead of walking every occurrence.
    if now - due_at > timedelta(days=1):
        occurrences.append(due_at)
        moment = next_fire_time(
            after=now - grace - timedelta(seconds=1), times=times, weekdays=weekdays, zone=zone, quiet=quiet
        )
    while moment is not None and moment <= now:
        occurrences.append(moment)
        moment = next_fire_time(after=moment, times=times, weekdays=weekdays, zone=zone, quiet=quiet)
    send_at = occurrences[-1] if occurrences and now - occurrences[-1] <= grace else None
    missed = [o for o in occurrences if o != send_at]
    return Plan(send_at=send_at, missed=tuple(missed[-max_missed:]), next_fire_at=moment)
