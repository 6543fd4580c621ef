"""One upstream call per stock, a few at once: the shape both stock sources (Yahoo's chart
endpoint, Stooq's quote CSV) share.

One symbol failing leaves it out; a 429 (or Stooq's quota message) stops the calls that have not
started yet, since every further call would be refused too. Nothing priced and something failed
is a SourceError, so the caller can fall back or keep the last good prices.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence

from shared.models import PricePoint, UpdateError
from updater.sources.base import SourceError

log = logging.getLogger(__name__)

#: Calls in flight at once: a cycle's few dozen stocks in a few seconds, gently.
CONCURRENCY = 4


async def each_symbol(
    source: str, symbols: Sequence[str], quote: Callable[[str], Awaitable[PricePoint | None]]
) -> list[PricePoint]:
    """`quote` for every symbol, CONCURRENCY at a time; the points it gave."""
    gate = asyncio.Semaphore(CONCURRENCY)
    problems: list[SourceError] = []

    async def one(symbol: str) -> PricePoint | None:
        async with gate:
            if any(p.code is UpdateError.UPSTREAM_RATE_LIMITED for p in problems):
                return None
            try:
                return await quote(symbol)
            except SourceError as error:
                problems.append(error)
                log.warning("%s", error)
                return None

    found = await asyncio.gather(*(one(symbol) for symbol in symbols))
    points = [point for point in found if point is not None]
    if not points and problems:
        raise SourceError(f"{source}: no stock priced ({problems[0]})", problems[0].code)
    return points
