"""Price validation: non-finite, non-positive and absurd jumps are dropped, the rest kept."""

from __future__ import annotations

import logging
import math

from hypothesis import given
from hypothesis import strategies as st

from shared.models import PricePoint
from updater.validate import REFERENCE_MAX_AGE, last_good, validate

NOW = 1_750_000_000


def point(symbol: str, price: float, currency: str = "usd", at: int = NOW) -> PricePoint:
    return PricePoint(symbol, currency, price, 0.5, at, "coingecko")


def test_bad_points_are_dropped_with_a_reason_and_the_rest_kept(caplog) -> None:
    previous = {("BTC", "usd"): 60_000.0, ("ETH", "usd"): 3_000.0, ("SOL", "usd"): 150.0}
    points = [
        point("BTC", math.nan),
        point("ETH", -3_000.0),
        point("SOL", 150_000.0),
        point("ADA", 0.0),
        point("XRP", math.inf),
        point("DOGE", 0.12),
        point("BTC", 61_000.0, "eur"),
    ]
    with caplog.at_level(logging.WARNING):
        checked = validate(points, previous, max_jump=10.0)
    assert [(p.symbol, p.currency) for p in checked.accepted] == [("DOGE", "usd"), ("BTC", "eur")]
    reasons = {r.point.symbol: r.reason for r in checked.rejected}
    assert reasons["BTC"] == "price is nan"
    assert reasons["ETH"] == "price -3000.0 is not positive"
    assert reasons["SOL"] == "price 150000 is 1e+03x the last good 150 (limit 10x)"
    assert reasons["ADA"] == "price 0.0 is not positive"
    assert reasons["XRP"] == "price is inf"
    assert "rejected SOL/usd from coingecko: price 150000 is 1e+03x" in caplog.text


def test_a_crash_is_a_jump_too() -> None:
    checked = validate([point("BTC", 60.0)], {("BTC", "usd"): 60_000.0}, max_jump=10.0)
    assert checked.accepted == [] and "1e+03x the last good" in checked.rejected[0].reason


def test_stale_references_are_not_used_to_judge_jumps() -> None:
    stored = [point("BTC", 60_000.0, at=NOW - REFERENCE_MAX_AGE - 1), point("ETH", 3_000.0)]
    assert last_good(stored, NOW) == {("ETH", "usd"): 3_000.0}


prices = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=1e-9, max_value=1e9),
)


@given(
    new=st.lists(st.tuples(st.sampled_from(["BTC", "ETH", "SOL"]), prices), max_size=12),
    old=st.dictionaries(st.sampled_from(["BTC", "ETH", "SOL"]), st.floats(min_value=1e-9, max_value=1e9)),
    max_jump=st.floats(min_value=1.01, max_value=1e6),
)
def test_validation_keeps_exactly_the_believable_points(
    new: list[tuple[str, float]], old: dict[str, float], max_jump: float
) -> None:
    points = [point(symbol, price) for symbol, price in new]
    previous = {(symbol, "usd"): price for symbol, price in old.items()}
    checked = validate(points, previous, max_jump)

    # Every point ends up on exactly one side, in its original order.
    kept = [id(p) for p in checked.accepted]
    dropped = [id(r.point) for r in checked.rejected]
    assert kept == [id(p) for p in points if id(p) in set(kept)]
    assert dropped == [id(p) for p in points if id(p) not in set(kept)]
    # Every kept price is finite, positive and within max_jump of the reference both ways.
    for p in checked.accepted:
        assert math.isfinite(p.price) and p.price > 0
        ref = old.get(p.symbol)
        tolerance = 1 + 1e-9
        assert ref is None or ref / max_jump / tolerance <= p.price <= ref * max_jump * tolerance
    # Every dropped one breaks a rule.
    for r in checked.rejected:
        ref = old.get(r.point.symbol)
        price = r.point.price
        assert not math.isfinite(price) or price <= 0 or (ref is not None and max(price / ref, ref / price) > max_jump)
