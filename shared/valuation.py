"""What a portfolio is worth at the latest prices, without I/O: the API's portfolio bodies,
portfolio alerts and exports all value holdings here, so they agree to the cent.

Each holding's value is its exact quantity times its price (the price taken as the decimal its
float prints as), summed exactly; rounding happens only when a body is encoded. The 24 h change
of the whole is value-weighted: the portfolio's value a day ago is each holding's value divided
by (1 + its change), holdings without a known change counted as unchanged.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from shared.models import SIMULATED_SOURCE, AssetKind, Holding, PricePoint

Prices = Mapping[tuple[str, str], PricePoint]


@dataclass(frozen=True, slots=True)
class HoldingValue:
    holding: Holding
    #: None while the symbol has no price in the currency asked for.
    point: PricePoint | None
    value: Decimal | None

    @property
    def profit(self) -> Decimal | None:
        """Value minus cost basis, when both are known in the same currency."""
        if self.value is None or self.holding.cost_basis is None or self.point is None:
            return None
        if self.holding.currency != self.point.currency:
            return None
        return self.value - self.holding.cost_basis


@dataclass(frozen=True, slots=True)
class Valuation:
    currency: str
    holdings: list[HoldingValue]
    total: Decimal
    crypto: Decimal
    stock: Decimal
    #: Percent, value-weighted; None when nothing is priced.
    change_24h: float | None
    #: Against the cost basis of the holdings that have one in this currency; None when none do,
    #: or when one of them has no price yet (a partial sum would mislead).
    profit: Decimal | None
    #: The oldest price used (epoch seconds), 0 when none.
    priced_at: int

    @property
    def unpriced(self) -> list[str]:
        return [v.holding.symbol for v in self.holdings if v.point is None]

    @property
    def closed(self) -> bool:
        """Some stock is valued at its last close."""
        return any(v.point is not None and v.point.closed for v in self.holdings)

    @property
    def simulated(self) -> bool:
        return any(v.point is not None and v.point.source == SIMULATED_SOURCE for v in self.holdings)


@functools.lru_cache(maxsize=8192)
def exact(number: float) -> Decimal:
    """The decimal a float prints as (cached: one cycle values thousands of portfolios at the
    same few hundred prices)."""
    return Decimal(repr(number))


def value(holdings: Sequence[Holding], prices: Prices, currency: str) -> Valuation:
    """`holdings` valued at `prices` ((symbol, currency) -> latest point) in `currency`."""
    values: list[HoldingValue] = []
    subtotal = {AssetKind.CRYPTO: Decimal(0), AssetKind.STOCK: Decimal(0)}
    day_ago = Decimal(0)
    for holding in holdings:
        point = prices.get((holding.symbol, currency))
        if point is None:
            values.append(HoldingValue(holding, None, None))
            continue
        worth = holding.quantity * exact(point.price)
        values.append(HoldingValue(holding, point, worth))
        subtotal[holding.kind] += worth
        change = point.change_24h
        day_ago += worth if change is None or change <= -100 else worth / exact(1 + change / 100)
    total = subtotal[AssetKind.CRYPTO] + subtotal[AssetKind.STOCK]
    priced = [v for v in values if v.point is not None]
    return Valuation(
        currency=currency,
        holdings=values,
        total=total,
        crypto=subtotal[AssetKind.CRYPTO],
        stock=subtotal[AssetKind.STOCK],
        change_24h=float((total / day_ago - 1) * 100) if priced and day_ago > 0 else None,
        profit=_profit(values, currency),
        priced_at=min((v.point.updated_at for v in priced if v.point is not None), default=0),
    )


def _profit(values: Sequence[HoldingValue], currency: str) -> Decimal | None:
    with_cost = [v for v in values if v.holding.cost_basis is not None and v.holding.currency == currency]
    if not with_cost or any(v.value is None for v in with_cost):
        return None
    return sum((v.profit or Decimal(0) for v in with_cost), Decimal(0))
