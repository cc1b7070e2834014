"""Sync protocol speed: push through the real view against raw bulk_create, pull against a raw SELECT.

Everything goes through Django's test client with the JSON body, so URL
routing, token authentication, JSON parsing, envelope and record validation
and response rendering all count: the "server time" a phone waits for, minus
the network. Baselines are measured in the same run on the same database.

- push: 1,000 pain entries in 2 pushes of 500 (a fresh user and client each
  round) vs ``PainEntry.objects.bulk_create`` of the same rows in 2 batches.
  Target: sync throughput >= 70 % of raw.
- incremental pull: a user with 50,000 rows, then 100 changes (creates, edits,
  deletes); GET /api/sync/pull?cursor=<before>&limit=500 vs the raw SELECT of
  those rows. Target: at most 5x the raw SELECT.
- initial sync: 10,000 rows pulled from cursor 0 in pages of 500 vs one raw
  SELECT of the same rows. Target: at most 3x.

Every figure is the median of repeated runs, sync and baseline interleaved.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.common import Result, setup_django

PUSH_ROWS = 1000
PUSH_BATCH = 500
PUSH_ROUNDS = int(os.environ.get("BENCH_SYNC_ROUNDS", "7"))
BIG_USER_ROWS = 50_000
INCREMENTAL_CHANGES = 100
INITIAL_SYNC_ROWS = 10_000
PAGE = 500
PULL_REPEAT = int(os.environ.get("BENCH_PULL_REPEAT", "30"))
INITIAL_REPEAT = int(os.environ.get("BENCH_INITIAL_REPEAT", "5"))

ZONES = ["upper_buttock", "lower_buttock", "outer_thigh", "back_thigh", "outer_knee", "upper_calf"]
POSTURES = ["sitting", "side_lying", "standing_up", "walking", "standing", "one_leg", "rest"]
START = datetime(2021, 1, 1, 7, 0, tzinfo=UTC)


def _entry_values(rng: random.Random, index: int) -> dict[str, Any]:
    """Python values of one pain entry, a few entries a day over the years."""
    return {
        "id": uuid.UUID(int=rng.getrandbits(128), version=4),
        "occurred_at": START + timedelta(minutes=317 * index + rng.randrange(60)),
        "time_zone": "Europe/Berlin",
        "zone": rng.choice(ZONES),
        "side": rng.choice(["left", "right"]),
        "posture": rng.choice(POSTURES),
        "intensity": rng.randrange(11),
        "note": "after the long drive" if index % 7 == 0 else "",
    }


def _as_json_record(values: dict[str, Any]) -> dict[str, Any]:
    record = dict(values)
    record["id"] = str(values["id"])
    record["occurred_at"] = values["occurred_at"].isoformat().replace("+00:00", "Z")
    return record


def _make_user(name: str) -> tuple[Any, str]:
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    user = get_user_model().objects.create(username=f"{name}-{uuid.uuid4().hex[:8]}")
    return user, Token.objects.create(user=user).key


def _client(token: str) -> Any:
    from django.test import Client

    return Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Token {token}")


def _push_bodies(records: list[dict[str, Any]], client_id: uuid.UUID, first_id: int = 1) -> list[str]:
    """JSON bodies of pushes of at most PUSH_BATCH upserts, mutation ids counting from ``first_id``."""
    bodies = []
    for start in range(0, len(records), PUSH_BATCH):
        mutations = [
            {"id": first_id + start + i, "type": "pain_entry", "op": "upsert", "record": record}
            for i, record in enumerate(records[start : start + PUSH_BATCH])
        ]
        bodies.append(json.dumps({"client_id": str(client_id), "schema": 1, "mutations": mutations}))
    return bodies


def _push(http: Any, body: str) -> dict[str, Any]:
    response = http.post("/api/sync/push", data=body, content_type="application/json")
    if response.status_code != 200:
        raise RuntimeError(f"push answered {response.status_code}: {response.content[:300]!r}")
    result = response.json()
    if result["rejected"]:
        raise RuntimeError(f"push rejected mutations: {result['rejected'][:3]}")
    return result


def against_bulk_create(
    name: str, *, rows: int, seconds: float, bulk_create_seconds: float, at_least: float, notes: list[str]
) -> Result:
    """Rows per second written the app's way, beside a raw bulk_create of the same rows in the same run."""
    return Result(
        name,
        rows / seconds,
        "rows/s",
        baseline_name="raw bulk_create",
        baseline=rows / bulk_create_seconds,
        target=f"ratio >= {at_least:g}",
        ok=(bulk_create_seconds / seconds) >= at_least,
        notes=notes,
    )


def against_raw_select(
    name: str, *, seconds: float, raw_seconds: float, at_most: int, notes: list[str]
) -> Result:
    """A read through the sync API, beside the plain SELECT of the same rows in the same run."""
    return Result.milliseconds(
        name,
        seconds,
        baseline_name="raw SELECT",
        baseline_seconds=raw_seconds,
        target=f"<= {at_most}x raw",
        ok=seconds <= at_most * raw_seconds,
        notes=notes,
    )


def _bulk_rows(user: Any, values: list[dict[str, Any]], first_version: int = 1) -> list[Any]:
    from journal.models import PainEntry

    return [PainEntry(user=user, version=first_version + i, **row) for i, row in enumerate(values)]


def _state_set(user: Any, last_version: int) -> None:
    from journal.models import SyncState

    SyncState.objects.update_or_create(user=user, defaults={"last_version": last_version})


def bench_push() -> Result:
    from django.db import connection, transaction

    from core.bulk import insert_rows
    from journal.models import PainEntry

    rng = random.Random(11)
    sync_times, raw_times, insert_times, untriggered_times = [], [], [], []
    for round_no in range(PUSH_ROUNDS):
        values = [_entry_values(rng, i) for i in range(PUSH_ROWS)]
        bodies = _push_bodies([_as_json_record(v) for v in values], uuid.uuid4())
        user, token = _make_user(f"push-{round_no}")
        http = _client(token)
        start = time.perf_counter()
        for body in bodies:
            _push(http, body)
        sync_times.append(time.perf_counter() - start)
        if PainEntry.objects.filter(user=user).count() != PUSH_ROWS:
            raise RuntimeError("sync push did not store every row")

        # The same rows (fresh ids: the pushed ones exist) stored the fastest way Django has.
        raw_values = [{**v, "id": uuid.uuid4()} for v in values]
        raw_user, _ = _make_user(f"raw-{round_no}")
        start = time.perf_counter()
        for offset in range(0, PUSH_ROWS, PUSH_BATCH):
            with transaction.atomic():
                PainEntry.objects.bulk_create(
                    _bulk_rows(raw_user, raw_values[offset : offset + PUSH_BATCH], offset + 1)
                )
                _state_set(raw_user, offset + PUSH_BATCH)
        raw_times.append(time.perf_counter() - start)

        # The set-based INSERT the push itself writes with, alone: what is left is the push's own work.
        # Once more with triggers off (superuser only, as the benchmark runs): the difference is what
        # keeping each day's sums (journal_painday) costs the push.
        for times, triggers in ((insert_times, True), (untriggered_times, False)):
            insert_user, _ = _make_user(f"insert-{round_no}-{triggers}")
            insert_values = [{**v, "id": uuid.uuid4(), "user_id": insert_user.pk} for v in values]
            start = time.perf_counter()
            for offset in range(0, PUSH_ROWS, PUSH_BATCH):
                batch = insert_values[offset : offset + PUSH_BATCH]
                with transaction.atomic():
                    if not triggers:
                        with connection.cursor() as cursor:
                            cursor.execute("SET LOCAL session_replication_role = replica")
                    insert_rows(
                        model=PainEntry,
                        rows=[{**row, "version": offset + i + 1} for i, row in enumerate(batch)],
                    )
                    _state_set(insert_user, offset + PUSH_BATCH)
            times.append(time.perf_counter() - start)
    # Medians, with sync and raw interleaved round by round, so both see the same neighbours.
    sync_s, raw_s = statistics.median(sync_times), statistics.median(raw_times)
    insert_s, untriggered_s = statistics.median(insert_times), statistics.median(untriggered_times)
    validate_s = _validation_time(values)
    return against_bulk_create(
        "sync push 1,000 entries (2 x 500)",
        rows=PUSH_ROWS,
        seconds=sync_s,
        bulk_create_seconds=raw_s,
        at_least=0.7,
        notes=[
            f"push {sync_s * 1000:.0f} ms vs bulk_create {raw_s * 1000:.0f} ms for 1,000 rows "
            f"(median of {PUSH_ROUNDS}, test client, token auth, JSON body)",
            f"the push writes with one INSERT from arrays per type (core/bulk.py); that INSERT alone: "
            f"{insert_s * 1000:.0f} ms, {insert_s / sync_s:.2f} of the push; of that, the triggers "
            f"keeping each day's sums: {(insert_s - untriggered_s) * 1000:.0f} ms "
            f"(the same INSERT with triggers off: {untriggered_s * 1000:.0f} ms)",
            f"of which reading the 1,000 records by the REST input serializer's rules alone: "
            f"{validate_s * 1000:.0f} ms (the design's one serializer for REST and sync)",
        ],
    )


def _validation_time(values: list[dict[str, Any]]) -> float:
    """Best-of-5 time to validate the records as a push does, to show what validation costs."""
    from journal.sync_serializers import mutations_read

    mutations = [
        {"id": i, "type": "pain_entry", "op": "upsert", "record": _as_json_record(row)}
        for i, row in enumerate(values, start=1)
    ]
    times = []
    for _ in range(5):
        start = time.perf_counter()
        mutations_read(mutations)
        times.append(time.perf_counter() - start)
    return min(times)


def _seed_user(name: str, rows: int, rng: random.Random) -> tuple[Any, str, list[dict[str, Any]]]:
    from journal.models import PainEntry

    user, token = _make_user(name)
    values = [_entry_values(rng, i) for i in range(rows)]
    for offset in range(0, rows, 5000):
        PainEntry.objects.bulk_create(_bulk_rows(user, values[offset : offset + 5000], offset + 1))
    _state_set(user, rows)
    return user, token, values


def _pull_all(http: Any, cursor: int, client_id: uuid.UUID | None = None) -> tuple[list[dict], int]:
    headers = {"HTTP_X_CLIENT_ID": str(client_id)} if client_id else {}
    changes: list[dict] = []
    while True:
        response = http.get(f"/api/sync/pull?cursor={cursor}&limit={PAGE}", **headers)
        if response.status_code != 200:
            raise RuntimeError(f"pull answered {response.status_code}: {response.content[:300]!r}")
        page = response.json()
        changes.extend(page["changes"])
        cursor = page["cursor"]
        if not page["more"]:
            return changes, cursor


def bench_incremental_pull() -> Result:
    from django.db import connection

    rng = random.Random(12)
    user, token, values = _seed_user("big", BIG_USER_ROWS, rng)
    http = _client(token)
    client_id = uuid.uuid4()
    # 100 changes from a phone: 60 new entries, 30 edits of old ones, 10 deletes.
    new = [_as_json_record(_entry_values(rng, BIG_USER_ROWS + i)) for i in range(60)]
    mutations: list[dict[str, Any]] = [{"type": "pain_entry", "op": "upsert", "record": r} for r in new]
    for row in rng.sample(values, 30):
        edit = {"id": str(row["id"]), "intensity": (row["intensity"] + 1) % 11}
        mutations.append({"type": "pain_entry", "op": "upsert", "record": edit})
    for row in rng.sample(values, 10):
        mutations.append({"type": "pain_entry", "op": "delete", "record": {"id": str(row["id"])}})
    for i, mutation in enumerate(mutations, start=1):
        mutation["id"] = i
    _push(http, json.dumps({"client_id": str(client_id), "schema": 1, "mutations": mutations}))

    url = f"/api/sync/pull?cursor={BIG_USER_ROWS}&limit={PAGE}"
    other_device = str(uuid.uuid4())
    sql = "SELECT * FROM journal_painentry WHERE user_id = %s AND version > %s ORDER BY version LIMIT 501"

    def raw_select() -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, [user.pk, BIG_USER_ROWS])
            cursor.fetchall()

    times, raw_times = [], []
    for _ in range(PULL_REPEAT):  # interleaved, so both see the same neighbours
        start = time.perf_counter()
        response = http.get(url, HTTP_X_CLIENT_ID=other_device)
        times.append(time.perf_counter() - start)
        start = time.perf_counter()
        raw_select()
        raw_times.append(time.perf_counter() - start)
    body = response.json()
    if len(body["changes"]) < 95 or body["more"]:  # edits may hit a row twice; deletes may hit an edited row
        raise RuntimeError(f"incremental pull returned {len(body['changes'])} changes, more={body['more']}")
    return against_raw_select(
        "incremental pull, 100 changes of 50k rows",
        seconds=statistics.median(times),
        raw_seconds=statistics.median(raw_times),
        at_most=5,
        notes=[
            f"{len(body['changes'])} changes returned; median of {PULL_REPEAT} pulls, p95 "
            f"{sorted(times)[int(0.95 * (len(times) - 1))] * 1000:.1f} ms"
        ],
    )


def bench_initial_sync() -> Result:
    from django.db import connection

    rng = random.Random(13)
    user, token, _ = _seed_user("initial", INITIAL_SYNC_ROWS, rng)
    http = _client(token)

    def raw_select() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM journal_painentry WHERE user_id = %s ORDER BY version", [user.pk])
            cursor.fetchall()

    times, raw_times = [], []
    for _ in range(INITIAL_REPEAT):  # interleaved, so both see the same neighbours
        start = time.perf_counter()
        changes, cursor = _pull_all(http, 0)
        times.append(time.perf_counter() - start)
        if len(changes) != INITIAL_SYNC_ROWS or cursor != INITIAL_SYNC_ROWS:
            raise RuntimeError(f"initial sync returned {len(changes)} rows, cursor {cursor}")
        start = time.perf_counter()
        raw_select()
        raw_times.append(time.perf_counter() - start)
    sync_s = statistics.median(times)
    return against_raw_select(
        "initial sync 10,000 rows (pages of 500)",
        seconds=sync_s,
        raw_seconds=statistics.median(raw_times),
        at_most=3,
        notes=[
            f"{INITIAL_SYNC_ROWS // PAGE} pages, {INITIAL_SYNC_ROWS / sync_s:,.0f} rows/s "
            f"(median of {INITIAL_REPEAT})"
        ],
    )


def run() -> list[Result]:
    setup_django(fresh=False)
    return [bench_push(), bench_incremental_pull(), bench_initial_sync()]
