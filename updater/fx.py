"""Stock prices in the other VS_CURRENCIES, at the exchange rate the coins already give.

A stock is quoted in its listing currency only (a US stock in `usd`). The coins, though, are
fetched in every VS_CURRENCY at once, and a coin's price in two currencies is that rate: EUR per
USD is BTC's `eur` price over its `usd` price. So the rate costs no upstream call and no FX
source. Each rate is the median over the coins priced in both currencies by the same source,
within `max_age` of now and of each other (one coin's odd market cannot move it); its 24 h move
comes the same way from the coins' 24 h changes, so a converted change is the stock's move and
the currency's together. Where no coin gives a fresh rate, nothing is converted: the stock stays
unpriced in that currency (the API says so) rather than valued at a guess.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from msgspec.structs import replace

from shared.models import PricePoint


@dataclass(frozen=True, slots=True)
class Rate:
    #: Units of the target currency per unit of the listing currency.
    factor: float
    #: The rate now over the rate a day ago, when every coin used gave a 24 h change.
    day_factor: float | None


def cross_rates(
    coins: Iterable[PricePoint], currencies: Sequence[str], now: int, max_age: int
) -> dict[tuple[str, str], Rate]:
    """(from currency, to currency) -> Rate, for every pair of `currencies` the coins give."""
    fresh: dict[tuple[str, str], PricePoint] = {}
    for point in coins:
        if point.price > 0 and now - point.updated_at <= max_age:
            fresh[(point.symbol, point.currency)] = point
    rates = {}
    for source in currencies:
        for target in currencies:
            if source == target:
                continue
            pairs = [
                (fresh[(symbol, source)], there)
                for (symbol, currency), there in fresh.items()
                if currency == target and (symbol, source) in fresh
                and fresh[(symbol, source)].source == there.source
                and abs(fresh[(symbol, source)].updated_at - there.updated_at) <= max_age
            ]
            if pairs:
                rates[(source, target)] = Rate(
                    statistics.median(there.price / here.price for here, there in pairs), _day_factor(pairs)
                )
    return rates


def _day_factor(pairs: Sequence[tuple[PricePoint, PricePoint]]) -> float | None:
    factors = []
    for here, there in pairs:
        if here.change_24h is None or there.change_24h is None or here.change_24h <= -100:
            return None
        factors.append((1 + there.change_24h / 100) / (1 + here.change_24h / 100))
    return statistics.median(factors)


def converted(points: Sequence[PricePoint], rates: dict[tuple[str, str], Rate]) -> list[PricePoint]:
    """`points` in every other currency a rate reaches, where the source gave no price of its
    own there. The source name stays (a simulated price stays labelled simulated)."""
    have = {(point.symbol, point.currency) for point in points}
    out = []
    for point in points:
        for (source, target), rate in rates.items():
            if source != point.currency or (point.symbol, target) in have:
                continue
            change = None
            if point.change_24h is not None and rate.day_factor is not None:
                change = ((1 + point.change_24h / 100) * rate.day_factor - 1) * 100
            out.append(replace(point, currency=target, price=point.price * rate.factor, change_24h=change))
            have.add((point.symbol, target))
    return out
