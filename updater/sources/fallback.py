"""A source made of two: the first for every symbol, the second for the symbols the first
could not price (refused, unknown to it, or down altogether). The stock step's Yahoo-then-Stooq,
per symbol rather than all or nothing as the coins' CoinGecko-then-Binance chain in the cycle."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from shared.models import PricePoint
from updater.sources.base import PriceSource, SourceError

log = logging.getLogger(__name__)


class PerSymbolFallback:
    def __init__(self, first: PriceSource, then: PriceSource) -> None:
        self._sources = (first, then)
        self.name = f"{first.name},{then.name}"

    async def fetch(self, symbols: Sequence[str], currencies: Sequence[str]) -> list[PricePoint]:
        points: list[PricePoint] = []
        problems: list[SourceError] = []
        missing = list(symbols)
        for source in self._sources:
            if not missing:
                break
            try:
                points.extend(await source.fetch(missing, currencies))
            except SourceError as error:
                problems.append(error)
                log.warning("%s", error)
            priced = {point.symbol for point in points}
            missing = [symbol for symbol in missing if symbol not in priced]
        if not points and problems:
            raise SourceError("; ".join(str(problem) for problem in problems), problems[-1].code)
        return points
