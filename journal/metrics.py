"""Sync counters for /metrics: pushes and pulls by outcome, mutations received and rejected."""

from __future__ import annotations

from prometheus_client import Counter

SYNC_PUSHES = Counter("minimus_sync_pushes", "Sync pushes by outcome (ok or the refusal code).", ["outcome"])
SYNC_MUTATIONS = Counter(
    "minimus_sync_mutations", "Mutations received in pushes that were answered 200 (resent ones included)."
)
SYNC_REJECTED = Counter(
    "minimus_sync_rejected_mutations", "Mutations refused one by one, by rejection code.", ["code"]
)
SYNC_PULLS = Counter(
    "minimus_sync_pulls",
    "Sync pulls: initial (from cursor 0) or incremental, by outcome.",
    ["kind", "outcome"],
)
SYNC_PULLED_CHANGES = Counter("minimus_sync_pulled_changes", "Records sent in pull answers.")


def push_counted(*, outcome: str, mutations: int = 0, rejected_codes: list[str] | None = None) -> None:
    SYNC_PUSHES.labels(outcome=outcome).inc()
    codes = rejected_codes or []
    SYNC_MUTATIONS.inc(mutations)
    for code in codes:
        SYNC_REJECTED.labels(code=code).inc()


def pull_counted(*, initial: bool, outcome: str, changes: int = 0) -> None:
    SYNC_PULLS.labels(kind="initial" if initial else "incremental", outcome=outcome).inc()
    SYNC_PULLED_CHANGES.inc(changes)
