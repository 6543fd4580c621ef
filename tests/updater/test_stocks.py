"""Stock prices in the cycle: Yahoo's chart endpoint over real HTTP (the fake in tests/support),
Stooq's quote CSV for what Yahoo fails on or refuses, every held stock and STOCK_SYMBOLS priced
within the per-cycle budget, validated like coins, the last close marked outside market hours,
and the demo source simulating stocks too."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from shared.config import Settings
from shared.ids import new_id, now
from shared.models import SIMULATED_SOURCE, AssetKind, Holding, PricePoint
from shared.store.sqlite import SQLiteStore
from shared.valuation import value
from tests.support.fake_stooq import FakeStooq, running_fake_stooq
from tests.support.fake_upstream import FakeUpstream, Fault
from tests.support.fake_yahoo import FakeYahoo, running_fake_yahoo
from tests.updater.conftest import LEVELS
from updater.cycle import run_cycle
from updater.sources.http import RetryPolicy
from updater.sources.per_symbol import CONCURRENCY
from updater.stocks import StockPricing


@pytest.fixture(scope="module")
def yahoo_server() -> Iterator[FakeYahoo]:
    with running_fake_yahoo() as yahoo:
        yield yahoo


@pytest.fixture
def yahoo(yahoo_server: FakeYahoo) -> FakeYahoo:
    yahoo_server.reset()
    yahoo_server.set_stock("AAPL", 189.84, previous_close=187.5)
    yahoo_server.set_stock("MSFT", 420.5, previous_close=430.0)
    return yahoo_server


@pytest.fixture(scope="module")
def stooq_server() -> Iterator[FakeStooq]:
    with running_fake_stooq() as stooq:
        yield stooq


@pytest.fixture
def stooq(stooq_server: FakeStooq) -> FakeStooq:
    stooq_server.reset()
    return stooq_server


@pytest.fixture
def settings(fake: FakeUpstream, yahoo: FakeYahoo, stooq: FakeStooq, tmp_path: Path) -> Settings:
    return fake.settings(
        tmp_path, supported_symbols=("BTC", "ETH"), stock_api_url=yahoo.url, stock_fallback_api_url=stooq.url
    )


def hold(store: SQLiteStore, user_id: str, *symbols: str) -> None:
    at = now()
    for symbol in symbols:
        holding = Holding(new_id("ast"), user_id, symbol, AssetKind.STOCK, Decimal(10), "usd", at, at)
        store.add_holding(holding, cap=50)


def quoted(yahoo: FakeYahoo, count: int) -> list[str]:
    """`count` stocks S0, S1... that Yahoo quotes at 10."""
    symbols = [f"S{i}" for i in range(count)]
    for symbol in symbols:
        yahoo.set_stock(symbol, 10.0)
    return symbols


def cycle(settings: Settings, store: SQLiteStore, retry: RetryPolicy, source: str | None = None) -> None:
    status = asyncio.run(run_cycle(settings, store, source, retry=retry, steps=[StockPricing(retry=retry)]))
    assert status.ok


def latest(store: SQLiteStore) -> dict[str, PricePoint]:
    return {p.symbol: p for p in store.latest_prices() if p.currency == "usd"}


def test_held_stocks_and_stock_symbols_are_priced_beside_the_coins(
    settings: Settings, sqlite_store: SQLiteStore, yahoo: FakeYahoo, fast_retry: RetryPolicy
) -> None:
    hold(sqlite_store, "usr_ada", "AAPL")

    cycle(replace(settings, stock_symbols=("MSFT",)), sqlite_store, fast_retry)

    prices = latest(sqlite_store)
    assert {"BTC", "ETH", "AAPL", "MSFT"} <= set(prices)
    aapl = prices["AAPL"]
    assert (aapl.price, aapl.source, aapl.closed) == (189.84, "yahoo", False)
    assert aapl.change_24h == pytest.approx((189.84 / 187.5 - 1) * 100)
    assert sorted(yahoo.requests) == ["AAPL", "MSFT"]


def test_outside_market_hours_the_last_close_is_marked_and_timed_when_fetched(
    settings: Settings, sqlite_store: SQLiteStore, yahoo: FakeYahoo, fast_retry: RetryPolicy
) -> None:
    hold(sqlite_store, "usr_ada", "AAPL")
    yahoo.close_market()
    yahoo.set_stock("AAPL", 189.84, previous_close=187.5, traded_at=now() - 7200)
    before = now()

    cycle(settings, sqlite_store, fast_retry)

    aapl = latest(sqlite_store)["AAPL"]
    assert aapl.closed is True and aapl.price == 189.84
    assert aapl.updated_at >= before  # the close is still the price now: not stale over a weekend


def test_an_unknown_symbol_is_left_out_and_the_others_priced(
    settings: Settings, sqlite_store: SQLiteStore, yahoo: FakeYahoo, stooq: FakeStooq, fast_retry: RetryPolicy
) -> None:
    hold(sqlite_store, "usr_ada", "AAPL", "NOPE")

    cycle(settings, sqlite_store, fast_retry)

    prices = latest(sqlite_store)
    assert "AAPL" in prices and "NOPE" not in prices
    assert stooq.requests == ["s=nope.us&f=sd2t2ohlcv&h&e=csv"]  # asked once, answered N/D


def test_a_stock_yahoo_refuses_is_priced_by_stooq(
    settings: Settings, sqlite_store: SQLiteStore, yahoo: FakeYahoo, stooq: FakeStooq, fast_retry: RetryPolicy
) -> None:
    hold(sqlite_store, "usr_ada", "AAPL", "BRK-B")
    stooq.set_stock("brk-b.us", 476.2)
    stooq.set_stock("aapl.us", 1.0)  # never asked: Yahoo priced it

    cycle(settings, sqlite_store, fast_retry)

    prices = latest(sqlite_store)
    assert (prices["AAPL"].source, prices["AAPL"].price) == ("yahoo", 189.84)
    assert (prices["BRK-B"].source, prices["BRK-B"].price, prices["BRK-B"].change_24h) == ("stooq", 476.2, None)
    assert [query.split("&")[0] for query in stooq.requests] == ["s=brk-b.us"]


def test_when_yahoo_is_down_stooq_prices_every_us_stock_and_the_jump_check_still_holds(
    settings: Settings, sqlite_store: SQLiteStore, yahoo: FakeYahoo, stooq: FakeStooq, fast_retry: RetryPolicy
) -> None:
    hold(sqlite_store, "usr_ada", "AAPL", "MSFT")
    cycle(settings, sqlite_store, fast_retry)
    yahoo.fail(Fault.error(503))
    stooq.set_stock("aapl.us", 190.5)
    stooq.set_stock("msft.us", 420_000.0)  # an absurd jump against Yahoo's 420.5

    cycle(settings, sqlite_store, fast_retry)

    prices = latest(sqlite_store)
    assert (prices["AAPL"].source, prices["AAPL"].price) == ("stooq", 190.5)
    assert (prices["MSFT"].source, prices["MSFT"].price) == ("yahoo", 420.5)
    # at most the retries of one call per stock on each source: two calls a stock at most, no more
    assert len(stooq.requests) == 2 and len(yahoo.requests) <= 2 + 2 * fast_retry.attempts


def test_when_both_sources_fail_the_last_stock_prices_are_kept(
    settings: Settings, sqlite_store: SQLiteStore, yahoo: FakeYahoo, stooq: FakeStooq, fast_retry: RetryPolicy
) -> None:
    hold(sqlite_store, "usr_ada", "AAPL")
    cycle(settings, sqlite_store, fast_retry)
    yahoo.fail(Fault.error(500))
    stooq.quota_spent = True

    cycle(settings, sqlite_store, fast_retry)

    assert latest(sqlite_store)["AAPL"].price == 189.84
    assert len(stooq.requests) == 1


def test_an_absurd_jump_is_rejected_and_the_last_good_price_kept(
    settings: Settings, sqlite_store: SQLiteStore, yahoo: FakeYahoo, fast_retry: RetryPolicy
) -> None:
    hold(sqlite_store, "usr_ada", "AAPL")
    cycle(settings, sqlite_store, fast_retry)
    yahoo.set_stock("AAPL", 189_840.0)

    cycle(settings, sqlite_store, fast_retry)

    assert latest(sqlite_store)["AAPL"].price == 189.84


def test_rate_limited_stock_calls_stop_and_keep_the_last_prices(
    settings: Settings, sqlite_store: SQLiteStore, yahoo: FakeYahoo, fast_retry: RetryPolicy
) -> None:
    hold(sqlite_store, "usr_ada", "AAPL", *quoted(yahoo, 10))
    cycle(settings, sqlite_store, fast_retry)
    yahoo.requests.clear()
    yahoo.fail(Fault.error(429))

    cycle(settings, sqlite_store, fast_retry)

    assert latest(sqlite_store)["AAPL"].price == 189.84
    # the calls in flight when the first 429 came retried; none of the others started
    assert len(yahoo.requests) <= CONCURRENCY * fast_retry.attempts < 11 * fast_retry.attempts


def test_a_cycle_prices_at_most_the_budget_least_recently_priced_first(
    settings: Settings, sqlite_store: SQLiteStore, yahoo: FakeYahoo, fast_retry: RetryPolicy
) -> None:
    symbols = quoted(yahoo, 5)
    hold(sqlite_store, "usr_ada", *symbols)
    budget = replace(settings, stock_max_symbols=2)

    rounds = []
    for _ in range(3):
        yahoo.requests.clear()
        cycle(budget, sqlite_store, fast_retry)
        rounds.append(sorted(yahoo.requests))

    assert all(len(asked) == 2 for asked in rounds)
    assert set().union(*rounds) == set(symbols)


def test_a_us_stock_is_priced_in_euros_at_the_rate_the_coins_give(
    settings: Settings, sqlite_store: SQLiteStore, fast_retry: RetryPolicy
) -> None:
    hold(sqlite_store, "usr_ada", "AAPL")
    sqlite_store.add_holding(Holding(new_id("ast"), "usr_ada", "BTC", AssetKind.CRYPTO, Decimal("0.5"), "usd", now(),
                                     now()), cap=50)

    cycle(replace(settings, vs_currencies=("usd", "eur")), sqlite_store, fast_retry)

    prices = {(p.symbol, p.currency): p for p in sqlite_store.latest_prices()}
    (btc_usd, btc_eur), (eth_usd, eth_eur) = LEVELS["BTC"], LEVELS["ETH"]
    rate = (btc_eur / btc_usd + eth_eur / eth_usd) / 2  # the median of the two coins' ratios
    aapl = prices[("AAPL", "eur")]
    assert aapl.price == pytest.approx(189.84 * rate) and aapl.source == "yahoo"
    assert aapl.change_24h == pytest.approx(prices[("AAPL", "usd")].change_24h)  # the coins moved alike
    worth = value(sqlite_store.list_holdings("usr_ada"), prices, "eur")
    assert worth.unpriced == []
    assert worth.total == pytest.approx(Decimal("0.5") * Decimal(repr(btc_eur)) + 10 * Decimal(repr(189.84 * rate)))


def test_without_a_fresh_coin_rate_a_stock_stays_unpriced_in_euros(
    settings: Settings, sqlite_store: SQLiteStore, fake: FakeUpstream, fast_retry: RetryPolicy
) -> None:
    hold(sqlite_store, "usr_ada", "AAPL")
    fake.fail("coingecko", Fault.error(500))
    fake.fail("binance", Fault.error(500))

    status = asyncio.run(run_cycle(replace(settings, vs_currencies=("usd", "eur")), sqlite_store, retry=fast_retry,
                                   steps=[StockPricing(retry=fast_retry)]))

    prices = {(p.symbol, p.currency): p for p in sqlite_store.latest_prices()}
    assert not status.ok and ("AAPL", "usd") in prices and ("AAPL", "eur") not in prices
    assert value(sqlite_store.list_holdings("usr_ada"), prices, "eur").unpriced == ["AAPL"]  # not a guess


def test_the_demo_source_simulates_stocks(settings: Settings, sqlite_store: SQLiteStore, fast_retry: RetryPolicy,
                                          yahoo: FakeYahoo, stooq: FakeStooq) -> None:
    hold(sqlite_store, "usr_ada", "AAPL")

    cycle(settings, sqlite_store, fast_retry, source="demo")

    aapl = latest(sqlite_store)["AAPL"]
    assert aapl.source == SIMULATED_SOURCE and 50 < aapl.price < 1000
    assert yahoo.requests == [] and stooq.requests == []
