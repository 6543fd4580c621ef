"""Known data that tests in several folders start from: latest prices and a short history."""

from __future__ import annotations

from shared.ids import now
from shared.models import PricePoint, UpdateStatus
from shared.store.base import Store

PRICES = {"BTC": (97123.4567, -1.2345), "ETH": (3456.789, 0.85), "SOL": (245.1234, 3.1)}

#: Price history: three points per symbol, ten minutes apart, ending an hour before the test.
HISTORY = {"BTC": [97000.0, 97500.5, 98000.25], "ETH": [3400.0, 3450.0, 3500.0]}


def seed_prices(store: Store, at: int, currency: str = "usd") -> None:
    store.put_prices(
        [PricePoint(s, currency, p, c, at, "coingecko") for s, (p, c) in PRICES.items()]
    )
    store.record_update(
        UpdateStatus(ok=True, source="coingecko", started_at=at, finished_at=at, symbols_updated=3,
                     last_success_at=at)
    )


def seed_history(store: Store, end: int | None = None) -> int:
    """Write HISTORY ending at `end` (default: an hour ago); returns that end."""
    end = now() - 3600 if end is None else end
    store.put_prices(
        [
            PricePoint(symbol, "usd", price, 1.0, end - 600 * (len(prices) - 1 - i), "coingecko")
            for symbol, prices in HISTORY.items()
            for i, price in enumerate(prices)
        ]
    )
    return end
