"""Pull never misses a change while other devices push at the same time (PostgreSQL, real threads).

Each thread has its own database connection, so pushes really run in
concurrent transactions and the puller reads between their commits.
"""

import threading
import uuid
from typing import Any

import pytest
from django.db import connections
from rest_framework.test import APIClient

from journal.models import MassageSession, PainEntry
from tests.journal.helpers import Device, massage_payload, pain_payload
from tests.services import need_postgres

PUSHES_PER_DEVICE = 60


def _device(user: Any) -> Device:
    client = APIClient()
    client.force_authenticate(user)
    return Device(client)


def _in_thread(target, errors: list[BaseException]) -> threading.Thread:
    def run():
        try:
            target()
        except BaseException as exc:  # noqa: BLE001 - reported to the test thread
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _join(*threads: threading.Thread) -> None:
    for thread in threads:
        thread.join(timeout=120)
        assert not thread.is_alive(), "a thread hung"


def _run_in_threads(*targets) -> list[BaseException]:
    errors: list[BaseException] = []
    _join(*(_in_thread(target, errors) for target in targets))
    return errors


def _pusher(device: Device) -> None:
    mine: list[tuple[str, str]] = []
    deleted: set[str] = set()
    for round_number in range(PUSHES_PER_DEVICE):
        batch = []
        # A new pain entry and a new massage in one transaction: the two tables get adjacent versions.
        entry, massage = pain_payload(), massage_payload()
        batch.append(device.mutation("upsert", entry))
        batch.append(device.mutation("upsert", massage, "massage_session"))
        mine += [("pain_entry", entry["id"]), ("massage_session", massage["id"])]
        if round_number % 3 == 0 and mine[round_number // 2][1] not in deleted:
            kind, record_id = mine[round_number // 2]
            field = {"pain_entry": "intensity", "massage_session": "pain_before"}[kind]
            batch.append(device.mutation("upsert", {"id": record_id, field: round_number % 11}, kind))
        if round_number % 7 == 0:
            kind, record_id = mine[round_number]
            deleted.add(record_id)
            batch.append(device.mutation("delete", {"id": record_id}, kind))
        response = device.push(*batch)
        assert response.status_code == 200, response.content
        assert response.json()["rejected"] == []


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_pull_never_skips_a_change_while_two_devices_push(make_user):
    need_postgres()
    user = make_user("concurrent")
    phone, laptop, watcher = _device(user), _device(user), _device(user)
    pushing = threading.Event()
    pushing.set()
    pulled_versions: list[int] = []

    def pull_while_pushing() -> None:
        while pushing.is_set():
            # Small pages so that paging and commits interleave too.
            changes = watcher.pull(limit=3)
            pulled_versions.extend(change["version"] for change in changes)

    errors: list[BaseException] = []
    puller = _in_thread(pull_while_pushing, errors)
    pushers = [_in_thread(lambda device=device: _pusher(device), errors) for device in (phone, laptop)]
    _join(*pushers)
    pushing.clear()
    _join(puller)
    assert errors == []
    watcher.pull(limit=3)

    # Every live row on the server, at its latest version, is on the watcher; every tombstone is gone there.
    server: dict[str, dict[str, Any]] = {}
    for model in (PainEntry, MassageSession):
        for row in model.objects.filter(user=user):
            server[str(row.id)] = {"version": row.version, "deleted": row.deleted}
    live = {record_id: state["version"] for record_id, state in server.items() if not state["deleted"]}
    assert {record_id: change["version"] for record_id, change in watcher.records.items()} == live
    assert len(server) == 2 * 2 * PUSHES_PER_DEVICE
    # The watcher saw versions strictly in order: a cursor never went back or jumped a committed change.
    assert pulled_versions == sorted(pulled_versions)
    assert len(set(pulled_versions)) == len(pulled_versions)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_first_pushes_of_a_new_user_from_two_devices_at_once_both_apply(make_user):
    need_postgres()
    user = make_user("fresh")
    devices = [_device(user) for _ in range(4)]
    entries = [pain_payload() for _ in devices]

    def push(device: Device, entry: dict):
        def run():
            assert device.push(device.mutation("upsert", entry)).json() == {
                "last_mutation_id": 1,
                "rejected": [],
            }

        return run

    assert _run_in_threads(*(push(d, e) for d, e in zip(devices, entries, strict=True))) == []
    versions = sorted(PainEntry.objects.filter(user=user).values_list("version", flat=True))
    assert versions == [1, 2, 3, 4]
    assert {str(i) for i in PainEntry.objects.values_list("id", flat=True)} == {e["id"] for e in entries}


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_users_racing_for_the_same_record_id_cannot_share_it(make_user):
    need_postgres()
    alice, bob = _device(make_user("alice2")), _device(make_user("bob2"))
    shared_id = str(uuid.uuid4())
    results: dict[str, Any] = {}

    def push(name: str, device: Device):
        def run():
            results[name] = device.push(device.mutation("upsert", pain_payload(id=shared_id))).json()

        return run

    assert _run_in_threads(push("alice", alice), push("bob", bob)) == []
    codes = sorted(len(result["rejected"]) for result in results.values())
    assert codes == [0, 1]
    assert PainEntry.objects.filter(id=shared_id).count() == 1
