"""The sync protocol, server side: push applies each mutation exactly once, pull hands changes out in order.

See shared/design/sync-protocol.md. The invariants this module keeps:
- a user's writes are serialised by the lock on their SyncState row, so
  versions commit in increasing order (no gap a pull could step over);
- a client's mutations apply in id order, each at most once
  (``SyncClient.last_mutation_id``), even when a response is lost;
- a rejected mutation still advances ``last_mutation_id`` and is remembered,
  so one bad record never blocks the queue and a retry still learns why.

A push is planned, then written: ``sync_plan.push_plan`` decides what every
mutation does from the rows it names (read once, under the lock), and
``_plan_write`` stores the outcome with one INSERT and one UPDATE per record
type. The rules live only in the planner.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.db.models.expressions import RawSQL
from django.utils import timezone

from core.bulk import insert_rows
from core.text import safe_errors
from journal.models import RECORD_MODELS, SyncClient, SyncedRecord, SyncRejection, SyncState
from journal.services.pull_query import PulledRecord, pull_rows
from journal.services.records import sync_state_lock
from journal.services.sync_plan import (
    REJECTED_FORBIDDEN,
    REJECTED_GONE,
    REJECTED_INVALID,
    CurrentRow,
    Mutation,
    MutationGap,
    PushPlan,
    Rejection,
    RowKey,
    push_plan,
)

__all__ = [
    "CURRENT_SYNC_SCHEMA",
    "MAX_MUTATIONS_PER_PUSH",
    "MAX_PULL_PAGE",
    "MINIMUM_SYNC_SCHEMA",
    "REJECTED_FORBIDDEN",
    "REJECTED_GONE",
    "REJECTED_INVALID",
    "ForeignClient",
    "Mutation",
    "MutationGap",
    "PullResult",
    "PushResult",
    "Rejection",
    "RevokedClient",
    "UpgradeRequired",
    "sync_pull",
    "sync_push",
    "sync_tombstones_purge",
]

CURRENT_SYNC_SCHEMA = 1
# Clients older than this must update the app before sending their outbox again.
MINIMUM_SYNC_SCHEMA = 1
MAX_MUTATIONS_PER_PUSH = 500
MAX_PULL_PAGE = 500
TOMBSTONE_RETENTION = timedelta(days=180)
# A push re-plans when another user inserted one of its ids meanwhile; each round sees more of them.
_PLAN_ATTEMPTS = 3


class UpgradeRequired(Exception):
    """The client's schema is older than the server accepts."""


class ForeignClient(Exception):
    """The client_id is bound to another user."""


class RevokedClient(Exception):
    """The client_id was revoked in Settings: the install must take a new one.

    It carries how far the revoked id got (``last_mutation_id``, with the refusals among
    what the install asked about): mutations it already applied must be confirmed, not sent
    again under the new id, where they would apply a second time.
    """

    def __init__(self, last_mutation_id: int = 0, rejected: Sequence[Rejection] = ()) -> None:
        super().__init__("client_revoked")
        self.last_mutation_id = last_mutation_id
        self.rejected = list(rejected)


@dataclass(frozen=True)
class PushResult:
    last_mutation_id: int
    rejected: list[Rejection]


@dataclass(frozen=True)
class PullResult:
    changes: list[PulledRecord]
    cursor: int
    more: bool
    last_mutation_id: int
    reset: bool = False
    rejected: list[Rejection] = field(default_factory=list)


def _client_lock(*, user: AbstractBaseUser, client_id: uuid.UUID, mutation_ids: Sequence[int]) -> SyncClient:
    """The client row, created and bound to ``user`` on first use, locked."""
    # Every push but a client's first finds the row: one round trip instead of two.
    client = SyncClient.objects.select_for_update().filter(client_id=client_id).first()
    if client is None:
        SyncClient.objects.bulk_create([SyncClient(client_id=client_id, user=user)], ignore_conflicts=True)
        client = SyncClient.objects.select_for_update().get(client_id=client_id)
    if client.user_id != user.pk:
        raise ForeignClient
    if client.revoked_at is not None:
        applied = [mutation_id for mutation_id in mutation_ids if mutation_id <= client.last_mutation_id]
        raise RevokedClient(client.last_mutation_id, _rejections(client=client, mutation_ids=applied))
    return client


def _rows_named(mutations: Sequence[Mutation]) -> dict[RowKey, SyncedRecord]:
    """Every stored row, of any user, that a mutation names: one query per record type named."""
    ids: dict[str, set[uuid.UUID]] = defaultdict(set)
    for mutation in mutations:
        if mutation.record_id is not None:
            ids[mutation.type].add(mutation.record_id)
    rows: dict[RowKey, SyncedRecord] = {}
    for record_type, record_ids in ids.items():
        for row in RECORD_MODELS[record_type].objects.filter(pk__in=_ids_parameter(record_ids)):
            rows[(record_type, row.pk)] = row
    return rows


def _ids_parameter(record_ids: set[uuid.UUID]) -> Any:
    """The right side of ``pk__in``: on PostgreSQL one text parameter instead of one per id.

    A push names up to 500 ids; quoting each as a parameter of its own cost about three times
    what the whole read of those rows costs on the database.
    """
    if connection.vendor != "postgresql":
        return record_ids
    return RawSQL("SELECT unnest(CAST(string_to_array(%s, ',') AS uuid[]))", [",".join(map(str, record_ids))])


def _current(row: SyncedRecord) -> CurrentRow:
    return CurrentRow(row.user_id, row.deleted, {name: getattr(row, name) for name in row.domain_fields})


def _plan_write(*, state: SyncState, plan: PushPlan, rows: dict[RowKey, SyncedRecord]) -> None:
    """Store a plan's row changes in bulk; versions follow the plan's steps after ``last_version``.

    A row changed several times in one push gets only the version of its last
    change; the skipped numbers are never seen (pulls need order, not
    consecutive numbers). Raises IntegrityError if another user inserted one of
    the ids after ``rows`` was read.
    """
    base = state.last_version
    now = timezone.now()
    inserts: dict[str, list[dict[str, Any]]] = defaultdict(list)
    updates: dict[str, list[SyncedRecord]] = defaultdict(list)
    updated_fields: dict[str, set[str]] = defaultdict(set)
    for write in plan.writes:
        record_type, record_id = write.key
        model = RECORD_MODELS[record_type]
        values = {name: write.values[name] for name in model.domain_fields if name in write.values}
        if write.inserted:
            values.update(
                id=record_id, user_id=state.user_id, version=base + write.step, deleted=write.deleted
            )
            inserts[record_type].append(values)
            continue
        row = rows[write.key]
        for name, value in values.items():
            setattr(row, name, value)
        row.deleted, row.version, row.updated_at = write.deleted, base + write.step, now
        updates[record_type].append(row)
        updated_fields[record_type].update(values)
    for record_type, new_rows in inserts.items():
        insert_rows(model=RECORD_MODELS[record_type], rows=new_rows)
    for record_type, changed_rows in updates.items():
        # Writing a field that did not change in some row is harmless: under the lock it holds what we read.
        names = sorted(updated_fields[record_type] | {"deleted", "version", "updated_at"})
        RECORD_MODELS[record_type].objects.bulk_update(changed_rows, names)
    if plan.changes:
        state.last_version = base + plan.changes
        state.save(update_fields=["last_version"])


def _rejections(*, client: SyncClient, mutation_ids: Sequence[int]) -> list[Rejection]:
    if not mutation_ids:
        return []
    rows = SyncRejection.objects.filter(client=client, mutation_id__in=mutation_ids).order_by("mutation_id")
    return [Rejection(row.mutation_id, row.code, row.errors) for row in rows]


@transaction.atomic
def sync_push(
    *, user: AbstractBaseUser, client_id: uuid.UUID, schema: int, mutations: Sequence[Mutation]
) -> PushResult:
    """Apply a client's mutations in order, each exactly once, in one transaction.

    Raises UpgradeRequired, ForeignClient or MutationGap before anything is written.
    """
    if schema < MINIMUM_SYNC_SCHEMA:
        raise UpgradeRequired
    # Lock order everywhere: the user's SyncState, then the client.
    state = sync_state_lock(user=user)
    client = _client_lock(user=user, client_id=client_id, mutation_ids=[m.id for m in mutations])

    for attempt in range(_PLAN_ATTEMPTS):
        rows = _rows_named([m for m in mutations if m.id > client.last_mutation_id])
        current = {key: _current(row) for key, row in rows.items()}
        plan = push_plan(
            user_id=user.pk, last_mutation_id=client.last_mutation_id, mutations=mutations, rows=current
        )
        try:
            with transaction.atomic():  # savepoint: a refused write leaves nothing behind
                _plan_write(state=state, plan=plan, rows=rows)
            break
        except IntegrityError:
            # Another user inserted one of these ids between our read and our insert:
            # the next plan reads that row and refuses exactly that mutation.
            if attempt == _PLAN_ATTEMPTS - 1:
                raise
            state.refresh_from_db()

    rejected = _rejections(client=client, mutation_ids=plan.replayed_ids)
    new_rejections = plan.rejections
    # Field messages never echo what was sent, but a stored rejection must hold storable text
    # whatever a validator says: jsonb refuses NUL and unpaired surrogates, which would fail
    # this push on every retry and leave the device's outbox stuck.
    new_rejections = [Rejection(r.id, r.code, safe_errors(r.errors)) for r in new_rejections]
    SyncRejection.objects.bulk_create(
        [SyncRejection(client=client, mutation_id=r.id, code=r.code, errors=r.errors) for r in new_rejections]
    )
    rejected.extend(new_rejections)
    if plan.last_mutation_id != client.last_mutation_id:
        client.last_mutation_id = plan.last_mutation_id
        client.save(update_fields=["last_mutation_id", "last_seen_at"])
    return PushResult(last_mutation_id=client.last_mutation_id, rejected=rejected)


def _version(record: PulledRecord) -> int:
    return record.version


def sync_pull(
    *,
    user: AbstractBaseUser,
    client_id: uuid.UUID | None,
    cursor: int,
    limit: int,
    rejected_after: int | None = None,
) -> PullResult:
    """Changes with version > cursor, in version order, at most ``limit``.

    Why this never skips a change: writes of one user hold the SyncState lock
    and commit in version order, with the new ``last_version`` in the same
    commit. The bound (``last_version``) and the records are read in one
    statement (``pull_rows``), so from one snapshot: every version <= bound is
    in it. We return only versions in (cursor, bound]; a row changed again
    after that snapshot has a version > bound and comes in the next pull.
    Reading the two record tables without the bound could see a later commit
    in the second table than in the first and hand out a cursor that steps
    over a change in the first.

    ``last_mutation_id`` comes from the same snapshot: every mutation it
    confirms committed before the bound was read, so its effect is in this
    pull (on this page or a later one, before ``more`` turns false).

    One statement needs no transaction (it takes no lock), so the pull runs
    without one: a BEGIN and a COMMIT would be two more round trips on every pull.
    """
    position, records = pull_rows(user_id=user.pk, client_id=client_id, cursor=cursor, limit=limit + 1)
    if position.client_user_id is not None and position.client_user_id != user.pk:
        raise ForeignClient
    last_mutation_id = position.last_mutation_id
    bound = position.bound

    rejected: list[Rejection] = []
    if position.client_user_id is not None and rejected_after is not None:
        rows = SyncRejection.objects.filter(
            client_id=client_id, mutation_id__gt=rejected_after, mutation_id__lte=last_mutation_id
        ).order_by("mutation_id")
        rejected = [Rejection(row.mutation_id, row.code, row.errors) for row in rows]
    if position.revoked:
        raise RevokedClient(last_mutation_id, rejected)

    if cursor > bound or 0 < cursor < position.purged:
        # The server lost history the client relies on (purged tombstones, restored
        # backup): the client pushes its outbox and re-syncs from 0.
        return PullResult([], 0, True, last_mutation_id, reset=True, rejected=rejected)
    if cursor == bound:  # nothing new: most pulls of a device that is up to date
        return PullResult([], bound, False, last_mutation_id, rejected=rejected)

    records.sort(key=_version)
    more = len(records) > limit
    page = records[:limit]
    next_cursor = page[-1].version if more else bound
    return PullResult(page, next_cursor, more, last_mutation_id, rejected=rejected)


def sync_tombstones_purge(*, older_than: timedelta = TOMBSTONE_RETENTION) -> int:
    """Delete tombstones untouched for ``older_than``; devices behind them must re-sync from 0."""
    horizon = timezone.now() - older_than
    purged = 0
    user_ids: set[int] = set()
    for model in RECORD_MODELS.values():
        user_ids.update(
            model.objects.filter(deleted=True, updated_at__lt=horizon).values_list("user_id", flat=True)
        )
    for user_id in sorted(user_ids):
        with transaction.atomic():
            state = SyncState.objects.select_for_update().get(user_id=user_id)
            for model in RECORD_MODELS.values():
                old = model.objects.filter(user_id=user_id, deleted=True, updated_at__lt=horizon)
                newest = old.aggregate(newest=Max("version"))["newest"]
                if newest is None:
                    continue
                state.purged_through_version = max(state.purged_through_version, newest)
                purged += old.delete()[0]
            state.save(update_fields=["purged_through_version"])
    return purged
