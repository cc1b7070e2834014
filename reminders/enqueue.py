"""Hand deliveries to the send task by its name, so nothing that enqueues imports the tasks module."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from core.tasks_util import enqueue_by_name

logger = logging.getLogger(__name__)

SEND_DELIVERY_TASK = "reminders.send_delivery"


def enqueue_deliveries(ids: Iterable[int]) -> None:
    """One send message per delivery id. If the broker is unreachable the deliveries stay
    pending in the database and the tick's sweep (deliveries_requeue_stale) sends them later."""
    ids = list(ids)
    if ids and not enqueue_by_name(SEND_DELIVERY_TASK, [(delivery_id,) for delivery_id in ids]):
        logger.warning("broker unreachable; %d deliveries wait for the next sweep", len(ids))
