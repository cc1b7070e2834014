"""Celery tasks of accounts: each calls one service."""

from __future__ import annotations

from celery import shared_task
from django.core.management import call_command

from accounts.sessions import session_records_purge
from accounts.tombstones import tombstones_purge


@shared_task(name="accounts.nightly_cleanup", ignore_result=True)
def nightly_cleanup() -> dict[str, int]:
    """Drop expired sessions (clearsessions), their records, and old deletion markers."""
    call_command("clearsessions")
    return {"session_records": session_records_purge(), "deleted_accounts": tombstones_purge()}
