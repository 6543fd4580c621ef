"""Yahoo Finance's chart endpoint, `GET {root}/v8/finance/chart/{symbol}?range=1d&interval=1d`:
one stock per call, the source the seed project used (through yfinance). No key is needed.

The answer is `{"chart": {"result": [{"meta": {...}, ...}], "error": null}}`; `meta` holds
`currency` ("USD"), `regularMarketPrice`, `regularMarketTime` (epoch seconds), the prior
session's close (`previousClose`, or `chartPreviousClose` for a one-day range) and
`currentTradingPeriod.regular.{start,end}`, the current or latest session. An unknown symbol is
a 404 with `{"chart": {"result": null, "error": {"code": "Not Found", ...}}}`.

Outside the regular session the price is the last close: the point is marked `closed` and
timed when it was fetched (the close is still the current price then), so it neither goes stale
over a weekend nor pretends to be a live quote. One call per symbol, a few at once
(`updater.sources.per_symbol`): one symbol failing leaves it out, a 429 stops the rest.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import quote

import httpx

from shared.models import PricePoint, UpdateError
from updater.sources.base import SourceError
from updater.sources.http import DEFAULT_RETRY, RetryPolicy, get_json
from updater.sources.parse import epoch, mapping, number, sequence
from updater.sources.per_symbol import each_symbol

log = logging.getLogger(__name__)


class YahooChartSource:
    name = "yahoo"

    def __init__(
        self,
        client: httpx.AsyncClient,
        base_url: str,
        *,
        retry: RetryPolicy = DEFAULT_RETRY,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._client = client
        self._root = base_url.rstrip("/") + "/v8/finance/chart/"
        self._retry = retry
        self._clock = clock

    async def fetch(self, symbols: Sequence[str], currencies: Sequence[str]) -> list[PricePoint]:
        return await each_symbol(self.name, symbols, lambda symbol: self._quote(symbol, currencies))

    async def _quote(self, symbol: str, currencies: Sequence[str]) -> PricePoint | None:
        body = await get_json(
            self._client,
            self.name,
            self._root + quote(symbol, safe=""),
            self._retry,
            params={"range": "1d", "interval": "1d"},
        )
        chart = mapping(self.name, f"{symbol}: chart", mapping(self.name, symbol, body).get("chart"))
        if chart.get("error"):
            raise SourceError(f"{self.name}: {symbol}: {chart['error']}", UpdateError.UNSUPPORTED)
        results = sequence(self.name, f"{symbol}: chart.result", chart.get("result"))
        if not results:
            raise SourceError(f"{self.name}: {symbol}: empty chart.result")
        return self._point(symbol, mapping(self.name, f"{symbol}: meta", results[0].get("meta")), currencies)

    def _point(self, symbol: str, meta: dict[str, Any], currencies: Sequence[str]) -> PricePoint | None:
        currency = str(meta.get("currency") or "").lower()
        if currency not in currencies:
            log.warning("%s: %s is quoted in %r, not among %s", self.name, symbol, currency, ", ".join(currencies))
            return None
        price = number(self.name, f"{symbol}.regularMarketPrice", meta.get("regularMarketPrice"))
        previous = meta.get("previousClose", meta.get("chartPreviousClose"))
        change = None
        if previous is not None:
            before = number(self.name, f"{symbol}.previousClose", previous)
            change = (price / before - 1) * 100 if before > 0 else None
        traded_at = epoch(self.name, f"{symbol}.regularMarketTime", meta.get("regularMarketTime"))
        now = int(self._clock())
        closed = not _in_session(meta, now)
        return PricePoint(symbol, currency, price, change, now if closed else traded_at, self.name, closed=closed)


def _in_session(meta: dict[str, Any], now: int) -> bool:
    """Inside the regular session Yahoo names; without one, the quote is taken as live."""
    period = meta.get("currentTradingPeriod")
    regular = period.get("regular") if isinstance(period, dict) else None
    if not isinstance(regular, dict):
        return True
    start, end = regular.get("start"), regular.get("end")
    if not isinstance(start, int | float) or not isinstance(end, int | float):
        return True
    return start <= now < end
