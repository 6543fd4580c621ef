"""A symbol's price history in memory, read from the store at most once per minute and price.

Every sparkline shape (`hours`, `points`) of one symbol and currency is sampled from the same
month of points, so a client asking for shape after shape costs a bisection each, not a store
read and a pass over every point: what any number of keys can make the store do is one read per
symbol and currency each minute (or each new price), in a worker thread, one at a time.
"""

from __future__ import annotations

import asyncio
from array import array
from bisect import bisect_right
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool

from shared.store.base import Store

#: The longest span a sparkline covers (the `hours` ceiling).
MAX_HOURS = 24 * 30


@dataclass(frozen=True, slots=True)
class Series:
    """Points of the MAX_HOURS up to `end`, oldest first, as of the latest price `latest_at`."""

    end: int
    latest_at: int | None
    times: array[int]
    prices: array[float]

    @classmethod
    def read(cls, store: Store, symbol: str, currency: str, end: int, latest_at: int | None) -> Series:
        """Blocking: runs in a worker thread."""
        points = sorted(store.price_history(symbol, currency, end - MAX_HOURS * 3600, end), key=lambda p: p.updated_at)
        return cls(end, latest_at, array("q", (p.updated_at for p in points)), array("d", (p.price for p in points)))

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

    async def series(self, symbol: str, currency: str, end: int, latest_at: int | None) -> Series:
        which = (symbol, currency)
        async with self._reads.setdefault(which, asyncio.Lock()):
            found = self._series.get(which)
            if found is None or (found.end, found.latest_at) != (end, latest_at):
                found = await run_in_threadpool(Series.read, self._store, symbol, currency, end, latest_at)
                self._series[which] = found
        return found
