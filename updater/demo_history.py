"""Simulated history for a fresh demo, and none of it left in a real series afterwards.

The demo source's path is a pure function of time (`updater.sources.demo`), so the day before
the first demo cycle can be written at once: sparklines and exports have something to show from
the first minute instead of after hours. Every such point keeps the simulated source name, so
the history API (`d: 1`) and exports (`simulated: true`) say what it is. When a real source
later writes a pair whose latest price was simulated, that pair's simulated history is deleted:
a real series never has made-up points in it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from shared.models import SIMULATED_SOURCE, PricePoint
from shared.store.base import Store
from updater.sources.demo import DemoSource

log = logging.getLogger(__name__)

BACKFILL_SECONDS = 86_400
#: The finest spacing of backfilled points: finer than any sparkline draws (24 h in 96 points
#: is one every 15 minutes), coarse enough that a 1 s test interval writes a few hundred.
BACKFILL_STEP = 300


def backfill(store: Store, source: DemoSource, written: Sequence[PricePoint], step: int) -> int:
    """Simulated points every `step` seconds over the day before each of `written`, for the
    pairs that have no history there yet; how many were written."""
    points: list[PricePoint] = []
    for latest in written:
        start = latest.updated_at - BACKFILL_SECONDS
        if store.price_history(latest.symbol, latest.currency, start, latest.updated_at - 1, limit=1):
            continue
        first = start - start % step + step
        points.extend(
            source.point(latest.symbol, latest.currency, at) for at in range(first, latest.updated_at, step)
        )
    if points:
        store.put_prices(points)  # all older than the latest, which they leave as it is
        log.info("demo: wrote %d simulated history points for a fresh store", len(points))
    return len(points)


def forget_simulated(store: Store, before: Sequence[PricePoint], written: Sequence[PricePoint]) -> None:
    """Delete the simulated history of every pair that `written` (real prices) takes over from
    a simulated latest price in `before`."""
    simulated = {(p.symbol, p.currency) for p in before if p.source == SIMULATED_SOURCE}
    for point in written:
        if point.source != SIMULATED_SOURCE and (point.symbol, point.currency) in simulated:
            removed = store.delete_history(point.symbol, point.currency, SIMULATED_SOURCE)
            log.info("%s/%s: real prices now; %d simulated history points deleted", point.symbol,
                     point.currency, removed)
