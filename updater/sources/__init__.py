"""Price sources and the order the cycle tries them in."""

from __future__ import annotations

import httpx

from shared.config import PRICE_SOURCES, Settings
from updater.sources.base import PriceSource, SourceError
from updater.sources.binance import BinanceSource
from updater.sources.coingecko import CoinGeckoSource
from updater.sources.demo import DemoSource
from updater.sources.http import DEFAULT_RETRY, RetryPolicy

__all__ = ["PriceSource", "SourceError", "build_client", "source_chain"]


def build_client(settings: Settings) -> httpx.AsyncClient:
    """The one HTTP client the sources share: timeouts and identification live here."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(settings.upstream_timeout_seconds),
        headers={"Accept": "application/json", "User-Agent": "cryptowatch-updater"},
        follow_redirects=False,
    )


def source_chain(
    name: str, settings: Settings, client: httpx.AsyncClient, retry: RetryPolicy = DEFAULT_RETRY
) -> list[PriceSource]:
    """Sources to try in order: CoinGecko then Binance, or Binance alone, or the demo."""
    if name == "demo":
        return [DemoSource()]
    binance = BinanceSource(client, settings.binance_api_url, retry=retry)
    if name == "binance":
        return [binance]
    if name == "coingecko":
        coingecko = CoinGeckoSource(
            client,
            settings.external_api_url,
            api_key=settings.external_api_key,
            plan=settings.coingecko_plan,
            symbol_ids=dict(settings.symbol_ids),
            retry=retry,
        )
        return [coingecko, binance]
    raise ValueError(f"unknown price source {name!r}: expected one of {', '.join(PRICE_SOURCES)}")
