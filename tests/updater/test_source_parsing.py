"""CoinGecko, Binance and demo sources: request shape and response parsing, edge cases
answered by httpx.MockTransport (the fake upstream covers the same over real HTTP)."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Sequence

import httpx
import pytest

from shared.models import PricePoint
from updater.sources.base import PriceSource, SourceError
from updater.sources.binance import BinanceSource
from updater.sources.coingecko import CoinGeckoSource, batches
from updater.sources.demo import DemoSource
from updater.sources.http import RetryPolicy

Handler = Callable[[httpx.Request], httpx.Response]
NO_RETRY = RetryPolicy(attempts=1)


def run(
    make: Callable[[httpx.AsyncClient], PriceSource],
    handler: Handler,
    symbols: Sequence[str] = ("BTC", "ETH"),
    currencies: Sequence[str] = ("usd",),
) -> list[PricePoint]:
    async def go() -> list[PricePoint]:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            return await make(client).fetch(symbols, currencies)

    return asyncio.run(go())


def coingecko(api_key: str | None = None, plan: str = "demo") -> Callable[[httpx.AsyncClient], PriceSource]:
    def make(client: httpx.AsyncClient) -> PriceSource:
        return CoinGeckoSource(client, "http://cg.test/api/v3", api_key=api_key, plan=plan, retry=NO_RETRY)

    return make


def binance(client: httpx.AsyncClient) -> PriceSource:
    return BinanceSource(client, "http://bn.test", retry=NO_RETRY)


def replying(body: object, seen: list[httpx.Request] | None = None) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        return httpx.Response(200, json=body)

    return handler


# --- CoinGecko ---------------------------------------------------------------------------


def test_coingecko_maps_ids_back_to_symbols_with_change_and_time() -> None:
    seen: list[httpx.Request] = []
    body = {
        "bitcoin": {
            "usd": 67187.33,
            "usd_24h_change": 3.63,
            "eur": 62000.1,
            "eur_24h_change": 3.1,
            "last_updated_at": 1711356300,
        },
        "ethereum": {"usd": 3400, "usd_24h_change": None, "last_updated_at": 1711356290},
    }
    points = run(coingecko(), replying(body, seen), currencies=("usd", "eur"))
    assert sorted(points, key=lambda p: (p.symbol, p.currency)) == [
        PricePoint("BTC", "eur", 62000.1, 3.1, 1711356300, "coingecko"),
        PricePoint("BTC", "usd", 67187.33, 3.63, 1711356300, "coingecko"),
        PricePoint("ETH", "usd", 3400.0, None, 1711356290, "coingecko"),
    ]
    (request,) = seen
    assert request.url.path == "/api/v3/simple/price"
    assert dict(request.url.params) == {
        "ids": "bitcoin,ethereum",
        "vs_currencies": "usd,eur",
        "include_24hr_change": "true",
        "include_last_updated_at": "true",
        "precision": "full",
    }


@pytest.mark.parametrize(("plan", "header"), [("demo", "x-cg-demo-api-key"), ("pro", "x-cg-pro-api-key")])
def test_coingecko_sends_the_key_in_the_plans_header(plan: str, header: str) -> None:
    seen: list[httpx.Request] = []
    run(coingecko(api_key="CG-secret", plan=plan), replying({"bitcoin": {"usd": 1.0}}, seen))
    sent = {name for name in seen[0].headers if name.startswith("x-cg-")}
    assert sent == {header}
    assert seen[0].headers[header] == "CG-secret"


def test_coingecko_sends_no_key_header_without_a_key() -> None:
    seen: list[httpx.Request] = []
    run(coingecko(), replying({"bitcoin": {"usd": 1.0}}, seen))
    assert not any(name.startswith("x-cg-") for name in seen[0].headers)


def test_batches_keep_each_query_short_and_lose_no_id() -> None:
    ids = [f"coin-number-{n}" for n in range(400)]
    groups = list(batches(ids, max_chars=500))
    assert len(groups) > 1
    assert all(len(",".join(group)) <= 500 for group in groups)
    assert [coin for group in groups for coin in group] == ids


def test_coingecko_without_a_price_for_some_symbol_keeps_the_others(caplog) -> None:
    with caplog.at_level(logging.WARNING):
        points = run(coingecko(), replying({"bitcoin": {"usd": 5.0, "last_updated_at": 10}}))
    assert [(p.symbol, p.price) for p in points] == [("BTC", 5.0)]
    assert "no price for ETH" in caplog.text


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ([], "expected an object for the response"),
        ({"bitcoin": "67000"}, "expected an object for 'bitcoin'"),
        ({"bitcoin": {"usd": "lots"}}, "bitcoin.usd is 'lots', not a number"),
        ({"bitcoin": {"usd": True}}, "bitcoin.usd is True, not a number"),
        ({"bitcoin": {"usd": 1.0, "last_updated_at": "yesterday"}}, "last_updated_at"),
        ({}, "the response held no prices"),
    ],
)
def test_coingecko_malformed_bodies_are_source_errors(body: object, message: str) -> None:
    with pytest.raises(SourceError, match=message):
        run(coingecko(), replying(body))


# --- Binance -----------------------------------------------------------------------------


def ticker(pair: str, price: str, change: str = "1.500", close_ms: int = 1711356300123) -> dict[str, object]:
    return {"symbol": pair, "lastPrice": price, "priceChangePercent": change, "closeTime": close_ms}


def test_binance_asks_for_usdt_pairs_in_one_call_and_parses_strings() -> None:
    seen: list[httpx.Request] = []
    body = [ticker("BTCUSDT", "67187.33000000"), ticker("ETHUSDT", "3400.10", "-2.250")]
    points = run(binance, replying(body, seen))
    assert points == [
        PricePoint("BTC", "usd", 67187.33, 1.5, 1711356300, "binance"),
        PricePoint("ETH", "usd", 3400.1, -2.25, 1711356300, "binance"),
    ]
    (request,) = seen
    assert request.url.path == "/api/v3/ticker/24hr"
    assert json.loads(request.url.params["symbols"]) == ["BTCUSDT", "ETHUSDT"]


def test_binance_never_asks_for_pairs_it_does_not_know() -> None:
    seen: list[httpx.Request] = []
    run(binance, replying([ticker("BTCUSDT", "1")], seen), symbols=("BTC", "XMR", "NOSUCHCOIN"))
    assert json.loads(seen[0].url.params["symbols"]) == ["BTCUSDT"]


def test_binance_other_currencies_fail_on_their_own_keeping_usd(caplog) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        pairs = json.loads(request.url.params["symbols"])
        if pairs == ["BTCEUR", "ETHEUR"]:
            return httpx.Response(400, json={"code": -1121, "msg": "Invalid symbol."})
        return httpx.Response(200, json=[ticker(pair, "10") for pair in pairs])

    with caplog.at_level(logging.WARNING):
        points = run(binance, handler, currencies=("usd", "eur"))
    assert {(p.symbol, p.currency) for p in points} == {("BTC", "usd"), ("ETH", "usd")}
    assert "Invalid symbol" in caplog.text


def test_binance_prices_other_currencies_from_the_shipped_pairs() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=[ticker(p, "2") for p in json.loads(request.url.params["symbols"])])

    points = run(binance, handler, symbols=("BTC", "TRX"), currencies=("usd", "eur"))
    assert {(p.symbol, p.currency) for p in points} == {
        ("BTC", "usd"),
        ("TRX", "usd"),
        ("BTC", "eur"),
    }


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"code": 0}, "expected a list for the response"),
        (["BTCUSDT"], "expected an object for ticker 0"),
        ([ticker("BTCUSDT", "abc")], "BTCUSDT.lastPrice is 'abc', not a number"),
        ([{"symbol": "BTCUSDT", "priceChangePercent": "1", "closeTime": 1}], "lastPrice is None"),
        ([ticker("BTCUSDT", "1", close_ms=-5)], "closeTime"),
        ([], "the response held no prices"),
    ],
)
def test_binance_malformed_bodies_are_source_errors(body: object, message: str) -> None:
    with pytest.raises(SourceError, match=message):
        run(binance, replying(body))


# --- demo --------------------------------------------------------------------------------


def demo_points(at: float, seed: int = 0) -> list[PricePoint]:
    source = DemoSource(seed=seed, clock=lambda: at)
    return asyncio.run(source.fetch(["BTC", "ETH", "USDC", "NEWCOIN"], ["usd", "eur"]))


def test_demo_prices_are_labelled_simulated_and_near_realistic_levels() -> None:
    points = {(p.symbol, p.currency): p for p in demo_points(1_750_000_000)}
    assert {p.source for p in points.values()} == {"demo (simulated)"}
    assert 30_000 < points["BTC", "usd"].price < 130_000
    assert 0.98 < points["USDC", "usd"].price < 1.02
    assert points["BTC", "eur"].price < points["BTC", "usd"].price
    assert points["NEWCOIN", "usd"].price > 0
    assert all(p.updated_at == 1_750_000_000 for p in points.values())


def test_demo_prices_move_over_time_and_agree_between_processes() -> None:
    first, same, later = (
        demo_points(1_750_000_000),
        demo_points(1_750_000_000),
        demo_points(1_750_000_300),
    )
    assert first == same
    assert [p.price for p in first] != [p.price for p in later]
    ratio = later[0].price / first[0].price
    assert 0.98 < ratio < 1.02  # five minutes apart: a walk, not a jump


def test_demo_24h_change_is_the_paths_own_change() -> None:
    at = 1_750_000_000
    now, day_ago = demo_points(at)[0], demo_points(at - 86_400)[0]
    assert now.change_24h == pytest.approx((now.price / day_ago.price - 1) * 100)
