"""Simulated phones for the production-like run: offline outboxes, lost responses, second devices.

Each simulated user has two devices. Device A logs pain entries and massages,
edits and deletes some, and pushes its outbox in batches; now and then the
response is "lost" (the request reached the server, the phone never heard
back), so the next push re-sends those mutations with the new ones, as the
real client does. Device B logs a few entries of its own and pulls. The
reference model is what the server must hold afterwards: every create, the
last value of every edited field, every delete, each exactly once.
"""

from __future__ import annotations

import http.client
import json
import random
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

ZONES = ["upper_buttock", "lower_buttock", "outer_thigh", "back_thigh", "outer_knee", "upper_calf"]
POSTURES = ["sitting", "side_lying", "standing_up", "walking", "standing", "one_leg", "rest"]
TIME_ZONES = ["Europe/Berlin", "America/New_York", "Asia/Tokyo", "UTC"]
# Massages are dated long ago: a massage logged in the last hours would (rightly) skip a reminder.
MASSAGE_DAY = datetime(2024, 5, 1, 18, 0, tzinfo=UTC)
# Pages a phone opens between syncs (the app shell and the guide, as served to a new tab).
PAGES = ["/", "/guide/", "/guide/self-massage/", "/privacy/"]


class ServerError(Exception):
    pass


class Http:
    """One keep-alive connection to the local gunicorn, with the user's token."""

    def __init__(self, port: int, token: str) -> None:
        self.port = port
        self.headers = {"Authorization": f"Token {token}", "Host": "localhost"}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.requests = 0
        self.latencies_ms: list[float] = []
        self.server_errors = 0

    def call(self, method: str, path: str, body: Any = None, headers: dict | None = None) -> tuple[int, Any]:
        all_headers = {**self.headers, **(headers or {})}
        data = None
        if body is not None:
            data = json.dumps(body)
            all_headers["Content-Type"] = "application/json"
        for attempt in range(3):
            try:
                started = time.perf_counter()
                self.conn.request(method, path, body=data, headers=all_headers)
                response = self.conn.getresponse()
                raw = response.read()
                self.latencies_ms.append((time.perf_counter() - started) * 1000)
                self.requests += 1
                self.server_errors += response.status >= 500
                is_json = response.getheader("Content-Type", "").startswith("application/json")
                return response.status, json.loads(raw) if raw and is_json else None
            except (OSError, http.client.HTTPException):
                # A keep-alive connection the server closed: reconnect. A push sent twice this
                # way is exactly the retry the protocol must absorb.
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt == 2:
                    raise
                time.sleep(0.2)
        raise AssertionError("unreachable")


@dataclass
class Device:
    http: Http
    client_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    next_mutation_id: int = 1
    outbox: list[dict[str, Any]] = field(default_factory=list)
    cursor: int = 0
    # What this device shows after pulls: id -> fields, or None for a deleted record.
    records: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    pushes: int = 0
    lost_responses: int = 0

    def queue(self, record_type: str, op: str, record: dict[str, Any]) -> None:
        self.outbox.append({"id": self.next_mutation_id, "type": record_type, "op": op, "record": record})
        self.next_mutation_id += 1

    def push(self, *, lose_response: bool = False) -> None:
        if not self.outbox:
            return
        body = {"client_id": self.client_id, "schema": 1, "mutations": self.outbox[:500]}
        status, answer = self.http.call("POST", "/api/sync/push", body)
        self.pushes += 1
        if status != 200:
            raise ServerError(f"push answered {status}: {answer}")
        if answer["rejected"]:
            raise ServerError(f"valid mutations rejected: {answer['rejected'][:3]}")
        if lose_response:
            self.lost_responses += 1
            return  # the phone never heard back: the outbox stays and is sent again
        confirmed = answer["last_mutation_id"]
        self.outbox = [m for m in self.outbox if m["id"] > confirmed]

    def pull(self) -> None:
        while True:
            path = f"/api/sync/pull?cursor={self.cursor}&limit=500"
            status, page = self.http.call("GET", path, headers={"X-Client-Id": self.client_id})
            if status != 200:
                raise ServerError(f"pull answered {status}: {page}")
            for change in page["changes"]:
                if change["deleted"]:
                    self.records[change["id"]] = None
                else:
                    self.records[change["id"]] = change
            self.cursor = page["cursor"]
            if not page["more"]:
                return


@dataclass
class SimulatedUser:
    index: int
    token: str
    port: int
    rng: random.Random
    # Reference model: id -> (type, fields) for live records, None once deleted.
    expected: dict[str, tuple[str, dict[str, Any]] | None] = field(default_factory=dict)
    devices: list[Device] = field(default_factory=list)
    seconds: float = 0.0

    def _pain(self, day: int) -> dict[str, Any]:
        rng = self.rng
        when = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=day, minutes=rng.randrange(1440))
        return {
            "id": str(uuid.uuid4()),
            "occurred_at": when.isoformat().replace("+00:00", "Z"),
            "time_zone": rng.choice(TIME_ZONES),
            "zone": rng.choice(ZONES),
            "side": rng.choice(["left", "right"]),
            "posture": rng.choice(POSTURES),
            "intensity": rng.randrange(11),
            "note": rng.choice(["", "", "after cycling", "woke up with it"]),
        }

    def _massage(self, day: int) -> dict[str, Any]:
        rng = self.rng
        when = MASSAGE_DAY + timedelta(days=day)
        return {
            "id": str(uuid.uuid4()),
            "occurred_at": when.isoformat().replace("+00:00", "Z"),
            "time_zone": "Europe/Berlin",
            "portion": rng.choice(["anterior", "posterior"]),
            "side": rng.choice(["left", "right"]),
            "tool": rng.choice(["ball", "hands", "other"]),
            "minutes": rng.randrange(1, 20),
            "pain_before": rng.randrange(11),
            "pain_after": rng.choice([None, rng.randrange(11)]),
            "note": "",
        }

    def _create(self, device: Device, record_type: str, record: dict[str, Any]) -> None:
        device.queue(record_type, "upsert", record)
        self.expected[record["id"]] = (record_type, {k: v for k, v in record.items() if k != "id"})

    def _log_by_rest(self, device: Device, day: int) -> None:
        """A log through the REST API (a script or an older client), which devices then pull."""
        record = self._pain(day)
        status, answer = device.http.call("POST", "/api/entries/", record)
        if status != 201:
            raise ServerError(f"REST log answered {status}: {answer}")
        self.expected[record["id"]] = ("pain_entry", {k: v for k, v in record.items() if k != "id"})

    def _open_page(self, device: Device, path: str) -> None:
        status, _ = device.http.call("GET", path)
        if status != 200:
            raise ServerError(f"{path} answered {status}")

    def _edit(self, device: Device) -> None:
        live = [rid for rid, rec in self.expected.items() if rec is not None]
        if not live:
            return
        rid = self.rng.choice(live)
        record_type, fields = self.expected[rid]
        if record_type == "pain_entry":
            change = {"intensity": self.rng.randrange(11), "note": f"edited {self.rng.randrange(1000)}"}
        else:
            change = {"pain_after": self.rng.randrange(11)}
        device.queue(record_type, "upsert", {"id": rid, **change})
        fields.update(change)

    def _delete(self, device: Device) -> None:
        live = [rid for rid, rec in self.expected.items() if rec is not None]
        if not live:
            return
        rid = self.rng.choice(live)
        record_type = self.expected[rid][0]
        device.queue(record_type, "delete", {"id": rid})
        self.expected[rid] = None

    def run(self, *, rounds: int, batch: int) -> None:
        start = time.perf_counter()
        phone, tablet = Device(Http(self.port, self.token)), Device(Http(self.port, self.token))
        self.devices = [phone, tablet]
        day = 0
        for round_no in range(rounds):
            for _ in range(batch):
                roll = self.rng.random()
                if roll < 0.6 or len(self.expected) < 5:
                    self._create(phone, "pain_entry", self._pain(day))
                    day += 1
                elif roll < 0.7:
                    self._create(phone, "massage_session", self._massage(day))
                elif roll < 0.9:
                    self._edit(phone)
                else:
                    self._delete(phone)
            phone.push(lose_response=self.rng.random() < 0.3)
            self._open_page(phone, PAGES[round_no % len(PAGES)])
            if round_no % 2 == 0:
                self._log_by_rest(tablet, day)
                day += 1
            if round_no % 2 == 1:
                # The tablet logs something of its own, then catches up.
                for _ in range(3):
                    self._create(tablet, "pain_entry", self._pain(day))
                    day += 1
                tablet.push(lose_response=self.rng.random() < 0.3)
                tablet.pull()
        # Back online for good: both devices empty their outboxes and catch up.
        for device in self.devices:
            device.push()
            device.push()  # a no-op when the first got its answer
            device.pull()
        self.seconds = time.perf_counter() - start

    @property
    def requests(self) -> int:
        return sum(device.http.requests for device in self.devices)

    @property
    def latencies_ms(self) -> list[float]:
        return [latency for device in self.devices for latency in device.http.latencies_ms]

    @property
    def server_errors(self) -> int:
        return sum(device.http.server_errors for device in self.devices)
