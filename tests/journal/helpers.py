"""Journal test data and a small sync client, shared by the journal tests."""

from __future__ import annotations

import uuid
from typing import Any

from rest_framework.test import APIClient

# A record of each type as a phone would send it; the factories give each copy a new id.
PAIN_ENTRY: dict[str, Any] = {
    "occurred_at": "2026-03-10T08:15:00Z",
    "time_zone": "Europe/Berlin",
    "zone": "outer_thigh",
    "side": "left",
    "posture": "sitting",
    "intensity": 6,
    "note": "after the long drive",
}
MASSAGE_SESSION: dict[str, Any] = {
    "occurred_at": "2026-03-10T19:00:00Z",
    "time_zone": "Europe/Berlin",
    "portion": "anterior",
    "side": "left",
    "tool": "ball",
    "minutes": 5,
    "pain_before": 6,
    "pain_after": None,
    "note": "",
}


def _with_new_id(record: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), **record, **overrides}


def pain_payload(**overrides: Any) -> dict[str, Any]:
    return _with_new_id(PAIN_ENTRY, overrides)


def massage_payload(**overrides: Any) -> dict[str, Any]:
    return _with_new_id(MASSAGE_SESSION, overrides)


class Device:
    """A phone as the server sees it: a client_id, a mutation counter and a pull cursor."""

    def __init__(self, client: APIClient, client_id: uuid.UUID | None = None) -> None:
        self.client = client
        self.client_id = client_id or uuid.uuid4()
        self.next_mutation_id = 1
        self.cursor = 0
        self.records: dict[str, dict[str, Any]] = {}

    def mutation(self, op: str, record: dict[str, Any], record_type: str = "pain_entry") -> dict[str, Any]:
        mutation = {"id": self.next_mutation_id, "type": record_type, "op": op, "record": record}
        self.next_mutation_id += 1
        return mutation

    def push(self, *mutations: dict[str, Any], schema: int = 1) -> Any:
        body = {"client_id": str(self.client_id), "schema": schema, "mutations": list(mutations)}
        return self.client.post("/api/sync/push", body, format="json")

    def pull(self, limit: int = 500) -> list[dict[str, Any]]:
        """Pull until ``more`` is false, apply to ``records``; returns every change seen."""
        seen = []
        while True:
            response = self.client.get(
                "/api/sync/pull",
                {"cursor": self.cursor, "limit": limit},
                HTTP_X_CLIENT_ID=str(self.client_id),
            )
            assert response.status_code == 200, response.content
            body = response.json()
            for change in body["changes"]:
                seen.append(change)
                if change["deleted"]:
                    self.records.pop(change["id"], None)
                else:
                    self.records[change["id"]] = change
            self.cursor = body["cursor"]
            if not body["more"]:
                return seen
