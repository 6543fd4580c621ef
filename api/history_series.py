"""A symbol's price history in memory, read from the store a few times per minute and price.

Every sparkline shape (`hours`, `points`) of one symbol and currency is sampled from the same
points, so a client asking for shape after shape costs a bisection each, not a store read and a
pass over every point. Reads cover a day, a week or a month (SPANS, the shortest that holds the
shape; never shorter than what this minute already read), so what any number of keys can make
the store do is at most three reads per symbol and currency each minute (or each new price), in
a worker thread, one at a time, and the common one-day sparkline reads no more than it did.
"""

from __future__ import annotations

import asyncio
from array import array
from bisect import bisect_right

import msgspec
from starlette.concurrency import run_in_threadpool

from shared.limits import MAX_HISTORY_HOURS
from shared.models import SIMULATED_SOURCE
from shared.store.base import Store

#: What one read covers, in seconds: the shortest of these that holds the shape asked for.
SPANS = (86_400, 7 * 86_400, MAX_HISTORY_HOURS * 3600)


class Series(msgspec.Struct, frozen=True):
    """Points from `since` to `end`, oldest first, as of the latest price `latest_at`;
    `simulated` when any of them is the demo's (real prices replace such a series whole)."""

    since: int
    end: int
    latest_at: int | None
    times: array[int]
    prices: array[float]
    simulated: bool

    @classmethod
    def read(cls, store: Store, symbol: str, currency: str, since: int, end: int, latest_at: int | None) -> Series:
        """Blocking: runs in a worker thread."""
        points = sorted(store.price_history(symbol, currency, since, end), key=lambda p: p.updated_at)
        times, prices = array("q", (p.updated_at for p in points)), array("d", (p.price for p in points))
        simulated = any(p.source == SIMULATED_SOURCE for p in points)
        return cls(since, end, latest_at, times, prices, simulated)

    def sample(self, start: int, interval: int, count: int) -> list[float | None]:
        """Evenly spaced prices ending at `end`: each slot takes the last point at or before it
        and not before `start`, so a sparkline never invents a price; earlier slots are None."""
        times, prices, result = self.times, self.prices, []
        for slot in range(self.end - interval * (count - 1), self.end + 1, interval):
            index = bisect_right(times, slot) - 1
            result.append(prices[index] if index >= 0 and times[index] >= start else None)
        return result


class SeriesBook:
    """The current Series of each (symbol, currency) asked for; callers pass only supported
    symbols and configured currencies, which bounds what it holds."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._series: dict[tuple[str, str], Series] = {}
        self._reads: dict[tuple[str, str], asyncio.Lock] = {}

    async def series(self, symbol: str, currency: str, start: int, end: int, latest_at: int | None) -> Series:
        """A Series holding `start` to `end` as of `latest_at`."""
        which = (symbol, currency)
        async with self._reads.setdefault(which, asyncio.Lock()):
            found = self._series.get(which)
            current = found is not None and (found.end, found.latest_at) == (end, latest_at)
            if found is None or not current or found.since > start:
                since = end - next(span for span in SPANS if end - span <= start)
                if found is not None and current:
                    since = min(since, found.since)
                found = await run_in_threadpool(Series.read, self._store, symbol, currency, since, end, latest_at)
                self._series[which] = found
        return found
