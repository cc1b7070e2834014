"""Settings for the production-like run: the project's settings with a faster reminder tick.

Beat ticks once a minute in production; the run must stay under three minutes,
so PRODLIKE_TICK_SECONDS (default 5) shortens the period. Nothing else differs.
"""

import os

from glute_pwa.settings import *  # noqa: F403
from glute_pwa.settings import CELERY_BEAT_SCHEDULE

_TICK_SECONDS = int(os.environ.get("PRODLIKE_TICK_SECONDS", "5"))
CELERY_BEAT_SCHEDULE = {
    **CELERY_BEAT_SCHEDULE,
    "reminders-tick": {
        **CELERY_BEAT_SCHEDULE["reminders-tick"],
        "schedule": float(_TICK_SECONDS),
        "options": {"expires": max(1, _TICK_SECONDS - 1)},
    },
}
