"""Time for rate-limit tests. In-process, a burst is held in one rate-limit window by freezing
the app's clock (`Services.clock`); only separate worker processes, which no test can reach
into, still wait for a fresh minute."""

from __future__ import annotations

import time

from api.services import Services
from shared.ids import now


def freeze(services: Services) -> int:
    """Hold the request path's clock at this second: every request falls in one window."""
    at = now()
    services.clock = lambda: at
    return at


def wait_for_fresh_minute(margin: int = 10, period: int = 60) -> None:
    """Start a rate-limit burst early in a minute (or in a window of `period` seconds) so it
    cannot straddle two windows."""
    if period - time.time() % period < margin:
        time.sleep(period - time.time() % period + 0.05)
