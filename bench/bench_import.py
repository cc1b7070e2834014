"""Import speed: the account import against raw bulk_create, and a 100,000-row export through the view.

- rows/s: ``import_from_dict`` of 20,000 pain entries (the document as the
  view has it after parsing: validation, id checks, versioning, bulk writes)
  vs ``PainEntry.objects.bulk_create`` of the same rows in one transaction.
  Target: import >= 50 % of raw. Best of BENCH_IMPORT_ROUNDS for both.
- a 100,000-row export file uploaded to POST /api/import (multipart, token
  auth, test client): target well inside the 30 s web worker timeout (< 15 s).
"""

from __future__ import annotations

import json
import os
import random
import time
import uuid
from typing import Any

from bench.bench_sync import (
    _as_json_record,
    _bulk_rows,
    _client,
    _entry_values,
    _make_user,
    _state_set,
    against_bulk_create,
)
from bench.common import Result, setup_django

ROWS = 20_000
BIG_EXPORT_ROWS = 100_000
ROUNDS = int(os.environ.get("BENCH_IMPORT_ROUNDS", "3"))
WEB_TIMEOUT_S = 30


def _document(records: list[dict[str, Any]]) -> dict[str, Any]:
    return {"format": "minimus-export", "version": 1, "pain_entries": records}


def bench_import_rate() -> Result:
    from django.db import transaction

    from accounts.export import import_from_dict
    from journal.models import PainEntry

    rng = random.Random(23)
    import_times, raw_times = [], []
    for round_no in range(ROUNDS):
        values = [_entry_values(rng, i) for i in range(ROWS)]
        document = _document([_as_json_record(v) for v in values])
        user, _ = _make_user(f"import-{round_no}")
        start = time.perf_counter()
        counts = import_from_dict(user=user, document=document)
        import_times.append(time.perf_counter() - start)
        if counts["pain_entries"] != ROWS or PainEntry.objects.filter(user=user).count() != ROWS:
            raise RuntimeError(f"import stored {counts} rows")

        raw_values = [{**v, "id": uuid.uuid4()} for v in values]
        raw_user, _ = _make_user(f"import-raw-{round_no}")
        start = time.perf_counter()
        with transaction.atomic():
            PainEntry.objects.bulk_create(_bulk_rows(raw_user, raw_values), batch_size=2000)
            _state_set(raw_user, ROWS)
        raw_times.append(time.perf_counter() - start)
    import_s, raw_s = min(import_times), min(raw_times)
    return against_bulk_create(
        f"import {ROWS:,} entries (import_from_dict)",
        rows=ROWS,
        seconds=import_s,
        bulk_create_seconds=raw_s,
        at_least=0.5,
        notes=[f"import {import_s:.2f} s vs bulk_create {raw_s:.2f} s (best of {ROUNDS})"],
    )


def bench_big_export_upload() -> Result:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction

    from journal.models import PainEntry

    rng = random.Random(29)
    # An export as the server writes it: output fields included, ignored on import.
    records = []
    for i in range(BIG_EXPORT_ROWS):
        record = _as_json_record(_entry_values(rng, i))
        record.update(local_date=record["occurred_at"][:10], version=i + 1, updated_at=record["occurred_at"])
        records.append(record)
    body = json.dumps(_document(records)).encode()
    user, token = _make_user("import-big")
    http = _client(token)
    upload = SimpleUploadedFile("minimus-export.json", body, "application/json")
    start = time.perf_counter()
    response = http.post("/api/import", {"file": upload})
    elapsed = time.perf_counter() - start
    if response.status_code != 200:
        raise RuntimeError(f"import answered {response.status_code}: {response.content[:300]!r}")
    if PainEntry.objects.filter(user=user).count() != BIG_EXPORT_ROWS:
        raise RuntimeError("the big import did not store every row")
    # The same rows stored the fastest way, in this run: on a busy machine both slow down alike.
    raw_user, _ = _make_user("import-big-raw")
    raw_values = [{**_entry_values(rng, i), "id": uuid.uuid4()} for i in range(BIG_EXPORT_ROWS)]
    raw_start = time.perf_counter()
    with transaction.atomic():
        PainEntry.objects.bulk_create(_bulk_rows(raw_user, raw_values), batch_size=2000)
    raw_s = time.perf_counter() - raw_start
    return Result(
        f"import a {BIG_EXPORT_ROWS:,}-row export (POST /api/import)",
        elapsed,
        "s",
        baseline_name="web worker timeout",
        baseline=WEB_TIMEOUT_S,
        target="< 15 s",
        ok=elapsed < 15,
        notes=[
            f"file {len(body) / 1e6:.1f} MB, {BIG_EXPORT_ROWS / elapsed:,.0f} rows/s end to end; "
            f"raw bulk_create of the same rows {raw_s:.1f} s in this run ({elapsed / raw_s:.1f}x)"
        ],
    )


def run() -> list[Result]:
    setup_django(fresh=False)
    return [bench_import_rate(), bench_big_export_upload()]
