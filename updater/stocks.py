"""The stock step of the updater cycle: price every stock held in any portfolio, plus
STOCK_SYMBOLS, from Yahoo Finance with Stooq for what Yahoo cannot price (or the demo
simulation), validated like coins, and converted to the other VS_CURRENCIES at the exchange rate
the coins give (`updater.fx`).

The chart endpoint takes one symbol per call, so a cycle prices at most STOCK_MAX_SYMBOLS of
them: those never priced first, then the least recently priced. When more stocks are held than
that, each is still priced every few cycles, and the number of upstream calls stays bounded
whatever users hold (`docs/benchmarks.md` has the budget). A failed fetch keeps the last good
prices, as a failed crypto cycle does.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

import httpx

from shared.config import Settings
from shared.models import AssetKind, PricePoint
from shared.store.base import Store
from updater.fx import converted, cross_rates
from updater.sources import PriceSource, SourceError, build_client
from updater.sources.demo import DemoSource
from updater.sources.fallback import PerSymbolFallback
from updater.sources.http import DEFAULT_RETRY, RetryPolicy
from updater.sources.stooq import StooqQuoteSource
from updater.sources.yahoo import YahooChartSource
from updater.validate import last_good, validate

log = logging.getLogger(__name__)


def stock_source(settings: Settings, client: httpx.AsyncClient, retry: RetryPolicy = DEFAULT_RETRY) -> PriceSource:
    """The simulation when the cycle runs on the demo source, else Yahoo at STOCK_API_URL and,
    for the stocks it fails on or refuses, Stooq at STOCK_FALLBACK_API_URL."""
    if settings.price_source == "demo":
        return DemoSource()
    return PerSymbolFallback(
        YahooChartSource(client, settings.stock_api_url, retry=retry),
        StooqQuoteSource(client, settings.stock_fallback_api_url, retry=retry),
    )


def wanted(store: Store, settings: Settings) -> list[str]:
    """Every stock anyone holds, and STOCK_SYMBOLS; never a coin's symbol."""
    held = dict.fromkeys([*settings.stock_symbols, *store.held_symbols(AssetKind.STOCK)])
    return [symbol for symbol in held if symbol not in settings.supported_symbols]


def due(symbols: Sequence[str], latest: Sequence[PricePoint], limit: int) -> list[str]:
    """At most `limit` of `symbols`: unpriced ones first, then the longest unrefreshed."""
    priced_at: dict[str, int] = {}
    for point in latest:
        priced_at[point.symbol] = max(priced_at.get(point.symbol, 0), point.updated_at)
    return sorted(symbols, key=lambda symbol: priced_at.get(symbol, -1))[:limit]


class StockPricing:
    """A cycle step (store, settings, prices, now). `client` and `source` replace the HTTP client
    made per run and the source chosen from settings, for tests and benchmarks."""

    def __init__(
        self,
        *,
        client: httpx.AsyncClient | None = None,
        source: Callable[[Settings, httpx.AsyncClient, RetryPolicy], PriceSource] = stock_source,
        retry: RetryPolicy = DEFAULT_RETRY,
    ) -> None:
        self._client = client
        self._source = source
        self._retry = retry

    async def __call__(self, store: Store, settings: Settings, prices: list[PricePoint], now: int) -> None:
        symbols = wanted(store, settings)
        if not symbols or settings.stock_max_symbols == 0:
            return
        latest = store.latest_prices()
        chosen = due(symbols, latest, settings.stock_max_symbols)
        if self._client is not None:
            fetched = await self._fetch(settings, self._client, chosen)
        else:
            async with build_client(settings) as client:
                fetched = await self._fetch(settings, client, chosen)
        good = last_good(latest, now)
        checked = validate(fetched, good, settings.max_price_jump)
        coins = [point for point in latest if point.symbol in settings.supported_symbols]
        rates = cross_rates(coins, settings.vs_currencies, now, settings.stale_after_seconds)
        also = validate(converted(checked.accepted, rates), good, settings.max_price_jump)
        if checked.accepted:
            store.put_prices([*checked.accepted, *also.accepted])
        log.info("priced %d of %d stocks (%d rejected), %d converted", len(checked.accepted), len(symbols),
                 len(checked.rejected), len(also.accepted))

    async def _fetch(self, settings: Settings, client: httpx.AsyncClient, symbols: list[str]) -> list[PricePoint]:
        try:
            return await self._source(settings, client, self._retry).fetch(symbols, settings.vs_currencies)
        except SourceError as error:
            log.warning("stock prices kept from the last cycle: %s", error)
            return []
