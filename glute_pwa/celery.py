"""The Celery application: broker from REDIS_URL, or kombu's filesystem transport."""

from __future__ import annotations

import os
from pathlib import Path

from celery import Celery, Task, signals

from core.database_outage import DATABASE_OUTAGE_ERRORS

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "glute_pwa.settings")


class DatabaseRetryingTask(Task):
    """Every task of the app: one that lost the database (PostgreSQL restarting) runs again a few
    seconds later instead of failing for good. Tasks are idempotent (see CELERY_TASK_ACKS_LATE in
    the settings), so running one again is safe; the worker's next query reconnects by itself."""

    autoretry_for = DATABASE_OUTAGE_ERRORS
    retry_backoff = 2
    retry_backoff_max = 60
    retry_jitter = False
    max_retries = 10


app = Celery("glute_pwa", task_cls=DatabaseRetryingTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def ensure_broker_folders() -> None:
    """The filesystem transport expects its folders to exist (it creates none but the last level)."""
    options = app.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)


@app.on_after_configure.connect
def _prepare_embedded_broker(sender: Celery, **_: object) -> None:
    ensure_broker_folders()


@signals.setup_logging.connect
def _keep_django_logging(**_: object) -> None:
    """Workers and beat log through settings.LOGGING (JSON lines with the request id), not Celery's own
    handlers; a receiver here stops Celery from configuring logging. LOG_LEVEL sets the level."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)


@app.task(name="glute_pwa.ping")
def ping() -> None:
    """Does nothing: enqueueing it checks that the broker takes messages."""
