"""Holding validation: exact decimals, and a 400 naming the problem for everything else."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.config import Settings
from shared.errors import InvalidInput
from shared.models import AssetKind
from shared.portfolio import HoldingSpec, changed_holding, new_holding

SETTINGS = Settings(supported_symbols=("BTC", "ETH"), vs_currencies=("usd", "eur"))


def made(**fields: object) -> object:
    spec = {"symbol": "BTC", "kind": AssetKind.CRYPTO, "quantity": "0.5", **fields}
    return new_holding(HoldingSpec(**spec), "usr_ada", SETTINGS, 1_700_000_000)  # type: ignore[arg-type]


def refusal(**fields: object) -> InvalidInput:
    with pytest.raises(InvalidInput) as refused:
        made(**fields)
    return refused.value


def test_a_valid_holding_keeps_the_decimals_as_written() -> None:
    holding = made(symbol="eth", quantity="1.000000000000000001", cost_basis="2500.10")

    assert holding.symbol == "ETH" and holding.kind is AssetKind.CRYPTO
    assert str(holding.quantity) == "1.000000000000000001"
    assert str(holding.cost_basis) == "2500.1" and holding.currency == "usd"


def test_decimal_text_is_normalised_and_zero_is_a_quantity() -> None:
    assert str(made(quantity="100.00").quantity) == "100"
    assert str(made(quantity="0").quantity) == "0"  # kept in view, worth nothing


@pytest.mark.parametrize(
    ("fields", "code", "words"),
    [
        ({"symbol": "DOGE"}, "unknown_symbol", "not a coin this service prices"),
        ({"symbol": "BTC", "kind": AssetKind.STOCK}, "ambiguous_symbol", "BTC is a coin here"),
        ({"symbol": "AAPL/X", "kind": AssetKind.STOCK}, "invalid_symbol", "stock symbol"),
        ({"symbol": " AAPL", "kind": AssetKind.STOCK}, "invalid_symbol", "stock symbol"),
        ({"quantity": "-1"}, "invalid_quantity", "0 or more"),
        ({"quantity": "1000000000000000"}, "invalid_quantity", "below 10^15"),
        ({"quantity": "1e6"}, "invalid_quantity", "decimal text"),
        ({"quantity": "NaN"}, "invalid_quantity", "decimal text"),
        ({"quantity": "1\n"}, "invalid_quantity", "decimal text"),
        ({"quantity": 0.5}, "invalid_quantity", "decimal text like \"0.5\""),
        ({"quantity": True}, "invalid_quantity", "decimal text"),
        ({"quantity": "0.0000000000000000001"}, "invalid_quantity", "18 decimal places"),
        ({"cost_basis": "-5"}, "invalid_cost_basis", "0 or more"),
        ({"cost_basis": "1.123456789"}, "invalid_cost_basis", "8 decimal places"),
        ({"currency": "xyz"}, "unsupported_currency", "usd, eur"),
    ],
)
def test_each_refusal_names_its_problem(fields: dict[str, object], code: str, words: str) -> None:
    refused = refusal(**fields)

    assert refused.code == code and refused.status == 400
    assert words in refused.message


def test_stock_tickers_in_yahoo_form_are_accepted() -> None:
    for ticker in ("AAPL", "brk-b", "RY.TO", "7203.T"):
        assert made(symbol=ticker, kind=AssetKind.STOCK).symbol == ticker.upper()


def test_a_change_keeps_the_asset_and_replaces_the_amounts() -> None:
    holding = made(cost_basis="100")

    changed = changed_holding(holding, "2.50", None, 1_700_000_600)

    assert (changed.symbol, changed.kind, changed.id) == (holding.symbol, holding.kind, holding.id)
    assert str(changed.quantity) == "2.5" and changed.cost_basis is None
    assert changed.updated_at == 1_700_000_600


@given(st.decimals(min_value=Decimal(0), max_value=Decimal("999999999999999.999999999999999999"), places=18,
                   allow_nan=False))
def test_any_quantity_in_range_round_trips_through_its_text(quantity: Decimal) -> None:
    holding = made(quantity=format(quantity, "f"))

    assert holding.quantity == quantity
    assert Decimal(str(holding.quantity)) == quantity and "E" not in format(holding.quantity, "f")
