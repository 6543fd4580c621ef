"""The compact watch payload: what a watch decodes, and that it stays small."""

from __future__ import annotations

import math

import orjson
from hypothesis import given
from hypothesis import strategies as st

from api.payload import encode_history, encode_price, encode_prices, round_significant
from shared.models import SIMULATED_SOURCE, PricePoint

prices = st.floats(min_value=1e-9, max_value=1e9, allow_nan=False, allow_infinity=False)
changes = st.one_of(st.none(), st.floats(min_value=-99.99, max_value=10_000, allow_nan=False))
symbols = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=12)


def point(symbol: str, price: float, change: float | None = 1.5, at: int = 1_763_790_000) -> PricePoint:
    return PricePoint(symbol, "usd", price, change, at, "coingecko")


@given(st.dictionaries(symbols, st.tuples(prices, changes), min_size=1, max_size=25))
def test_prices_round_trip_within_six_significant_digits(entries: dict[str, tuple[float, float | None]]) -> None:
    points = [point(s, p, c) for s, (p, c) in entries.items()]
    decoded = orjson.loads(encode_prices(points, None, [], stale=False))
    assert "c" not in decoded
    assert decoded["t"] == 1_763_790_000
    assert "s" not in decoded and "u" not in decoded
    for symbol, (price, change) in entries.items():
        got_price, got_change = decoded["p"][symbol]
        assert math.isclose(got_price, price, rel_tol=5e-6)
        if change is None:
            assert got_change is None
        else:
            assert abs(got_change - change) <= 0.005 + 1e-9


@given(st.lists(st.tuples(prices, changes), min_size=3, max_size=3))
def test_three_symbols_fit_in_120_bytes(values: list[tuple[float, float | None]]) -> None:
    points = [point(s, p, c) for s, (p, c) in zip(("BTC", "ETH", "SOL"), values, strict=True)]
    assert len(encode_prices(points, "usd", [], stale=False)) <= 120


def test_three_of_the_longest_default_symbols_fit_in_120_bytes_with_every_flag() -> None:
    points = [
        PricePoint("DOGE", "usd", 0.3876543, -12.345, 1_763_790_000, SIMULATED_SOURCE),
        PricePoint("AVAX", "usd", 41.05234, -10.256, 1_763_790_000, SIMULATED_SOURCE),
        PricePoint("LINK", "usd", 22.50123, 110.5, 1_763_790_000, SIMULATED_SOURCE),
    ]
    body = encode_prices(points, "usd", [], stale=True)
    assert orjson.loads(body)["s"] == orjson.loads(body)["d"] == 1
    assert len(body) <= 120


def test_documented_example_bodies() -> None:
    three = [point("BTC", 97123.4567, -1.2345), point("ETH", 3456.789, 0.85), point("SOL", 245.1234, 3.1)]
    assert encode_prices(three, None, [], stale=False) == (
        b'{"t":1763790000,"p":{"BTC":[97123.5,-1.23],"ETH":[3456.79,0.85],"SOL":[245.123,3.1]}}'
    )
    assert encode_price(three[0], None, stale=False) == b'{"t":1763790000,"p":[97123.5,-1.23]}'


def test_the_currency_is_named_only_when_the_server_chose_it() -> None:
    btc = point("BTC", 97123.4567, -1.2345)
    assert orjson.loads(encode_prices([btc], "usd", [], stale=False))["c"] == "usd"
    assert orjson.loads(encode_price(btc, "usd", stale=False)) == {
        "c": "usd", "t": 1_763_790_000, "p": [97123.5, -1.23]
    }
    assert "c" not in orjson.loads(encode_history("BTC", None, 1_763_790_000, 3600, [1.0, 2.0]))


def test_one_coin_without_a_price_yet_is_null_not_an_error() -> None:
    assert orjson.loads(encode_price(None, None, stale=False)) == {"t": 0, "p": None}


@given(prices, changes)
def test_one_coin_body_stays_under_45_bytes_whatever_the_price(price: float, change: float | None) -> None:
    """A single-coin face's poll: a ten-digit time, six significant digits, a two-decimal change
    and nothing else (CoinGecko's body for one coin is about 100 bytes)."""
    assert len(encode_price(point("BTC", price, change), None, stale=False)) <= 44


def test_unknown_and_stale_are_reported_only_when_true() -> None:
    decoded = orjson.loads(encode_prices([point("BTC", 1.0)], "usd", ["NOPE"], stale=True))
    assert decoded["u"] == ["NOPE"]
    assert decoded["s"] == 1


def test_simulated_prices_say_so_and_real_ones_do_not() -> None:
    demo = PricePoint("BTC", "usd", 65_000.0, 1.0, 1_763_790_000, SIMULATED_SOURCE)
    assert orjson.loads(encode_prices([demo], "usd", [], stale=False))["d"] == 1
    assert orjson.loads(encode_price(demo, None, stale=True)) == {"t": 1_763_790_000, "p": [65000, 1], "s": 1, "d": 1}
    assert "d" not in orjson.loads(encode_prices([point("BTC", 1.0)], "usd", [], stale=False))


def test_whole_prices_have_no_decimal_point() -> None:
    assert round_significant(97123.4) == 97123.4
    assert round_significant(1_234_567.0) == 1_234_570
    assert isinstance(round_significant(1_234_567.0), int)
    assert round_significant(0.000012345678) == 0.0000123457


def test_history_body_is_compact() -> None:
    body = encode_history("BTC", "usd", 1_763_790_000, 3600, [96011.123, None, 96250.5])
    assert orjson.loads(body) == {"s": "BTC", "c": "usd", "t": 1_763_790_000, "i": 3600, "p": [96011.1, None, 96250.5]}
