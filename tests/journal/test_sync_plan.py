"""The push rules as a pure function: journal.services.sync_plan.push_plan, no database.

Mutations are built as the API layer hands them over (journal.sync_serializers.mutations_read),
so each test states a protocol rule and reads the decision the server would write.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from journal.services.sync_plan import (
    FORBIDDEN_ID,
    GONE_ID,
    INSERT,
    REJECTED,
    REPLAYED,
    TOMBSTONE,
    UNCHANGED,
    UPDATE,
    CurrentRow,
    Mutation,
    MutationGap,
    push_plan,
)
from journal.sync_serializers import mutations_read
from tests.journal.helpers import pain_payload

ME, SOMEONE_ELSE = 1, 2
STORED_VALUES = {
    "occurred_at": datetime(2026, 3, 10, 8, 15, tzinfo=UTC),
    "time_zone": "Europe/Berlin",
    "zone": "outer_thigh",
    "side": "left",
    "posture": "sitting",
    "intensity": 6,
    "note": "",
}


def _mutations(*specs: tuple[str, dict[str, Any]], first_id: int = 1) -> list[Mutation]:
    """(op, record) pairs as validated pain entry mutations with ids from ``first_id``."""
    return mutations_read(
        [
            {"id": first_id + index, "type": "pain_entry", "op": op, "record": record}
            for index, (op, record) in enumerate(specs)
        ]
    )


def _stored(record_id: str, *, user_id: int = ME, deleted: bool = False, **values: Any):
    key = ("pain_entry", uuid.UUID(record_id))
    return {key: CurrentRow(user_id, deleted, {**STORED_VALUES, **values})}


def _plan(mutations: list[Mutation], *, last_mutation_id: int = 0, rows=None):
    return push_plan(user_id=ME, last_mutation_id=last_mutation_id, mutations=mutations, rows=rows or {})


def _actions(plan) -> list[str]:
    return [decision.action for decision in plan.decisions]


def test_the_same_id_twice_in_one_push_is_one_row_created_then_edited():
    entry = pain_payload(intensity=4)
    plan = _plan(_mutations(("upsert", entry), ("upsert", {**entry, "intensity": 7, "note": "worse"})))
    assert _actions(plan) == [INSERT, UPDATE]
    [write] = plan.writes
    assert write.inserted
    assert (write.values["intensity"], write.values["note"], write.step) == (7, "worse", 2)
    assert plan.changes == 2


def test_sending_the_same_create_twice_in_one_push_changes_nothing_the_second_time():
    entry = pain_payload()
    plan = _plan(_mutations(("upsert", entry), ("upsert", entry)))
    assert _actions(plan) == [INSERT, UNCHANGED]
    assert plan.changes == 1


def test_an_upsert_after_a_stored_delete_is_gone_and_writes_nothing():
    entry = pain_payload()
    plan = _plan(
        _mutations(("upsert", {"id": entry["id"], "intensity": 1}), ("upsert", entry)),
        rows=_stored(entry["id"], deleted=True),
    )
    assert _actions(plan) == [REJECTED, REJECTED]
    assert [(r.id, r.code, r.errors) for r in plan.rejections] == [(1, "gone", GONE_ID), (2, "gone", GONE_ID)]
    assert plan.writes == []
    assert plan.last_mutation_id == 2


def test_an_upsert_after_a_delete_in_the_same_push_is_gone():
    entry = pain_payload()
    plan = _plan(
        _mutations(("delete", {"id": entry["id"]}), ("upsert", {"id": entry["id"], "intensity": 2})),
        rows=_stored(entry["id"]),
    )
    assert _actions(plan) == [TOMBSTONE, REJECTED]
    assert plan.rejections[0].code == "gone"
    [write] = plan.writes
    assert (write.inserted, write.deleted, write.values) == (False, True, {})


def test_an_id_of_another_user_is_forbidden_and_the_answer_reveals_nothing_of_that_row():
    live, tombstone = pain_payload(), pain_payload()
    rows = {
        **_stored(live["id"], user_id=SOMEONE_ELSE, note="private"),
        **_stored(tombstone["id"], user_id=SOMEONE_ELSE, deleted=True),
    }
    mutations = _mutations(
        ("upsert", live),
        ("upsert", {"id": live["id"], "intensity": "not a number"}),
        ("delete", {"id": live["id"]}),
        ("upsert", tombstone),
        ("delete", {"id": tombstone["id"]}),
    )
    plan = _plan(mutations, rows=rows)
    # Live or deleted, a valid or an invalid record, upsert or delete: one and the same answer.
    assert {(r.code, str(r.errors)) for r in plan.rejections} == {("forbidden", str(FORBIDDEN_ID))}
    assert len(plan.rejections) == 5
    assert plan.writes == []
    assert plan.last_mutation_id == 5


def test_a_replayed_push_is_a_no_op_with_the_same_last_mutation_id():
    entry = pain_payload()
    mutations = _mutations(("upsert", entry), ("upsert", pain_payload(intensity=42)))
    first = _plan(mutations)
    replay = _plan(mutations, last_mutation_id=first.last_mutation_id, rows=_stored(entry["id"]))
    assert _actions(replay) == [REPLAYED, REPLAYED]
    assert replay.replayed_ids == [1, 2]
    assert replay.writes == [] and replay.rejections == []
    assert replay.last_mutation_id == first.last_mutation_id == 2


def test_mutations_older_than_last_mutation_id_are_skipped_and_the_new_ones_apply():
    old, new = pain_payload(), pain_payload()
    plan = _plan(_mutations(("upsert", old), ("upsert", new), first_id=7), last_mutation_id=7)
    assert _actions(plan) == [REPLAYED, INSERT]
    assert [write.key[1] for write in plan.writes] == [uuid.UUID(new["id"])]
    assert plan.last_mutation_id == 8


def test_a_gap_or_an_id_out_of_order_is_refused_before_anything_is_decided():
    with pytest.raises(MutationGap) as gap:
        _plan(_mutations(("upsert", pain_payload()), first_id=5), last_mutation_id=3)
    assert gap.value.expected == 4
    second, first = _mutations(("upsert", pain_payload()), ("upsert", pain_payload()))
    with pytest.raises(MutationGap):
        _plan([first, second])


def test_insert_then_update_in_one_batch_is_stored_once_with_the_final_values_and_version():
    entry = pain_payload(intensity=3, note="")
    plan = _plan(
        _mutations(
            ("upsert", entry),
            ("upsert", {"id": entry["id"], "intensity": 8}),
            ("upsert", {"id": entry["id"], "note": "after the stairs"}),
        )
    )
    assert [(d.action, d.step) for d in plan.decisions] == [(INSERT, 1), (UPDATE, 2), (UPDATE, 3)]
    [write] = plan.writes
    assert write.inserted and not write.deleted
    assert (write.values["intensity"], write.values["note"], write.step) == (8, "after the stairs", 3)


def test_an_invalid_record_between_valid_ones_is_rejected_and_the_queue_moves_on():
    before, after = pain_payload(), pain_payload()
    plan = _plan(
        _mutations(
            ("upsert", before), ("upsert", pain_payload(intensity=11, zone="elbow")), ("upsert", after)
        )
    )
    assert _actions(plan) == [INSERT, REJECTED, INSERT]
    [rejection] = plan.rejections
    assert (rejection.id, rejection.code, set(rejection.errors)) == (2, "invalid", {"intensity", "zone"})
    assert all(isinstance(m, str) for messages in rejection.errors.values() for m in messages)
    assert [w.key[1] for w in plan.writes] == [uuid.UUID(before["id"]), uuid.UUID(after["id"])]
    assert [w.step for w in plan.writes] == [1, 2]  # the refused one costs no version
    assert plan.last_mutation_id == 3


def test_an_edit_of_a_stored_row_needs_only_the_changed_fields_but_a_create_needs_all():
    stored, new = pain_payload(), pain_payload()
    plan = _plan(
        _mutations(
            ("upsert", {"id": stored["id"], "intensity": 2}), ("upsert", {"id": new["id"], "intensity": 2})
        ),
        rows=_stored(stored["id"]),
    )
    assert _actions(plan) == [UPDATE, REJECTED]
    assert plan.writes[0].values == {"intensity": 2}
    assert set(plan.rejections[0].errors) == {"occurred_at", "time_zone", "zone", "side", "posture"}


def test_a_create_gets_the_defaults_of_fields_not_sent_and_an_edit_leaves_them_alone():
    created, stored = pain_payload(), pain_payload(intensity=9)
    del created["note"], stored["note"]
    plan = _plan(_mutations(("upsert", created), ("upsert", stored)), rows=_stored(stored["id"], note="kept"))
    assert _actions(plan) == [INSERT, UPDATE]
    assert plan.writes[0].values["note"] == ""
    assert plan.writes[1].values == {"intensity": 9}


def test_an_edit_to_the_values_a_row_holds_and_a_delete_of_an_unknown_id_cost_no_version():
    stored = pain_payload()
    plan = _plan(
        _mutations(("upsert", {"id": stored["id"], "intensity": 6}), ("delete", {"id": str(uuid.uuid4())})),
        rows=_stored(stored["id"], intensity=6),
    )
    assert _actions(plan) == [UNCHANGED, UNCHANGED]
    assert plan.changes == 0 and plan.writes == []
    assert plan.last_mutation_id == 2


def test_a_record_without_a_valid_id_is_invalid():
    plan = _plan(_mutations(("upsert", pain_payload(id="not-a-uuid")), ("delete", {"id": 12})))
    assert [(r.code, r.errors) for r in plan.rejections] == [
        ("invalid", {"id": ["A valid UUID is required."]}),
        ("invalid", {"id": ["A valid UUID is required."]}),
    ]
