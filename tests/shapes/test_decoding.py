"""Decoding a body into its model: the 400s name the field, and the rules the models alone do
not give (null is absent, 938.0 is an integer, JSON Schema's white space, one value per field)."""

from __future__ import annotations

from decimal import Decimal

import msgspec
import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.payload import encode_history, encode_price, encode_prices, with_next_refresh
from api.portfolio_body import encode_portfolio, portfolio_data
from api.requests import decode
from shared.errors import InvalidInput
from shared.models import SIMULATED_SOURCE, AssetKind, Holding, PricePoint, Scope
from shared.shapes.keys import KeyCreate, KeyRoll
from shared.shapes.portfolio import Portfolio
from shared.shapes.prices import History, Price, Prices
from shared.valuation import value


def refusal(body: bytes, model: type[msgspec.Struct]) -> tuple[str, str]:
    with pytest.raises(InvalidInput) as caught:
        decode(body, model)
    return caught.value.code, caught.value.message


def test_a_valid_body_decodes_trimmed_with_nulls_as_absent() -> None:
    key = decode(b'{"user_id": " usr_1\\u00a0", "scope": "watch", "label": null, "rate_limit": 938.0}', KeyCreate)
    assert key == KeyCreate(user_id="usr_1", scope=Scope.WATCH, rate_limit=938)
    assert type(key.rate_limit) is int


@pytest.mark.parametrize(
    ("body", "code", "names"),
    [
        (b'{"user_id": "u", "scope": "watch", "secret": 1}', "unknown_field", "'secret'; accepted: expires_at"),
        (b'{"scope": "watch"}', "missing_field", "user_id is required"),
        (b'{"user_id": null, "scope": "watch"}', "missing_field", "user_id is required"),
        (b'{"user_id": "u", "scope": "watch", "rate_limit": "10"}', "invalid_type", "rate_limit must be a whole"),
        (b'{"user_id": "u", "scope": "watch", "rate_limit": 2.5}', "invalid_type", "rate_limit must be a whole"),
        (b'{"user_id": "u", "scope": "watch", "rate_limit": 0}', "invalid_field", "from 1 to 1000000, not 0"),
        (b'{"user_id": "u", "scope": "root"}', "invalid_field", "scope must be one of watch, admin"),
        (b'{"user_id": " \\u00a0", "scope": "watch"}', "invalid_field", "user_id must be 1 to 200 characters"),
        (b'{"user_id": "u", "scope": "watch", "label": true}', "invalid_type", "label must be a string"),
        (b'{"user_id": "u", "scope": "watch", "scope": "admin"}', "duplicate_field", "'scope' appears twice"),
        (b'[1]', "invalid_json", "JSON object"),
        (b'{"user_id": "u", "scope": NaN}', "invalid_json", "not valid JSON"),
    ],
)
def test_refusals_name_the_field(body: bytes, code: str, names: str) -> None:
    got_code, message = refusal(body, KeyCreate)
    assert got_code == code and names in message, message


def test_a_duplicate_nested_anywhere_is_refused() -> None:
    assert refusal(b'{"overlap_seconds": 5, "overlap_seconds": 6}', KeyRoll)[0] == "duplicate_field"


def test_an_ascii_separator_is_not_white_space() -> None:
    """U+001C is not white space to JSON Schema (ECMAScript `\\s`), though Python strips it."""
    assert decode(b'{"user_id": "\\u001c", "scope": "watch"}', KeyCreate).user_id == "\x1c"


points = st.lists(
    st.builds(
        PricePoint,
        symbol=st.sampled_from(["BTC", "ETH", "SOL"]),
        currency=st.just("usd"),
        price=st.floats(min_value=1e-9, max_value=1e9),
        change_24h=st.one_of(st.none(), st.floats(min_value=-99, max_value=1e4)),
        updated_at=st.integers(min_value=0, max_value=2**40),
        source=st.sampled_from(["coingecko", SIMULATED_SOURCE]),
        closed=st.booleans(),
    ),
    max_size=3,
)


@given(points, st.one_of(st.none(), st.just("eur")), st.booleans())
def test_the_hand_encoded_watch_bodies_are_their_models(found: list[PricePoint], currency: str | None,
                                                        stale: bool) -> None:
    """api/payload.py encodes by hand for speed; the models that document it must decode it."""
    many = msgspec.json.decode(encode_prices(found, currency, ["NOPE"], stale), type=Prices, strict=True)
    assert set(many.p) == {p.symbol for p in found}
    one = msgspec.json.decode(encode_price(found[0] if found else None, currency, stale), type=Price, strict=True)
    assert (one.p is None) == (not found)
    history = encode_history("BTC", currency, 60, 60, [p.price for p in found] + [None])
    assert msgspec.json.decode(history, type=History).s == "BTC"
    sent_prices = with_next_refresh(encode_prices(found, currency, [], stale), 287)
    assert msgspec.json.decode(sent_prices, type=Prices, strict=True).n == 287
    assert msgspec.json.decode(with_next_refresh(history, 42), type=History, strict=True).n == 42
    assert orjson.loads(history)["p"][-1] is None


@given(points, st.one_of(st.none(), st.just("usd")), st.booleans(), st.integers(min_value=5, max_value=300))
def test_the_hand_encoded_portfolio_body_is_its_model(found: list[PricePoint], currency: str | None, stale: bool,
                                                      seconds: int) -> None:
    held = [
        Holding(f"ast_{p.symbol}", "usr_1", p.symbol, AssetKind.CRYPTO, Decimal("0.5"), "usd", 0, 0, Decimal(1))
        for p in {p.symbol: p for p in found}.values()
    ]
    worth = value(held, {(p.symbol, p.currency): p for p in found}, "usd")

    body, _ = encode_portfolio(portfolio_data(worth, currency, stale))

    decoded = msgspec.json.decode(with_next_refresh(body, seconds), type=Portfolio, strict=True)
    assert decoded.n == seconds and (decoded.m == 1) == worth.closed
