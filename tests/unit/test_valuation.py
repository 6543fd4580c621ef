"""Valuation: exact sums, subtotals by kind, the weighted 24 h change and profit or loss."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from shared.models import AssetKind, Holding, PricePoint
from shared.valuation import value


def holding(symbol: str, quantity: str, kind: AssetKind = AssetKind.CRYPTO, cost: str | None = None) -> Holding:
    return Holding(
        f"ast_{symbol}", "usr_ada", symbol, kind, Decimal(quantity), "usd", 0, 0,
        None if cost is None else Decimal(cost),
    )


def prices(*points: PricePoint) -> dict[tuple[str, str], PricePoint]:
    return {(p.symbol, p.currency): p for p in points}


BTC = PricePoint("BTC", "usd", 60_000.0, 10.0, 1_700_000_000, "coingecko")
AAPL = PricePoint("AAPL", "usd", 200.0, -20.0, 1_699_999_000, "yahoo", closed=True)


def test_half_a_bitcoin_and_ten_apple_shares() -> None:
    held = [holding("BTC", "0.5", cost="20000"), holding("AAPL", "10", AssetKind.STOCK)]
    worth = value(held, prices(BTC, AAPL), "usd")

    assert (worth.total, worth.crypto, worth.stock) == (Decimal("32000.0"), Decimal("30000.0"), Decimal("2000.0"))
    # a day ago: 30000 / 1.1 + 2000 / 0.8 = 29772.73; now 32000
    assert round(worth.change_24h or 0, 6) == round((32000 / (30000 / 1.1 + 2500) - 1) * 100, 6)
    assert worth.profit == Decimal("10000.0")  # only BTC has a cost basis
    assert worth.priced_at == AAPL.updated_at and worth.closed and not worth.simulated


def test_an_unpriced_holding_is_listed_and_hides_a_partial_profit() -> None:
    worth = value([holding("BTC", "1"), holding("TSLA", "3", AssetKind.STOCK, cost="600")], prices(BTC), "usd")

    assert worth.total == Decimal("60000.0") and worth.unpriced == ["TSLA"]
    assert worth.profit is None


def test_another_currency_values_only_what_is_priced_in_it() -> None:
    worth = value([holding("BTC", "1", cost="1")], prices(BTC), "eur")

    assert worth.total == 0 and worth.change_24h is None and worth.unpriced == ["BTC"]
    assert worth.priced_at == 0


def test_an_empty_portfolio_is_worth_nothing() -> None:
    worth = value([], prices(BTC), "usd")

    assert (worth.total, worth.change_24h, worth.profit) == (0, None, None)


QUANTITIES = st.decimals(min_value=Decimal("0.000001"), max_value=Decimal("1000000"), places=6)


@given(st.lists(QUANTITIES, min_size=1, max_size=10))
def test_the_total_is_the_exact_sum_of_quantity_times_price(quantities: list[Decimal]) -> None:
    held = [holding(f"C{i}", str(q)) for i, q in enumerate(quantities)]
    quotes = prices(*(PricePoint(f"C{i}", "usd", 1.1 + i, 0.0, 1, "x") for i in range(len(held))))

    worth = value(held, quotes, "usd")

    assert worth.total == sum((q * Decimal(repr(1.1 + i)) for i, q in enumerate(quantities)), Decimal(0))
    assert worth.change_24h == 0.0
