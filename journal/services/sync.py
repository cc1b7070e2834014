"""The sync protocol, server side: push applies each mutation exactly once, pull hands changes out in order.

See shared/design/sync-protocol.md. The invariants this module keeps:
- a user's writes are serialised by the lock on their SyncState row, so
  versions commit in increasing order (no gap a pull could step over);
- a client's mutations apply in id order, each at most once
  (``SyncClient.last_mutation_id``), even when a response is lost;
- a rejected mutation still advances ``last_mutation_id`` and is remembered,
  so one bad record never blocks the queue and a retry still learns why.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from journal.models import RECORD_MODELS, SyncClient, SyncedRecord, SyncRejection, SyncState
from journal.serializers import INPUT_SERIALIZERS, RecordInputSerializer, record_validate
from journal.services.records import (
    RecordIdTaken,
    record_change,
    record_insert,
    record_tombstone,
    sync_state_lock,
)

CURRENT_SYNC_SCHEMA = 1
# Clients older than this must update the app before sending their outbox again.
MINIMUM_SYNC_SCHEMA = 1
MAX_MUTATIONS_PER_PUSH = 500
MAX_PULL_PAGE = 500
TOMBSTONE_RETENTION = timedelta(days=180)

REJECTED_INVALID = "invalid"
REJECTED_GONE = "gone"
REJECTED_FORBIDDEN = "forbidden"
# Field errors of the refusals that are not validation failures (never mutated, only read).
_INVALID_ID = {"id": ["A valid UUID is required."]}
_FORBIDDEN_ID = {"id": ["This id cannot be used."]}
_GONE_ID = {"id": ["This record was deleted; the change was not applied."]}


class UpgradeRequired(Exception):
    """The client's schema is older than the server accepts."""


class ForeignClient(Exception):
    """The client_id is bound to another user."""


class MutationGap(Exception):
    """The next mutation id is not last_mutation_id + 1: something was lost on the way."""

    def __init__(self, expected: int) -> None:
        super().__init__(f"expected mutation id {expected}")
        self.expected = expected


@dataclass(frozen=True)
class Mutation:
    id: int
    type: str
    op: str  # "upsert" | "delete"
    record: dict[str, Any]


@dataclass(frozen=True)
class Rejection:
    id: int
    code: str
    errors: dict[str, Any]


@dataclass(frozen=True)
class PushResult:
    last_mutation_id: int
    rejected: list[Rejection]


@dataclass(frozen=True)
class PullResult:
    changes: list[SyncedRecord]
    cursor: int
    more: bool
    last_mutation_id: int
    reset: bool = False
    rejected: list[Rejection] = field(default_factory=list)


def _client_lock(*, user: AbstractBaseUser, client_id: uuid.UUID) -> SyncClient:
    """The client row, created and bound to ``user`` on first use, locked."""
    SyncClient.objects.bulk_create([SyncClient(client_id=client_id, user=user)], ignore_conflicts=True)
    client = SyncClient.objects.select_for_update().get(client_id=client_id)
    if client.user_id != user.pk:
        raise ForeignClient
    return client


def _record_id(record: dict[str, Any]) -> uuid.UUID | None:
    value = record.get("id")
    if not isinstance(value, str):
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _mutation_apply(*, state: SyncState, mutation: Mutation) -> Rejection | None:
    """Apply one mutation; a refusal is returned, never raised, so the queue moves on."""
    record_id = _record_id(mutation.record)
    if record_id is None:
        return Rejection(mutation.id, REJECTED_INVALID, _INVALID_ID)
    model = RECORD_MODELS[mutation.type]
    existing = model.objects.filter(pk=record_id).first()
    if existing is not None and existing.user_id != state.user_id:
        # Same answer whatever the other row holds: nothing about it is revealed.
        return Rejection(mutation.id, REJECTED_FORBIDDEN, _FORBIDDEN_ID)

    if mutation.op == "delete":
        # Deleting an unknown id (its create was rejected) or a tombstone changes nothing.
        if existing is not None:
            record_tombstone(state=state, record=existing)
        return None

    if existing is not None and existing.deleted:
        return Rejection(mutation.id, REJECTED_GONE, _GONE_ID)
    fields = {name: value for name, value in mutation.record.items() if name != "id"}
    data, errors = record_validate(record_type=mutation.type, data=fields, partial=existing is not None)
    if data is None:
        return Rejection(mutation.id, REJECTED_INVALID, errors)
    if existing is not None:
        record_change(state=state, record=existing, changes=data)
        return None
    try:
        record_insert(state=state, record_type=mutation.type, record_id=record_id, data=data)
    except RecordIdTaken:
        return Rejection(mutation.id, REJECTED_FORBIDDEN, _FORBIDDEN_ID)
    return None


class _RecordValidators:
    """One input serializer per (record type, partial) for a whole push.

    Building a DRF serializer per record deep-copies all its fields, which cost
    more than the validation itself; ``run_validation`` on a reused instance
    gives the same data and the same field errors as ``is_valid``.
    """

    def __init__(self) -> None:
        self._serializers: dict[tuple[str, bool], RecordInputSerializer] = {}

    def validate(self, *, record_type: str, data: dict[str, Any], partial: bool) -> tuple[dict | None, dict]:
        serializer = self._serializers.get((record_type, partial))
        if serializer is None:
            serializer = INPUT_SERIALIZERS[record_type](partial=partial)
            self._serializers[(record_type, partial)] = serializer
        try:
            return dict(serializer.run_validation(data)), {}
        except ValidationError as exc:
            return None, exc.detail


def _mutations_apply_batched(*, state: SyncState, mutations: Sequence[Mutation]) -> list[Rejection]:
    """Apply mutations in order with a few queries per push, not several per mutation.

    The rules are those of ``_mutation_apply``, worked out in memory under the
    user's lock: the rows the push names are read once, new rows go in with one
    INSERT per record type, changed rows with one UPDATE per type, and the
    version counter is saved once. Versions still follow mutation order; a row
    changed twice in one push keeps only the later number, and the skipped
    number is never seen (pulls need order, not consecutive numbers).
    An id inserted meanwhile by another user raises IntegrityError.
    """
    ids: dict[str, set[uuid.UUID]] = defaultdict(set)
    for mutation in mutations:
        record_id = _record_id(mutation.record)
        if record_id is not None:
            ids[mutation.type].add(record_id)
    rows: dict[tuple[str, uuid.UUID], SyncedRecord] = {}
    for record_type, record_ids in ids.items():
        for row in RECORD_MODELS[record_type].objects.filter(pk__in=record_ids):
            rows[(record_type, row.pk)] = row

    inserted: dict[tuple[str, uuid.UUID], SyncedRecord] = {}
    changed: dict[tuple[str, uuid.UUID], set[str]] = defaultdict(set)
    validators = _RecordValidators()
    version = state.last_version
    rejected: list[Rejection] = []
    for mutation in mutations:
        record_id = _record_id(mutation.record)
        if record_id is None:
            rejected.append(Rejection(mutation.id, REJECTED_INVALID, _INVALID_ID))
            continue
        key = (mutation.type, record_id)
        existing = rows.get(key)
        if existing is not None and existing.user_id != state.user_id:
            rejected.append(Rejection(mutation.id, REJECTED_FORBIDDEN, _FORBIDDEN_ID))
            continue
        if mutation.op == "delete":
            if existing is not None and not existing.deleted:
                version += 1
                existing.deleted, existing.version = True, version
                changed[key].update(("deleted", "version"))
            continue
        if existing is not None and existing.deleted:
            rejected.append(Rejection(mutation.id, REJECTED_GONE, _GONE_ID))
            continue
        fields = {name: value for name, value in mutation.record.items() if name != "id"}
        partial = existing is not None
        data, errors = validators.validate(record_type=mutation.type, data=fields, partial=partial)
        if data is None:
            rejected.append(Rejection(mutation.id, REJECTED_INVALID, errors))
            continue
        if existing is not None:
            diff = [n for n in existing.domain_fields if n in data and getattr(existing, n) != data[n]]
            if diff:
                for name in diff:
                    setattr(existing, name, data[name])
                version += 1
                existing.version = version
                changed[key].update((*diff, "version"))
            continue
        model = RECORD_MODELS[mutation.type]
        version += 1
        domain = {name: data[name] for name in model.domain_fields if name in data}
        rows[key] = inserted[key] = model(id=record_id, user_id=state.user_id, version=version, **domain)

    now = timezone.now()
    for record_type, model in RECORD_MODELS.items():
        new_rows = [row for (kind, _), row in inserted.items() if kind == record_type]
        if new_rows:
            model.objects.bulk_create(new_rows)
        # Rows inserted above already hold their final values.
        dirty = [key for key in changed if key[0] == record_type and key not in inserted]
        if dirty:
            for key in dirty:
                rows[key].updated_at = now
            # Writing a field that did not change is harmless: under the lock it holds what we read.
            names = sorted(set().union(*(changed[key] for key in dirty)) | {"updated_at"})
            model.objects.bulk_update([rows[key] for key in dirty], names)
    if version != state.last_version:
        state.last_version = version
        state.save(update_fields=["last_version"])
    return rejected


def _rejections(*, client: SyncClient, mutation_ids: Sequence[int]) -> list[Rejection]:
    rows = SyncRejection.objects.filter(client=client, mutation_id__in=mutation_ids).order_by("mutation_id")
    return [Rejection(row.mutation_id, row.code, row.errors) for row in rows]


@transaction.atomic
def sync_push(
    *, user: AbstractBaseUser, client_id: uuid.UUID, schema: int, mutations: Sequence[Mutation]
) -> PushResult:
    """Apply a client's mutations in order, each exactly once, in one transaction."""
    if schema < MINIMUM_SYNC_SCHEMA:
        raise UpgradeRequired
    # Lock order everywhere: the user's SyncState, then the client.
    state = sync_state_lock(user=user)
    client = _client_lock(user=user, client_id=client_id)
    last = client.last_mutation_id

    fresh = [mutation for mutation in mutations if mutation.id > last]
    for offset, mutation in enumerate(fresh):
        if mutation.id != last + 1 + offset:
            # Checked before anything is applied: a refused push changes nothing.
            raise MutationGap(expected=last + 1)

    rejected = _rejections(client=client, mutation_ids=[m.id for m in mutations if m.id <= last])
    try:
        with transaction.atomic():  # savepoint: the slow path starts again from a clean slate
            new_rejections = _mutations_apply_batched(state=state, mutations=fresh)
    except IntegrityError:
        # Another user inserted one of these ids between our read and our insert:
        # the row-by-row path below refuses exactly that mutation.
        state.refresh_from_db()
        new_rejections = []
        for mutation in fresh:
            rejection = _mutation_apply(state=state, mutation=mutation)
            if rejection is not None:
                new_rejections.append(rejection)
    SyncRejection.objects.bulk_create(
        [SyncRejection(client=client, mutation_id=r.id, code=r.code, errors=r.errors) for r in new_rejections]
    )
    rejected.extend(new_rejections)
    if fresh:
        client.last_mutation_id = fresh[-1].id
        client.save(update_fields=["last_mutation_id", "last_seen_at"])
    return PushResult(last_mutation_id=client.last_mutation_id, rejected=rejected)


@transaction.atomic
def sync_pull(
    *,
    user: AbstractBaseUser,
    client_id: uuid.UUID | None,
    cursor: int,
    limit: int,
    rejected_after: int | None = None,
) -> PullResult:
    """Changes with version > cursor, in version order, at most ``limit``.

    Why this never skips a change, even in READ COMMITTED where each query has
    its own snapshot: writes of one user hold the SyncState lock and commit in
    version order, with the new ``last_version`` in the same commit. So once we
    read ``last_version = bound``, every version <= bound is committed and
    visible to our later queries. We return only versions in (cursor, bound];
    a row changed again after we read the bound has a version > bound and comes
    in the next pull. Reading the two record tables without the bound could
    see a later commit in the second table than in the first and hand out a
    cursor that steps over a change in the first.

    ``last_mutation_id`` is read before the bound for the same reason: every
    mutation it confirms committed before the bound was read, so its effect is
    in this pull (on this page or a later one, before ``more`` turns false).
    """
    client = SyncClient.objects.filter(client_id=client_id).first() if client_id else None
    if client is not None and client.user_id != user.pk:
        raise ForeignClient
    last_mutation_id = client.last_mutation_id if client else 0
    state = SyncState.objects.filter(user=user).first()
    bound = state.last_version if state else 0
    purged = state.purged_through_version if state else 0

    rejected: list[Rejection] = []
    if client is not None and rejected_after is not None:
        rows = SyncRejection.objects.filter(
            client=client, mutation_id__gt=rejected_after, mutation_id__lte=last_mutation_id
        ).order_by("mutation_id")
        rejected = [Rejection(row.mutation_id, row.code, row.errors) for row in rows]

    if cursor > bound or 0 < cursor < purged:
        # The server lost history the client relies on (purged tombstones, restored
        # backup): the client pushes its outbox and re-syncs from 0.
        return PullResult([], 0, True, last_mutation_id, reset=True, rejected=rejected)

    candidates: list[SyncedRecord] = []
    for model in RECORD_MODELS.values():
        rows = model.objects.filter(user=user, version__gt=cursor, version__lte=bound).order_by("version")
        candidates.extend(rows[: limit + 1])
    candidates.sort(key=lambda record: record.version)
    more = len(candidates) > limit
    page = candidates[:limit]
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
