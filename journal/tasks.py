"""Celery tasks of the journal: each calls one service."""

from __future__ import annotations

from celery import shared_task

from journal.services.sync import sync_tombstones_purge


@shared_task(name="journal.purge_tombstones", ignore_result=True)
def purge_tombstones() -> int:
    """Nightly: drop tombstones past the retention horizon (devices behind it re-sync from 0)."""
    return sync_tombstones_purge()
