"""Three simulated phones, random journal work and a lossy network, checked against a reference model.

Hypothesis drives creates, edits, deletes (some invalid, some of records
another phone already deleted), and syncs in which the request is dropped,
the response is dropped, or the server crashes halfway through a push. After
everyone syncs on a good network, every phone must show exactly what the
server holds, and the server exactly what the reference model (a few lines
of dict updates following sync-protocol.md) says: nothing lost, nothing doubled.

The server keeps no state outside the database, so a crash mid-push (the
transaction rolls back) is what a server restart does to a request in flight.
"""

from __future__ import annotations

import copy
import os
import uuid
from typing import Any
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from rest_framework.test import APIClient

from body import vocabulary as vocab
from journal.models import MassageSession, PainEntry

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

# Bounded for CI (several thousand steps, well under a minute).
# Raise for a longer hunt: JOURNAL_SYNC_EXAMPLES=2000.
EXAMPLES = int(os.environ.get("JOURNAL_SYNC_EXAMPLES", "200"))
STEPS = int(os.environ.get("JOURNAL_SYNC_STEPS", "25"))

OCCURRED = ["2026-03-09T23:30:00Z", "2026-03-10T08:15:00Z", "2026-03-10T12:00:00Z"]
ZONES_TZ = ["Europe/Berlin", "America/New_York", "Asia/Tokyo"]
NOTES = ["", "sore", "better after a walk", "🙂 ok"]

VALID_VALUES: dict[str, dict[str, list[Any]]] = {
    "pain_entry": {
        "occurred_at": OCCURRED,
        "time_zone": ZONES_TZ,
        "zone": [code for code, _ in vocab.ZONE_CHOICES],
        "side": list(vocab.SIDES),
        "posture": list(vocab.POSTURES),
        "intensity": list(range(vocab.INTENSITY_MIN, vocab.INTENSITY_MAX + 1)),
        "note": NOTES,
    },
    "massage_session": {
        "occurred_at": OCCURRED,
        "time_zone": ZONES_TZ,
        "portion": list(vocab.PORTIONS),
        "side": list(vocab.SIDES),
        "tool": list(vocab.MASSAGE_TOOLS),
        "minutes": [vocab.MASSAGE_MINUTES_MIN, 5, vocab.MASSAGE_MINUTES_MAX],
        "pain_before": [vocab.INTENSITY_MIN, 4, vocab.INTENSITY_MAX],
        "pain_after": [None, vocab.INTENSITY_MIN, 3, vocab.INTENSITY_MAX],
        "note": NOTES,
    },
}
# What a buggy client might send; the reference knows each is invalid.
INVALID_VALUES: dict[str, list[Any]] = {
    "intensity": [11, -1, "7"],
    "zone": ["elbow"],
    "minutes": [0, 61],
    "pain_before": [12],
    "time_zone": ["Mars/Olympus"],
    "note": ["x" * (vocab.NOTE_MAX_LENGTH + 1)],
}
MAX_RECORDS = 6
HOT_FIELDS = {"pain_entry": {"intensity"}, "massage_session": {"pain_after"}}
FAULTS = ["none", "none", "drop_request", "drop_response", "crash_mid_push"]


def _is_valid(record_type: str, fields: dict[str, Any], *, partial: bool) -> bool:
    allowed = VALID_VALUES[record_type]
    if not partial and set(allowed) - set(fields) - {"note", "pain_after"}:
        return False
    return all(name not in allowed or value in allowed[name] for name, value in fields.items())


def _overlay(rows: dict[str, dict[str, Any]], mutation: dict[str, Any]) -> None:
    """Apply one mutation to a view of records (the reference and each phone's screen use this)."""
    record = dict(mutation["record"])
    record_id = record.pop("id")
    if mutation["op"] == "delete":
        rows.pop(record_id, None)
    elif record_id in rows:
        rows[record_id].update(record)
    elif _is_valid(mutation["type"], record, partial=False):
        rows[record_id] = {
            "type": mutation["type"],
            "note": "",
            **({"pain_after": None} if mutation["type"] == "massage_session" else {}),
            **record,
        }


class Reference:
    """The protocol in a few lines: arrival order, field-level last write wins, final deletes."""

    def __init__(self) -> None:
        self.records: dict[str, dict[str, Any]] = {}
        self.deleted: set[str] = set()
        self.last_applied: dict[str, int] = {}
        self.rejected: dict[str, dict[int, str]] = {}

    def receive(self, client_id: str, mutations: list[dict[str, Any]]) -> None:
        for mutation in mutations:
            if mutation["id"] <= self.last_applied.get(client_id, 0):
                continue
            self.last_applied[client_id] = mutation["id"]
            code = self._apply(mutation)
            if code:
                self.rejected.setdefault(client_id, {})[mutation["id"]] = code

    def _apply(self, mutation: dict[str, Any]) -> str | None:
        record_id = mutation["record"]["id"]
        if mutation["op"] == "delete":
            if record_id in self.records:
                self.deleted.add(record_id)
                del self.records[record_id]
            return None
        if record_id in self.deleted:
            return "gone"
        fields = {k: v for k, v in mutation["record"].items() if k != "id"}
        if not _is_valid(mutation["type"], fields, partial=record_id in self.records):
            return "invalid"
        _overlay(self.records, mutation)
        return None


class Phone:
    """A device as in sync-protocol.md: records pulled from the server, an outbox on top."""

    def __init__(self, user: Any) -> None:
        self.client = APIClient()
        self.client.force_authenticate(user)
        self.client_id = str(uuid.uuid4())
        self.next_mutation_id = 1
        self.cursor = 0
        self.server_rows: dict[str, dict[str, Any]] = {}
        self.outbox: list[dict[str, Any]] = []
        self.confirmed_through = 0
        self.rejected: dict[int, str] = {}

    def view(self) -> dict[str, dict[str, Any]]:
        rows = copy.deepcopy(self.server_rows)
        for mutation in self.outbox:
            _overlay(rows, mutation)
        return rows

    def write(self, op: str, record_type: str, record: dict[str, Any]) -> None:
        self.outbox.append({"id": self.next_mutation_id, "type": record_type, "op": op, "record": record})
        self.next_mutation_id += 1

    def confirm(self, last_mutation_id: int, rejected: list[dict[str, Any]]) -> None:
        self.outbox = [m for m in self.outbox if m["id"] > last_mutation_id]
        self.confirmed_through = max(self.confirmed_through, last_mutation_id)
        self.rejected.update({r["id"]: r["code"] for r in rejected})

    def apply_page(self, body: dict[str, Any]) -> None:
        """One page, cursor with it (one IndexedDB transaction on a real phone)."""
        if body["reset"]:
            self.server_rows, self.cursor = {}, 0
            return
        fields_by_type = {t: set(VALID_VALUES[t]) for t in VALID_VALUES}
        for change in body["changes"]:
            if change["deleted"]:
                self.server_rows.pop(change["id"], None)
            else:
                wanted = fields_by_type[change["type"]]
                self.server_rows[change["id"]] = {"type": change["type"]} | {
                    k: v for k, v in change.items() if k in wanted
                }
        self.cursor = body["cursor"]


class ThreePhones(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.user = get_user_model().objects.create_user(
            username=f"sim-{uuid.uuid4().hex[:12]}", password=None
        )
        self.phones = [Phone(self.user) for _ in range(3)]
        self.reference = Reference()
        self.steps = 0
        self.syncs = 0
        # Record ids are random UUIDs; choosing among them by creation order keeps examples replayable.
        self.created: dict[str, int] = {}

    # --- what users do ---------------------------------------------------------------
    # Few records and a few "hot" fields make phones collide often: that is where bugs hide.
    @precondition(lambda self: len(self.created) < MAX_RECORDS)
    @rule(
        phone=st.integers(0, 2),
        record_type=st.sampled_from(list(VALID_VALUES)),
        data=st.data(),
        invalid=st.sampled_from([False] * 9 + [True]),
    )
    def create(self, phone: int, record_type: str, data: st.DataObject, invalid: bool) -> None:
        record = {
            name: data.draw(st.sampled_from(values)) for name, values in VALID_VALUES[record_type].items()
        }
        if invalid:
            name = data.draw(st.sampled_from([n for n in INVALID_VALUES if n in record]))
            record[name] = data.draw(st.sampled_from(INVALID_VALUES[name]))
        record_id = str(uuid.uuid4())
        self.created[record_id] = len(self.created)
        self.phones[phone].write("upsert", record_type, {"id": record_id, **record})

    @rule(phone=st.integers(0, 2), data=st.data(), invalid=st.sampled_from([False] * 9 + [True]))
    def edit(self, phone: int, data: st.DataObject, invalid: bool) -> None:
        view = self.phones[phone].view()
        if not view:
            return
        record_id = data.draw(st.sampled_from(sorted(view, key=self.created.__getitem__)))
        record_type = view[record_id]["type"]
        names = data.draw(
            st.just(HOT_FIELDS[record_type])
            | st.sets(st.sampled_from(sorted(VALID_VALUES[record_type])), min_size=1, max_size=3)
        )
        changes = {name: data.draw(st.sampled_from(VALID_VALUES[record_type][name])) for name in names}
        if invalid:
            name = data.draw(st.sampled_from([n for n in INVALID_VALUES if n in VALID_VALUES[record_type]]))
            changes[name] = data.draw(st.sampled_from(INVALID_VALUES[name]))
        self.phones[phone].write("upsert", record_type, {"id": record_id, **changes})

    @rule(phone=st.integers(0, 2), data=st.data())
    def delete(self, phone: int, data: st.DataObject) -> None:
        view = self.phones[phone].view()
        if not view:
            return
        record_id = data.draw(st.sampled_from(sorted(view, key=self.created.__getitem__)))
        self.phones[phone].write("delete", view[record_id]["type"], {"id": record_id})

    # --- the network -------------------------------------------------------------------
    @rule(phone=st.integers(0, 2), push_fault=st.sampled_from(FAULTS), pull_fault=st.sampled_from(FAULTS[:4]))
    def sync(self, phone: int, push_fault: str, pull_fault: str) -> None:
        self._sync(self.phones[phone], push_fault=push_fault, pull_fault=pull_fault)

    def _sync(self, phone: Phone, *, push_fault: str = "none", pull_fault: str = "none") -> None:
        self.syncs += 1
        if phone.outbox and not self._push(phone, push_fault):
            return  # the loop stops on a network error and retries later
        self._pull(phone, pull_fault)

    def _push(self, phone: Phone, fault: str) -> bool:
        if fault == "drop_request":
            return False
        batch = phone.outbox[:500]
        body = {"client_id": phone.client_id, "schema": 1, "mutations": batch}
        if fault == "crash_mid_push":
            # The server dies after applying every mutation, before the commit: the
            # invariant below then checks that none of it was kept.
            with (
                mock.patch("journal.services.sync.PushResult", side_effect=RuntimeError("crash")),
                pytest.raises(RuntimeError),
            ):
                phone.client.post("/api/sync/push", body, format="json")
            return False
        response = phone.client.post("/api/sync/push", body, format="json")
        assert response.status_code == 200, response.content
        self.reference.receive(phone.client_id, batch)
        if fault == "drop_response":
            return False
        result = response.json()
        sent_ids = {m["id"] for m in batch}
        expected = {
            i: c for i, c in self.reference.rejected.get(phone.client_id, {}).items() if i in sent_ids
        }
        assert {r["id"]: r["code"] for r in result["rejected"]} == expected
        phone.confirm(result["last_mutation_id"], result["rejected"])
        return True

    def _pull(self, phone: Phone, fault: str) -> None:
        while True:
            response = phone.client.get(
                "/api/sync/pull",
                {"cursor": phone.cursor, "limit": 4, "rejected_after": phone.confirmed_through},
                HTTP_X_CLIENT_ID=phone.client_id,
            )
            assert response.status_code == 200, response.content
            if fault in ("drop_request", "drop_response"):
                return
            body = response.json()
            phone.apply_page(body)
            if not body["more"]:
                # Only a complete pull holds every confirmed mutation's effect.
                phone.confirm(body["last_mutation_id"], body["rejected"])
                return

    # --- what must always hold -----------------------------------------------------------
    @invariant()
    def server_matches_reference(self) -> None:
        self.steps += 1
        assert self._server_rows() == self.reference.records
        tombstones = {
            str(i)
            for model in (PainEntry, MassageSession)
            for i in model.objects.filter(user=self.user, deleted=True).values_list("id", flat=True)
        }
        assert tombstones == self.reference.deleted

    def _server_rows(self) -> dict[str, dict[str, Any]]:
        rows: dict[str, dict[str, Any]] = {}
        for model in (PainEntry, MassageSession):
            for row in model.objects.filter(user=self.user, deleted=False):
                fields = {name: getattr(row, name) for name in model.domain_fields}
                fields["occurred_at"] = fields["occurred_at"].strftime("%Y-%m-%dT%H:%M:%SZ")
                rows[str(row.id)] = {"type": model.sync_type, **fields}
        return rows

    def teardown(self) -> None:
        # Everyone syncs on a good network: push all, then everyone pulls what the others pushed.
        for phone in self.phones:
            self._sync(phone)
        for phone in self.phones:
            self._sync(phone)
        server = self._server_rows()
        assert server == self.reference.records
        for phone in self.phones:
            assert phone.outbox == []
            assert phone.view() == server
            # Every refusal reached the phone that made it, even after lost responses.
            assert phone.rejected == self.reference.rejected.get(phone.client_id, {})
        counts = sum(m.objects.filter(user=self.user).count() for m in (PainEntry, MassageSession))
        assert counts == len(self.reference.records) + len(self.reference.deleted)
        ThreePhones.total_steps += self.steps
        ThreePhones.total_syncs += self.syncs

    total_steps = 0
    total_syncs = 0


# The examples run as independent shards of random runs, so parallel workers share them out
# instead of one worker running all of them while the others idle.
SHARDS = 4


@pytest.mark.parametrize("shard", range(SHARDS))
def test_three_phones_on_a_lossy_network_converge_with_the_server_and_the_model(shard):
    ThreePhones.total_steps = ThreePhones.total_syncs = 0
    examples = -(-EXAMPLES // SHARDS)
    run_state_machine_as_test(
        ThreePhones,
        settings=settings(
            max_examples=examples,
            stateful_step_count=STEPS,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
    steps, syncs = ThreePhones.total_steps, ThreePhones.total_syncs
    print(f"model-based sync, shard {shard}: {examples} examples, {steps} steps, {syncs} syncs")
