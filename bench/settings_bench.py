"""Settings for the throughput benchmark: the project's settings plus a bare baseline view."""

from glute_pwa.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# Throughput, not lockouts, is measured here; login is by token.
AXES_ENABLED = False
