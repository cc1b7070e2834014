"""A small fixed-window rate limiter on Django's cache, for HTML forms DRF throttles don't cover."""

from __future__ import annotations

import time

from django.core.cache import cache


def rate_limit_exceeded(*, scope: str, key: str, limit: int, window_seconds: int) -> bool:
    """Count one hit for ``key`` in ``scope``; True once more than ``limit`` hits fall in the window.

    With several web workers the cache must be shared (Redis in production);
    when it is unreachable the limiter fails open rather than locking everyone out.
    """
    bucket = int(time.time() // window_seconds)
    cache_key = f"ratelimit:{scope}:{key}:{bucket}"
    if cache.add(cache_key, 1, timeout=window_seconds + 1):
        return limit < 1
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window_seconds + 1)
        count = 1
    return count > limit
