"""Create, edit and delete journal records, each change numbered by the user's version counter.

Every write here runs under the lock of the user's SyncState row (see
``sync_state_lock``), whether it comes from the REST API or a sync push, so a
REST edit reaches the user's other devices exactly like a synced one.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, connection, transaction

from journal.models import RECORD_MODELS, SyncedRecord, SyncState


class RecordIdTaken(Exception):
    """The id is already used by a row (of this user or another: we never say which)."""


def sync_state_lock(*, user: AbstractBaseUser) -> SyncState:
    """Lock the user's version counter for the rest of the transaction.

    ON CONFLICT DO NOTHING makes the first write of a new user race-free: two
    concurrent first writes both end up waiting on the same row.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("sync_state_lock must run inside a transaction")
    # Every write but a user's first finds the row: one round trip instead of two.
    state = SyncState.objects.select_for_update().filter(user=user).first()
    if state is not None:
        return state
    SyncState.objects.bulk_create([SyncState(user=user)], ignore_conflicts=True)
    return SyncState.objects.select_for_update().get(user=user)


def _next_version(state: SyncState) -> int:
    state.last_version += 1
    state.save(update_fields=["last_version"])
    return state.last_version


def record_insert(
    *,
    state: SyncState,
    record_type: str,
    record_id: uuid.UUID,
    data: dict[str, Any],
    savepoint: bool = True,
) -> SyncedRecord:
    """Insert a validated record under an already held lock.

    ``savepoint=False`` when a refused insert ends the caller's transaction anyway
    (one write per transaction, as ``record_create``): two round trips less.
    """
    model = RECORD_MODELS[record_type]
    fields = {name: data[name] for name in model.domain_fields if name in data}
    record = model(id=record_id, user_id=state.user_id, version=state.last_version + 1, **fields)
    try:
        # The primary key refuses a taken id (no SELECT first: one round trip less per write).
        # Savepoint: a refused insert must not poison the rest of the caller's transaction.
        with transaction.atomic(savepoint=savepoint):
            record.save(force_insert=True)
    except IntegrityError as exc:
        raise RecordIdTaken from exc
    _next_version(state)  # the counter moves only once the row is in
    return record


def record_change(*, state: SyncState, record: SyncedRecord, changes: dict[str, Any]) -> SyncedRecord:
    """Apply validated field changes under an already held lock; unchanged values cost no version."""
    changed = [
        name for name in record.domain_fields if name in changes and getattr(record, name) != changes[name]
    ]
    if not changed:
        return record
    for name in changed:
        setattr(record, name, changes[name])
    record.version = _next_version(state)
    record.save(update_fields=[*changed, "version", "updated_at"])
    return record


def record_tombstone(*, state: SyncState, record: SyncedRecord) -> SyncedRecord:
    """Mark deleted under an already held lock. Final: nothing brings a tombstone back."""
    if record.deleted:
        return record
    record.deleted = True
    record.version = _next_version(state)
    record.save(update_fields=["deleted", "version", "updated_at"])
    return record


def _version_take(*, user: AbstractBaseUser) -> int | None:
    """Lock the user's counter and move it on by one, in one round trip; None if the user has no
    counter yet (or the database cannot return rows from an UPDATE)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {SyncState._meta.db_table} SET last_version = last_version + 1 "  # noqa: S608 - model's table
            "WHERE user_id = %s RETURNING last_version",
            [user.pk],
        )
        row = cursor.fetchone()
    return row[0] if row else None


@transaction.atomic
def record_create(
    *, user: AbstractBaseUser, record_type: str, data: dict[str, Any], record_id: uuid.UUID | None = None
) -> SyncedRecord:
    record_id = record_id or uuid.uuid4()
    # The UPDATE takes the same row lock as sync_state_lock and moves the counter at once: the lock,
    # the read and the write of the counter in one round trip instead of two. A refused insert
    # raises RecordIdTaken out of this transaction, which rolls back whole (counter included).
    version = _version_take(user=user)
    if version is None:
        state = sync_state_lock(user=user)
        return record_insert(
            state=state, record_type=record_type, record_id=record_id, data=data, savepoint=False
        )
    model = RECORD_MODELS[record_type]
    fields = {name: data[name] for name in model.domain_fields if name in data}
    record = model(id=record_id, user_id=user.pk, version=version, **fields)
    try:
        with transaction.atomic(savepoint=False):
            record.save(force_insert=True)
    except IntegrityError as exc:
        raise RecordIdTaken from exc
    return record


@transaction.atomic
def record_update(*, user: AbstractBaseUser, record: SyncedRecord, changes: dict[str, Any]) -> SyncedRecord:
    state = sync_state_lock(user=user)
    # Re-read under the lock: the caller's copy may predate a concurrent change.
    current = type(record).objects.get(pk=record.pk, user=user)
    if current.deleted:
        raise type(record).DoesNotExist
    return record_change(state=state, record=current, changes=changes)


@transaction.atomic
def record_delete(*, user: AbstractBaseUser, record: SyncedRecord) -> SyncedRecord:
    state = sync_state_lock(user=user)
    current = type(record).objects.get(pk=record.pk, user=user)
    return record_tombstone(state=state, record=current)
