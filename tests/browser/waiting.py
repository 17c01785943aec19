"""Waiting for a condition in the page without Playwright's wait_for_function.

wait_for_function polls by compiling its string inside the page, which the app's CSP (no
'unsafe-eval') refuses as soon as it has to poll more than once. page.evaluate runs through the
DevTools protocol, which the CSP does not govern, so polling from Python works under it.
"""

from __future__ import annotations

import time


def wait_until(page, expression: str, arg=None, timeout: float = 15.0, interval: float = 0.05):
    """Evaluate `expression` (an expression, or a function given `arg`) until it is truthy."""
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(expression, arg)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for: {expression[:120]}")
        time.sleep(interval)
