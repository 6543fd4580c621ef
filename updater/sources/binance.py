"""Binance spot `/api/v3/ticker/24hr`, the fallback when CoinGecko cannot answer.

Response shape (Binance spot REST reference): a list of objects with `symbol` ("BTCUSDT"),
`lastPrice` and `priceChangePercent` as decimal strings and `closeTime` in epoch milliseconds.
USDT pairs stand in for `usd`. Binance refuses the whole batch (HTTP 400, "Invalid symbol") if
one pair does not exist, so only pairs from shipped tables are asked for: USDT pairs of the
base assets in `shared.symbols`, and other quote currencies from `QUOTE_PAIRS` in a second,
separate call whose failure costs only those currencies.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence

import httpx

from shared.models import PricePoint, UpdateError
from shared.symbols import binance_base
from updater.sources.base import SourceError
from updater.sources.http import DEFAULT_RETRY, RetryPolicy, get_json
from updater.sources.parse import epoch, mapping, number, optional_number, sequence

log = logging.getLogger(__name__)

USD_QUOTE = "USDT"

#: Base assets with a spot pair quoted in that currency on binance.com; others are left out.
QUOTE_PAIRS: dict[str, frozenset[str]] = {
    "eur": frozenset({"BTC", "ETH", "BNB", "SOL", "XRP", "ADA", "DOGE", "DOT", "LINK", "LTC", "AVAX"}),
}


def binance_pairs(symbols: Iterable[str], currency: str) -> dict[str, tuple[str, str]]:
    """Binance pair -> (our symbol, currency), for the pairs of `currency` that exist. The REST
    source and the live stream (`updater.stream`) both ask for these."""
    quote = USD_QUOTE if currency == "usd" else currency.upper()
    allowed = None if currency == "usd" else QUOTE_PAIRS.get(currency, frozenset())
    pairs = {}
    for symbol in symbols:
        base = binance_base(symbol)
        if base is not None and (allowed is None or base in allowed):
            pairs[base + quote] = (symbol, currency)
    return pairs


class BinanceSource:
    name = "binance"

    def __init__(self, client: httpx.AsyncClient, base_url: str, *, retry: RetryPolicy = DEFAULT_RETRY) -> None:
        self._client = client
        self._url = base_url.rstrip("/") + "/api/v3/ticker/24hr"
        self._retry = retry

    async def _tickers(self, pairs: dict[str, tuple[str, str]]) -> list[PricePoint]:
        body = await get_json(
            self._client,
            self.name,
            self._url,
            self._retry,
            params={"symbols": json.dumps(sorted(pairs), separators=(",", ":"))},
        )
        points = []
        for index, raw in enumerate(sequence(self.name, "the response", body)):
            ticker = mapping(self.name, f"ticker {index}", raw)
            pair = ticker.get("symbol")
            if pair not in pairs:
                continue
            symbol, currency = pairs[pair]
            change = ticker.get("priceChangePercent")
            points.append(
                PricePoint(
                    symbol=symbol,
                    currency=currency,
                    price=number(self.name, f"{pair}.lastPrice", ticker.get("lastPrice")),
                    change_24h=optional_number(self.name, f"{pair}.priceChangePercent", change),
                    updated_at=epoch(self.name, f"{pair}.closeTime", ticker.get("closeTime"), millis=True),
                    source=self.name,
                )
            )
        return points

    async def fetch(self, symbols: Sequence[str], currencies: Sequence[str]) -> list[PricePoint]:
        """USD pairs first (required when usd is asked for); the other quote currencies in
        one more call that may fail on its own without losing the USD prices."""
        usd = binance_pairs(symbols, "usd") if "usd" in currencies else {}
        other = {pair: q for cur in currencies if cur != "usd" for pair, q in binance_pairs(symbols, cur).items()}
        groups = [group for group in (usd, other) if group]
        if not groups:
            raise SourceError(
                f"{self.name}: no known pairs for {', '.join(symbols)} in {', '.join(currencies)}",
                UpdateError.UNSUPPORTED,
            )
        required, *optional = groups
        points = await self._tickers(required)
        for group in optional:
            try:
                points.extend(await self._tickers(group))
            except SourceError as error:
                log.warning("%s: non-USD pairs failed, keeping the USD prices: %s", self.name, error)
        if not points:
            raise SourceError(f"{self.name}: the response held no prices for {', '.join(symbols)}")
        return points
