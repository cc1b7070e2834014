"""The day sums the trends read on PostgreSQL follow every change to the journal.

The trends page reads one row per local day (journal.models.PainDay), kept by
triggers on the pain entry table. Whatever way an entry is written, edited,
moved to another day, deleted, imported, purged or removed with its account,
the trends must show what the entries say, and the kept days must equal the
days summed afresh from the entries: nothing stale, nothing doubled, nothing
left behind.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.export import export_as_dict
from accounts.services import user_delete
from body.vocabulary import ZONES, zone_order
from journal.models import PainDay, PainEntry
from journal.services.sync import sync_tombstones_purge
from tests.journal.helpers import Device, pain_payload
from tests.services import need_postgres

pytestmark = [pytest.mark.services, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _postgres() -> None:
    need_postgres()


def days_summed_afresh(user: Any) -> dict[str, tuple[int, int, int, int]]:
    """Each local day's (sum, count, peak, deepest zone with pain) straight from the live entries."""
    days: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for entry in PainEntry.objects.filter(user=user, deleted=False):
        day = days[entry.local_date.isoformat()]
        day[0] += entry.intensity
        day[1] += 1
        day[2] = max(day[2], entry.intensity)
        if entry.intensity > 0:
            day[3] = max(day[3], zone_order(entry.zone))
    return {day: tuple(sums) for day, sums in days.items()}


def days_kept(user: Any) -> dict[str, tuple[int, int, int, int]]:
    return {
        row.day.isoformat(): (row.total, row.count, row.peak, row.depth)
        for row in PainDay.objects.filter(user=user)
    }


def assert_days_follow_the_entries(user: Any) -> None:
    assert days_kept(user) == days_summed_afresh(user)


def shown(client: APIClient, first: str = "2026-03-01", last: str = "2026-03-31") -> dict[str, tuple]:
    """The trends page's daily points: local day -> (mean, peak, entries)."""
    response = client.get("/api/trends/", {"from": first, "to": last})
    assert response.status_code == 200, response.content
    daily = response.json()["daily"]
    return {point["date"]: (point["mean"], point["peak"], point["count"]) for point in daily}


def test_an_entry_logged_edited_moved_and_deleted_moves_in_the_trends_with_it(user, user_client):
    first = pain_payload(occurred_at="2026-03-10T08:15:00Z", intensity=6)
    second = pain_payload(occurred_at="2026-03-10T17:00:00Z", intensity=3, zone="upper_calf")
    for payload in (first, second):
        assert user_client.post("/api/entries/", payload, format="json").status_code == 201
    assert shown(user_client) == {"2026-03-10": (4.5, 6, 2)}

    worse = {"intensity": 9}
    assert user_client.patch(f"/api/entries/{first['id']}/", worse, format="json").status_code == 200
    assert shown(user_client) == {"2026-03-10": (6.0, 9, 2)}

    # Moved two days on: gone from the 10th, counted on the 12th.
    moved = {"occurred_at": "2026-03-12T08:15:00Z"}
    assert user_client.patch(f"/api/entries/{first['id']}/", moved, format="json").status_code == 200
    assert shown(user_client) == {"2026-03-10": (3.0, 3, 1), "2026-03-12": (9.0, 9, 1)}
    assert days_kept(user)["2026-03-10"] == (3, 1, 3, zone_order("upper_calf"))

    assert user_client.delete(f"/api/entries/{second['id']}/").status_code == 204
    assert shown(user_client) == {"2026-03-12": (9.0, 9, 1)}
    assert_days_follow_the_entries(user)


def test_half_past_midnight_in_berlin_counts_on_the_new_local_day(user, user_client):
    late = pain_payload(occurred_at="2026-03-09T23:30:00Z", time_zone="Europe/Berlin", intensity=5)
    assert user_client.post("/api/entries/", late, format="json").status_code == 201
    assert shown(user_client) == {"2026-03-10": (5.0, 5, 1)}
    # The same instant logged on a trip to New York is still the evening of the 9th there.
    trip = {"time_zone": "America/New_York"}
    assert user_client.patch(f"/api/entries/{late['id']}/", trip, format="json").status_code == 200
    assert shown(user_client) == {"2026-03-09": (5.0, 5, 1)}
    assert_days_follow_the_entries(user)


def test_entries_a_phone_pushes_edits_and_deletes_are_what_the_trends_count(user, phone):
    entries = [
        pain_payload(occurred_at=f"2026-03-{10 + n % 4:02d}T{6 + n % 12:02d}:00:00Z", intensity=n % 11)
        for n in range(40)
    ]
    response = phone.push(*(phone.mutation("upsert", entry) for entry in entries))
    assert response.status_code == 200 and response.json()["rejected"] == []
    assert sum(count for _, _, count in shown(phone.client).values()) == 40

    edits = [phone.mutation("upsert", {"id": entries[n]["id"], "intensity": 10}) for n in range(0, 40, 5)]
    deletes = [phone.mutation("delete", {"id": entries[n]["id"]}) for n in range(1, 40, 5)]
    response = phone.push(*edits, *deletes)
    assert response.status_code == 200 and response.json()["rejected"] == []

    assert sum(count for _, _, count in shown(phone.client).values()) == 32
    assert all(peak == 10 for _, peak, _ in shown(phone.client).values())
    assert_days_follow_the_entries(user)


def test_importing_the_same_export_twice_counts_each_entry_once(user, user_client, make_user):
    source = make_user("carol", time_zone="Europe/Berlin")
    source_device = APIClient()
    source_device.force_authenticate(source)
    for hour in (7, 12, 18):
        payload = pain_payload(occurred_at=f"2026-03-11T{hour:02d}:00:00Z", intensity=hour // 3)
        assert source_device.post("/api/entries/", payload, format="json").status_code == 201
    document = export_as_dict(user=source)
    user_delete(user=source)  # moving to a new account: the old one is gone

    for _ in range(2):
        assert user_client.post("/api/import", document, format="json").status_code == 200

    assert shown(user_client) == {"2026-03-11": (4.0, 6, 3)}
    assert_days_follow_the_entries(user)


def test_purging_old_tombstones_leaves_the_days_as_they_were(user, phone):
    kept, dropped = pain_payload(intensity=4), pain_payload(intensity=8)
    phone.push(phone.mutation("upsert", kept), phone.mutation("upsert", dropped))
    phone.push(phone.mutation("delete", {"id": dropped["id"]}))
    before = shown(phone.client)
    PainEntry.objects.filter(pk=dropped["id"]).update(updated_at=timezone.now() - timedelta(days=400))

    assert sync_tombstones_purge() == 1

    assert shown(phone.client) == before == {"2026-03-10": (4.0, 4, 1)}
    assert_days_follow_the_entries(user)


def test_a_deleted_account_leaves_no_day_behind(user, other_user, user_client, other_client):
    for client in (user_client, other_client):
        assert client.post("/api/entries/", pain_payload(), format="json").status_code == 201
    user_delete(user=user)

    assert not PainDay.objects.filter(user_id=user.pk).exists()
    assert shown(other_client) == {"2026-03-10": (6.0, 6, 1)}  # the other account keeps its day


def test_a_change_made_outside_the_app_still_shows_in_the_trends(user, user_client):
    """The admin or a shell writes past the app's services; the database keeps the days anyway."""
    payload = pain_payload(intensity=2)
    assert user_client.post("/api/entries/", payload, format="json").status_code == 201

    PainEntry.objects.filter(pk=payload["id"]).update(intensity=7, zone="foot")

    assert shown(user_client) == {"2026-03-10": (7.0, 7, 1)}
    assert days_kept(user)["2026-03-10"][3] == zone_order("foot")
    assert_days_follow_the_entries(user)


def test_how_far_down_the_leg_uses_the_vocabularys_zone_order():
    """The database's copy of the zone orders (migration 0003) must match the vocabulary."""
    with connection.cursor() as cursor:
        for zone in ZONES:
            cursor.execute("SELECT journal_zone_depth(%s)", [zone.code])
            assert cursor.fetchone()[0] == zone.order, zone.code


def test_a_day_whose_pain_is_all_zero_reaches_nowhere_down_the_leg(user, user_client):
    payload = pain_payload(intensity=0, zone="foot")
    assert user_client.post("/api/entries/", payload, format="json").status_code == 201
    assert days_kept(user) == {"2026-03-10": (0, 1, 0, 0)}
    response = user_client.get("/api/trends/", {"from": "2026-03-10", "to": "2026-03-10"})
    assert response.json()["daily"][0]["depth"] is None


@pytest.mark.django_db(transaction=True)
def test_two_devices_logging_the_same_day_at_once_lose_no_entry(make_user):
    user = make_user("dana", time_zone="Europe/Berlin")
    devices = []
    for _ in range(2):
        client = APIClient()
        client.force_authenticate(user)
        devices.append(Device(client))
    errors: list[BaseException] = []

    def log_a_day(device: Device) -> None:
        try:
            for n in range(25):
                entry = pain_payload(occurred_at=f"2026-03-10T{8 + n % 10:02d}:{n:02d}:00Z", intensity=n % 11)
                response = device.push(device.mutation("upsert", entry))
                assert response.status_code == 200, response.content
        except BaseException as exc:  # noqa: BLE001 - reported to the test thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=log_a_day, args=(device,)) for device in devices]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
        assert not thread.is_alive(), "a push hung"
    assert errors == []

    assert days_kept(user)["2026-03-10"][1] == 50
    assert_days_follow_the_entries(user)


@pytest.mark.django_db(transaction=True)
def test_entries_stored_before_the_upgrade_show_in_the_trends_after_it(make_user):
    """Upgrading a server keeps the trends of every journal already stored."""
    from django.db.migrations.executor import MigrationExecutor

    user = make_user("erin", time_zone="Europe/Berlin")
    client = APIClient()
    client.force_authenticate(user)
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate([("journal", "0002_sync_client_revoked")])
    try:
        for hour, intensity in ((23, 4), (9, 8)):  # 23:00Z is past midnight in Berlin: the 11th
            payload = pain_payload(occurred_at=f"2026-03-10T{hour:02d}:00:00Z", intensity=intensity)
            assert client.post("/api/entries/", payload, format="json").status_code == 201
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(latest)

    assert shown(client) == {"2026-03-10": (8.0, 8, 1), "2026-03-11": (4.0, 4, 1)}
    assert_days_follow_the_entries(user)
