"""CoinGecko `/simple/price`: every supported symbol in one batched call.

Response shape (CoinGecko API reference, simple/price): one object per coin id, holding a price
per vs currency, `<cur>_24h_change` and `last_updated_at` (epoch seconds) when asked for, e.g.
`{"bitcoin": {"usd": 67187.33, "usd_24h_change": 3.63, "last_updated_at": 1711356300}}`.
Unknown ids are simply absent. A coin whose entry is unusable (a `null` price, `last_updated_at`
of 0, as CoinGecko sends for a coin it has stopped tracking) is skipped with a warning and the
others are kept: one bad coin must not send every symbol to the fallback. The ids are split over
several calls only when the query string would grow past what proxies reliably accept.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Mapping, Sequence

import httpx

from shared.models import PricePoint
from shared.symbols import coingecko_ids
from updater.sources.base import SourceError
from updater.sources.http import DEFAULT_RETRY, RetryPolicy, get_json
from updater.sources.parse import epoch, mapping, number, optional_number

log = logging.getLogger(__name__)

#: Characters of comma-joined ids per request; a few hundred ids, well under URL limits.
MAX_IDS_CHARS = 2000
KEY_HEADERS = {"demo": "x-cg-demo-api-key", "pro": "x-cg-pro-api-key"}


def batches(ids: Sequence[str], max_chars: int = MAX_IDS_CHARS) -> Iterator[list[str]]:
    """Greedy split of `ids` into groups whose comma-joined length stays within `max_chars`."""
    group: list[str] = []
    size = 0
    for coin_id in ids:
        extra = len(coin_id) + (1 if group else 0)
        if group and size + extra > max_chars:
            yield group
            group, size = [], 0
            extra = len(coin_id)
        group.append(coin_id)
        size += extra
    if group:
        yield group


class CoinGeckoSource:
    name = "coingecko"

    def __init__(
        self,
        client: httpx.AsyncClient,
        base_url: str,
        *,
        api_key: str | None = None,
        plan: str = "demo",
        symbol_ids: Mapping[str, str] | None = None,
        retry: RetryPolicy = DEFAULT_RETRY,
    ) -> None:
        self._client = client
        self._symbol_ids = dict(symbol_ids or {})
        self._url = base_url.rstrip("/") + "/simple/price"
        self._headers = {KEY_HEADERS[plan]: api_key} if api_key else {}
        self._retry = retry

    async def fetch(self, symbols: Sequence[str], currencies: Sequence[str]) -> list[PricePoint]:
        ids = coingecko_ids(symbols, self._symbol_ids)
        symbols_of: dict[str, list[str]] = {}
        for symbol, coin_id in ids.items():
            symbols_of.setdefault(coin_id, []).append(symbol)
        points: list[PricePoint] = []
        skipped: list[str] = []
        for group in batches(list(symbols_of)):
            body = await get_json(
                self._client,
                self.name,
                self._url,
                self._retry,
                params={
                    "ids": ",".join(group),
                    "vs_currencies": ",".join(currencies),
                    "include_24hr_change": "true",
                    "include_last_updated_at": "true",
                    "precision": "full",
                },
                headers=self._headers,
            )
            for coin_id, quote in mapping(self.name, "the response", body).items():
                if coin_id not in symbols_of:
                    continue
                try:
                    points.extend(self._parse(coin_id, quote, symbols_of[coin_id], currencies))
                except SourceError as error:
                    skipped.append(str(error).removeprefix(f"{self.name}: "))
                    log.warning("%s; skipping that coin, keeping the others", error)
        if not points:
            why = "; ".join(skipped) or f"the response held no prices for {', '.join(symbols)}"
            raise SourceError(f"{self.name}: {why}")
        missing = sorted(set(symbols) - {point.symbol for point in points})
        if missing:
            log.warning("%s: no price for %s", self.name, ", ".join(missing))
        return points

    def _parse(
        self, coin_id: str, raw: object, symbols: list[str], currencies: Sequence[str]
    ) -> list[PricePoint]:
        """Every point of one coin's entry, or SourceError when any part of it is unusable."""
        quote = mapping(self.name, repr(coin_id), raw)
        updated = quote.get("last_updated_at")
        updated_at = int(time.time()) if updated is None else epoch(self.name, f"{coin_id}.last_updated_at", updated)
        points = []
        for currency in currencies:
            if currency not in quote:
                continue
            price = number(self.name, f"{coin_id}.{currency}", quote[currency])
            change_key = f"{currency}_24h_change"
            change = optional_number(self.name, f"{coin_id}.{change_key}", quote.get(change_key))
            points.extend(PricePoint(symbol, currency, price, change, updated_at, self.name) for symbol in symbols)
        return points
