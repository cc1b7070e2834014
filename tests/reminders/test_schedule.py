"""Next fire time: local wall-clock times across DST changes, zones and quiet hours."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from reminders.schedule import QuietHours, next_fire_time, plan_due

EVERY_DAY = range(7)
NEW_YORK = ZoneInfo("America/New_York")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def fires(after: datetime, times: list[time], zone: ZoneInfo, count: int, **kwargs) -> list[datetime]:
    out = []
    for _ in range(count):
        after = next_fire_time(
            after=after,
            times=times,
            weekdays=kwargs.get("weekdays", EVERY_DAY),
            zone=zone,
            quiet=kwargs.get("quiet"),
        )
        out.append(after)
    return out


def test_it_fires_at_the_same_local_time_on_both_sides_of_spring_forward():
    # 2025-03-09: New York moves from EST (-5) to EDT (-4).
    moments = fires(utc(2025, 3, 7, 14), [time(8, 0)], NEW_YORK, 4)  # 09:00 EST on the 7th
    assert [m.astimezone(NEW_YORK).strftime("%d %H:%M") for m in moments] == [
        "08 08:00",
        "09 08:00",
        "10 08:00",
        "11 08:00",
    ]
    assert moments[0] == utc(2025, 3, 8, 13)
    assert moments[1] == utc(2025, 3, 9, 12)  # same wall time, one hour earlier in UTC


def test_it_fires_at_the_same_local_time_on_both_sides_of_fall_back():
    moments = fires(utc(2025, 10, 31, 20), [time(21, 30)], NEW_YORK, 4)
    assert [m.astimezone(NEW_YORK).strftime("%d %H:%M") for m in moments] == [
        "31 21:30",
        "01 21:30",
        "02 21:30",
        "03 21:30",
    ]
    assert moments[2] - moments[1] == timedelta(hours=25)


def test_a_time_skipped_by_spring_forward_moves_forward_and_fires_once():
    # 02:30 does not exist on 2025-03-09 in New York; it fires at 03:30 EDT (07:30 UTC).
    moments = fires(utc(2025, 3, 8, 12), [time(2, 30)], NEW_YORK, 3)
    assert moments == [utc(2025, 3, 9, 7, 30), utc(2025, 3, 10, 6, 30), utc(2025, 3, 11, 6, 30)]
    assert moments[0].astimezone(NEW_YORK).strftime("%H:%M") == "03:30"


def test_a_time_repeated_by_fall_back_fires_once():
    # 01:30 happens twice on 2025-11-02 in New York (EDT then EST): one reminder, at the first.
    moments = fires(utc(2025, 11, 1, 12), [time(1, 30)], NEW_YORK, 3)
    assert moments == [utc(2025, 11, 2, 5, 30), utc(2025, 11, 3, 6, 30), utc(2025, 11, 4, 6, 30)]


@pytest.mark.parametrize(
    ("zone", "expected_utc"),
    [
        ("Asia/Kolkata", utc(2025, 6, 2, 2, 30)),  # +05:30, no DST
        ("Australia/Adelaide", utc(2025, 6, 1, 22, 30)),  # +09:30 in June (winter there)
        ("Asia/Kathmandu", utc(2025, 6, 2, 2, 15)),  # +05:45
        ("Europe/Berlin", utc(2025, 6, 2, 6, 0)),  # +02:00 summer
        ("Pacific/Auckland", utc(2025, 6, 1, 20, 0)),  # +12:00 winter
    ],
)
def test_it_fires_at_the_local_time_in_other_zones(zone, expected_utc):
    # after = 2025-06-01 12:00 UTC; the next local 08:00 in each zone.
    moment = next_fire_time(
        after=utc(2025, 6, 1, 12), times=[time(8, 0)], weekdays=EVERY_DAY, zone=ZoneInfo(zone)
    )
    assert moment == expected_utc
    assert moment.astimezone(ZoneInfo(zone)).strftime("%H:%M") == "08:00"


def test_adelaide_half_hour_zone_across_its_own_dst_change():
    # Adelaide moves from +09:30 to +10:30 on 2025-10-05 at 02:00 local.
    adelaide = ZoneInfo("Australia/Adelaide")
    moments = fires(utc(2025, 10, 3, 0), [time(7, 0)], adelaide, 3)
    assert [m.astimezone(adelaide).strftime("%d %H:%M") for m in moments] == [
        "04 07:00",
        "05 07:00",
        "06 07:00",
    ]
    assert moments[1] - moments[0] == timedelta(hours=23)


def test_it_fires_only_on_chosen_weekdays():
    # 2025-06-02 is a Monday; only Wednesdays and Saturdays.
    moments = fires(utc(2025, 6, 2, 0), [time(18, 0)], ZoneInfo("UTC"), 3, weekdays=[2, 5])
    assert [m.strftime("%a %d") for m in moments] == ["Wed 04", "Sat 07", "Wed 11"]


def test_quiet_hours_across_midnight_suppress_times_inside_them():
    quiet = QuietHours(time(22, 0), time(7, 0))
    assert quiet.contains(time(23, 30)) and quiet.contains(time(0, 0)) and quiet.contains(time(6, 59))
    assert not quiet.contains(time(7, 0)) and not quiet.contains(time(21, 59))
    berlin = ZoneInfo("Europe/Berlin")
    moments = fires(utc(2025, 6, 1, 12), [time(6, 30), time(12, 0), time(23, 0)], berlin, 3, quiet=quiet)
    assert [m.astimezone(berlin).strftime("%d %H:%M") for m in moments] == [
        "02 12:00",
        "03 12:00",
        "04 12:00",
    ]


def test_quiet_hours_within_one_day():
    quiet = QuietHours(time(12, 0), time(14, 0))
    moments = fires(
        utc(2025, 6, 1, 0), [time(11, 0), time(13, 0), time(15, 0)], ZoneInfo("UTC"), 2, quiet=quiet
    )
    assert [m.strftime("%H:%M") for m in moments] == ["11:00", "15:00"]


def test_a_schedule_that_can_never_fire_has_no_next_time():
    quiet = QuietHours(time(0, 0), time(23, 59))
    assert (
        next_fire_time(
            after=utc(2025, 6, 1), times=[time(8, 0)], weekdays=EVERY_DAY, zone=ZoneInfo("UTC"), quiet=quiet
        )
        is None
    )
    assert (
        next_fire_time(after=utc(2025, 6, 1), times=[time(8, 0)], weekdays=[], zone=ZoneInfo("UTC")) is None
    )


def daily_at_eight_due(*, now: datetime, due_at: datetime):
    """The plan for a reminder every day at 08:00 UTC, due at ``due_at``, seen by a tick at ``now``."""
    return plan_due(now=now, due_at=due_at, times=[time(8, 0)], weekdays=EVERY_DAY, zone=ZoneInfo("UTC"))


def test_a_short_outage_still_sends_the_occurrence_once():
    plan = daily_at_eight_due(now=utc(2025, 6, 1, 8, 10), due_at=utc(2025, 6, 1, 8))
    assert plan.send_at == utc(2025, 6, 1, 8) and plan.missed == ()
    assert plan.next_fire_at == utc(2025, 6, 2, 8)


def test_a_long_outage_records_the_occurrence_as_missed():
    plan = daily_at_eight_due(now=utc(2025, 6, 1, 10), due_at=utc(2025, 6, 1, 8))
    assert plan.send_at is None and plan.missed == (utc(2025, 6, 1, 8),)


def test_days_of_downtime_send_nothing_stale_and_resume_on_schedule():
    plan = daily_at_eight_due(now=utc(2025, 6, 5, 8, 5), due_at=utc(2025, 6, 1, 8))
    assert plan.send_at == utc(2025, 6, 5, 8)
    assert plan.missed[0] == utc(2025, 6, 1, 8)
    assert plan.next_fire_at == utc(2025, 6, 6, 8)
