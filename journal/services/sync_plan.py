"""The rules of a sync push, as a pure function: what each mutation does, decided before anything is written.

``push_plan`` reads no database and writes nothing. It takes the client's
``last_mutation_id``, the push's mutations (already validated by the API layer)
and the current state of every row they name, and decides per mutation:

- ``replayed``: its id is at or below ``last_mutation_id``; it was applied (or
  rejected) by an earlier push whose response was lost, so it does nothing now;
- ``insert`` / ``update`` / ``tombstone``: a change, numbered by ``step``
  (1, 2, ... in mutation order) so the caller can hand out versions in order;
- ``unchanged``: applied, but nothing changes (an edit to the values the row
  already holds, a delete of a tombstone or of an id never stored);
- ``rejected``: refused with a code, ``invalid`` (field errors), ``gone`` (an
  upsert of a deleted id: a delete is final) or ``forbidden`` (the id belongs
  to another user; the answer is the same whatever that row holds).

Rows change in memory as the plan goes, so a mutation sees the effect of the
earlier ones of the same push (insert then edit, edit then delete, ...).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

INSERT = "insert"
UPDATE = "update"
TOMBSTONE = "tombstone"
UNCHANGED = "unchanged"
REPLAYED = "replayed"
REJECTED = "rejected"

REJECTED_INVALID = "invalid"
REJECTED_GONE = "gone"
REJECTED_FORBIDDEN = "forbidden"
# Field errors of the refusals that are not validation failures (never mutated, only read).
INVALID_ID = {"id": ["A valid UUID is required."]}
FORBIDDEN_ID = {"id": ["This id cannot be used."]}
GONE_ID = {"id": ["This record was deleted; the change was not applied."]}

RowKey = tuple[str, uuid.UUID]


class MutationGap(Exception):
    """The next mutation id is not last_mutation_id + 1: something was lost on the way."""

    def __init__(self, expected: int) -> None:
        super().__init__(f"expected mutation id {expected}")
        self.expected = expected


@dataclass(frozen=True)
class Mutation:
    """One outbox entry, its record already read by the API layer in both ways it can apply.

    An upsert of an existing row applies ``edit`` (the validated fields the
    device sent); an upsert of a new id applies ``create`` (the sent fields plus
    the defaults of those not sent). Whichever applies and is None is refused
    with its errors, a plain ``{"field": ["message"]}``. ``record_id`` is None
    when the record carried no valid id. ``base_version`` marks an edit of a row
    the device pulled: if no row has that id any more (a tombstone purged), the
    record is gone, never inserted again from the edit's fields.
    """

    id: int
    type: str
    op: str  # "upsert" | "delete"
    record_id: uuid.UUID | None
    edit: dict[str, Any] | None = None
    edit_errors: dict[str, list[str]] = field(default_factory=dict)
    create: dict[str, Any] | None = None
    create_errors: dict[str, list[str]] = field(default_factory=dict)
    base_version: int | None = None


@dataclass(frozen=True)
class Rejection:
    id: int
    code: str
    errors: dict[str, Any]


@dataclass(frozen=True)
class CurrentRow:
    """What the plan needs of a stored row: its owner, its tombstone flag and its domain values."""

    user_id: int
    deleted: bool
    values: Mapping[str, Any]


@dataclass(frozen=True)
class Decision:
    mutation_id: int
    action: str
    key: RowKey | None = None
    step: int = 0  # order of the change within the push; 0 when nothing changes
    rejection: Rejection | None = None


@dataclass
class RowWrite:
    """The final state of one row the push changes: what the write step stores."""

    key: RowKey
    inserted: bool  # not stored before this push
    values: dict[str, Any]  # inserted: every domain value; updated: the fields that changed
    deleted: bool
    step: int  # the step of the row's last change: its version is the latest of the push


@dataclass(frozen=True)
class PushPlan:
    decisions: list[Decision]
    writes: list[RowWrite]  # in order of first change
    changes: int  # steps used: how far the user's version counter moves
    last_mutation_id: int
    replayed_ids: list[int]

    @property
    def rejections(self) -> list[Rejection]:
        return [d.rejection for d in self.decisions if d.rejection is not None]


@dataclass
class _Row:
    user_id: int
    deleted: bool
    values: dict[str, Any]


def push_plan(
    *,
    user_id: int,
    last_mutation_id: int,
    mutations: Sequence[Mutation],
    rows: Mapping[RowKey, CurrentRow],
) -> PushPlan:
    """Decide what every mutation of a push does, in order; raises MutationGap before deciding anything.

    ``rows`` holds every stored row (of any user) the mutations name, keyed by
    (record type, id); an id absent from it is not stored anywhere.
    """
    fresh = [mutation for mutation in mutations if mutation.id > last_mutation_id]
    for offset, mutation in enumerate(fresh):
        if mutation.id != last_mutation_id + 1 + offset:
            raise MutationGap(expected=last_mutation_id + 1)

    state = {key: _Row(row.user_id, row.deleted, dict(row.values)) for key, row in rows.items()}
    writes: dict[RowKey, RowWrite] = {}
    decisions: list[Decision] = []
    replayed_ids: list[int] = []
    step = 0

    def reject(mutation: Mutation, code: str, errors: Mapping[str, Any]) -> None:
        decisions.append(
            Decision(mutation.id, REJECTED, rejection=Rejection(mutation.id, code, dict(errors)))
        )

    def change(mutation: Mutation, action: str, key: RowKey, row: _Row, values: dict[str, Any]) -> None:
        nonlocal step
        step += 1
        write = writes.get(key)
        if write is None:
            # An inserted row stores every value it holds: its write shares the row's dict.
            inserted = action == INSERT
            write = writes[key] = RowWrite(
                key, inserted=inserted, values=row.values if inserted else {}, deleted=False, step=0
            )
        if values is not write.values:
            write.values.update(values)
        write.deleted = row.deleted
        write.step = step
        decisions.append(Decision(mutation.id, action, key, step))

    for mutation in mutations:
        if mutation.id <= last_mutation_id:
            replayed_ids.append(mutation.id)
            decisions.append(Decision(mutation.id, REPLAYED))
            continue
        if mutation.record_id is None:
            reject(mutation, REJECTED_INVALID, INVALID_ID)
            continue
        key = (mutation.type, mutation.record_id)
        row = state.get(key)
        if row is not None and row.user_id != user_id:
            # Checked first and answered alike for every op and every state of that row.
            reject(mutation, REJECTED_FORBIDDEN, FORBIDDEN_ID)
            continue

        if mutation.op == "delete":
            if row is None or row.deleted:
                # Deleting an id never stored (its create was rejected) or a tombstone changes nothing.
                decisions.append(Decision(mutation.id, UNCHANGED, key))
                continue
            row.deleted = True
            change(mutation, TOMBSTONE, key, row, {})
            continue

        if row is not None and row.deleted:
            reject(mutation, REJECTED_GONE, GONE_ID)
            continue
        if row is None:
            if mutation.base_version is not None:
                reject(mutation, REJECTED_GONE, GONE_ID)
                continue
            if mutation.create is None:
                reject(mutation, REJECTED_INVALID, mutation.create_errors)
                continue
            row = state[key] = _Row(user_id, False, dict(mutation.create))
            change(mutation, INSERT, key, row, row.values)
            continue
        if mutation.edit is None:
            reject(mutation, REJECTED_INVALID, mutation.edit_errors)
            continue
        diff = {
            name: value
            for name, value in mutation.edit.items()
            if name in row.values and row.values[name] != value
        }
        if not diff:
            # Values the row already holds cost no version: nobody pulls a phantom change.
            decisions.append(Decision(mutation.id, UNCHANGED, key))
            continue
        row.values.update(diff)
        change(mutation, UPDATE, key, row, diff)

    return PushPlan(
        decisions=decisions,
        writes=list(writes.values()),
        changes=step,
        last_mutation_id=fresh[-1].id if fresh else last_mutation_id,
        replayed_ids=replayed_ids,
    )
