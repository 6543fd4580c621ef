"""Exchange rates from the coins' own prices: the median over coins one source priced in both
currencies, fresh, with its 24 h move; and stock prices converted where no quote exists."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.models import PricePoint
from updater.fx import Rate, converted, cross_rates

NOW = 1_733_300_000


def coin(symbol: str, currency: str, price: float, change: float | None = 0.0, *, age: int = 0,
         source: str = "coingecko") -> PricePoint:
    return PricePoint(symbol, currency, price, change, NOW - age, source)


def test_the_rate_is_the_median_of_the_coins_ratios_both_ways() -> None:
    coins = [
        coin("BTC", "usd", 100_000), coin("BTC", "eur", 92_000),
        coin("ETH", "usd", 4_000), coin("ETH", "eur", 3_720),
        coin("SOL", "usd", 200), coin("SOL", "eur", 150),  # one odd market does not move it
    ]

    rates = cross_rates(coins, ("usd", "eur"), NOW, 600)

    assert rates[("usd", "eur")].factor == pytest.approx(0.92)
    assert rates[("eur", "usd")].factor == pytest.approx(1 / 0.92)


@pytest.mark.parametrize(
    "coins",
    [
        [coin("BTC", "usd", 100_000, age=700), coin("BTC", "eur", 92_000, age=700)],  # stale
        [coin("BTC", "usd", 100_000), coin("BTC", "eur", 92_000, source="binance")],  # two sources
        [coin("BTC", "usd", 100_000), coin("ETH", "eur", 3_720)],  # no coin in both
        [],
    ],
)
def test_no_fresh_coin_in_both_currencies_from_one_source_gives_no_rate(coins: list[PricePoint]) -> None:
    assert cross_rates(coins, ("usd", "eur"), NOW, 600) == {}


def test_the_rates_day_move_comes_from_the_coins_changes() -> None:
    # BTC rose 2% in usd and 1% in eur: the euro gained against the dollar over the day
    coins = [coin("BTC", "usd", 100_000, 2.0), coin("BTC", "eur", 92_000, 1.0)]

    rate = cross_rates(coins, ("usd", "eur"), NOW, 600)[("usd", "eur")]
    assert rate.day_factor == pytest.approx(1.01 / 1.02)
    unknown = [coin("BTC", "usd", 100_000, None), coin("BTC", "eur", 92_000, 1.0)]
    without = cross_rates(unknown, ("usd", "eur"), NOW, 600)
    assert without[("usd", "eur")].day_factor is None


def test_a_stock_is_converted_only_where_it_has_no_quote_of_its_own() -> None:
    rates = {("usd", "eur"): Rate(0.92, 1.01 / 1.02), ("usd", "gbp"): Rate(0.79, None)}
    aapl = PricePoint("AAPL", "usd", 200.0, 2.0, NOW, "yahoo", closed=True)
    sap = PricePoint("SAP", "usd", 250.0, None, NOW, "yahoo")
    quoted = PricePoint("SAP", "eur", 230.0, None, NOW, "yahoo")

    out = {(p.symbol, p.currency): p for p in converted([aapl, sap, quoted], rates)}

    assert set(out) == {("AAPL", "eur"), ("AAPL", "gbp"), ("SAP", "gbp")}
    eur = out[("AAPL", "eur")]
    assert (eur.price, eur.source, eur.closed, eur.updated_at) == (pytest.approx(184.0), "yahoo", True, NOW)
    assert eur.change_24h == pytest.approx(1.0)  # +2% in dollars, the dollar down ~1%: +1% in euros
    assert out[("AAPL", "gbp")].change_24h is None  # the rate's move is unknown: so is the change


@given(
    price=st.floats(0.01, 1e6),
    rate=st.floats(0.001, 1000),
    coins=st.lists(st.floats(0.01, 1e6), min_size=1, max_size=5),
)
def test_a_converted_price_is_the_price_times_the_rate_every_coin_agrees_on(
    price: float, rate: float, coins: list[float]
) -> None:
    points = [p for i, usd in enumerate(coins) for p in (coin(f"C{i}", "usd", usd), coin(f"C{i}", "eur", usd * rate))]

    rates = cross_rates(points, ("usd", "eur"), NOW, 600)
    (out,) = converted([PricePoint("AAPL", "usd", price, None, NOW, "yahoo")], rates)

    assert out.price == pytest.approx(price * rate, rel=1e-9)
