"""The one way tests wait: poll a condition until it holds, never sleep a fixed time.

``wait_for(condition)`` returns the condition's first truthy value or fails with
what it was waiting for. Inside a Playwright test pass ``page=``: the pauses then
go through Playwright, so the events it delivers (dialogs, CDP messages, routes)
keep arriving while the test waits; a plain ``time.sleep`` would hold them back.
For things inside a page prefer Playwright's own ``expect``/``wait_for_function``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def wait_for(
    condition: Callable[[], T],
    *,
    timeout: float = 15.0,
    what: str = "condition",
    interval: float = 0.05,
    page: Any = None,
) -> T:
    """Call ``condition`` until it returns something truthy (returned), at most ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what} (last value: {value!r})")
        if page is not None:
            page.wait_for_timeout(interval * 1000)
        else:
            time.sleep(interval)
