"""The symbol table and the SYMBOL_IDS override."""

from __future__ import annotations

import logging

import pytest

from shared.config import Settings
from shared.errors import ConfigError
from shared.symbols import COINS, binance_base, coingecko_ids, parse_overrides


def test_major_coins_ship_with_their_ids() -> None:
    assert len(COINS) >= 40
    assert coingecko_ids(["BTC", "AVAX", "BNB", "XRP"]) == {
        "BTC": "bitcoin",
        "AVAX": "avalanche-2",
        "BNB": "binancecoin",
        "XRP": "ripple",
    }
    assert binance_base("ETH") == "ETH"
    assert binance_base("RNDR") == "RENDER"
    assert binance_base("XMR") is None and binance_base("NOTACOIN") is None


def test_symbol_ids_adds_and_overrides(caplog) -> None:
    settings = Settings.from_env({"SYMBOL_IDS": " foo=foo-coin , BTC=wrapped-bitcoin "})
    with caplog.at_level(logging.WARNING):
        ids = coingecko_ids(["FOO", "BTC", "ETH"], dict(settings.symbol_ids))
    assert ids == {"FOO": "foo-coin", "BTC": "wrapped-bitcoin", "ETH": "ethereum"}
    assert caplog.text == ""


def test_unknown_symbols_fall_back_to_the_lower_case_name_warning_once(caplog) -> None:
    with caplog.at_level(logging.WARNING):
        first = coingecko_ids(["ZZTOPCOIN"])
        second = coingecko_ids(["ZZTOPCOIN"])
    assert first == second == {"ZZTOPCOIN": "zztopcoin"}
    assert caplog.text.count("no CoinGecko id known for ZZTOPCOIN") == 1
    assert "SYMBOL_IDS=ZZTOPCOIN=<id>" in caplog.text


@pytest.mark.parametrize("raw", ["FOO", "FOO=", "=foo", "FOO=Foo Coin", "FOO=foo,BAR"])
def test_a_malformed_override_names_the_variable(raw: str) -> None:
    with pytest.raises(ConfigError, match="SYMBOL_IDS=.*expected SYMBOL=coingecko-id"):
        parse_overrides(raw)
