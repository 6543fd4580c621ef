"""Configuration is read once, typed, and a bad value is refused with its variable's name."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.config import COINGECKO_PRO_ROOT, PRICE_SOURCES, Settings
from shared.errors import ConfigError


def test_defaults_match_the_design() -> None:
    settings = Settings.from_env({})
    assert settings.rate_limit_per_minute == 100
    assert settings.update_interval_seconds == 300
    assert settings.stale_after_seconds == 600
    assert settings.vs_currencies == ("usd",)
    assert settings.sqlite_path == Path("data/cryptowatch.db")
    assert settings.key_cache_ttl_seconds <= 30
    assert settings.dynamodb_table_name is None
    assert settings.binance_ws_url == "wss://stream.binance.com:9443/stream"
    assert settings.stream_renew_seconds < 86_400  # renewed before Binance's 24-hour cut


def test_values_are_parsed_and_normalised() -> None:
    settings = Settings.from_env(
        {
            "RATE_LIMIT_PER_MINUTE": "250",
            "SUPPORTED_SYMBOLS": " btc, eth ,BTC,sol ",
            "VS_CURRENCIES": "USD,eur",
            "CRYPTOWATCH_DATA_DIR": "/tmp/cw",
            "COINGECKO_PLAN": "pro",
            "SMTP_STARTTLS": "off",
        }
    )
    assert settings.rate_limit_per_minute == 250
    assert settings.supported_symbols == ("BTC", "ETH", "SOL")
    assert settings.vs_currencies == ("usd", "eur")
    assert settings.sqlite_path == Path("/tmp/cw/cryptowatch.db")
    assert settings.external_api_url == COINGECKO_PRO_ROOT
    assert settings.smtp_starttls is False


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("RATE_LIMIT_PER_MINUTE", "lots"),
        ("RATE_LIMIT_PER_MINUTE", "0"),
        ("KEY_CACHE_TTL_SECONDS", "300"),
        ("SUPPORTED_SYMBOLS", "BTC,$$$"),
        ("SUPPORTED_SYMBOLS", ",,"),
        ("VS_CURRENCIES", "us dollars"),
        ("PRICE_SOURCE", "kraken"),
        ("SMTP_STARTTLS", "maybe"),
        ("MAX_PRICE_JUMP", "nan"),
        ("SMTP_FROM", "not-an-address"),
        ("SYMBOL_IDS", "BTC"),
        ("SYMBOL_IDS", "FOO=Foo Coin"),
        ("BINANCE_WS_URL", "https://stream.binance.com:9443/stream"),
        ("STREAM_RENEW_SECONDS", "90000"),  # past Binance's 24-hour cut
        ("STREAM_SILENCE_SECONDS", "0"),
        ("STREAM_EVALUATIONS_PER_SECOND", "1000"),
    ],
)
def test_bad_values_name_the_variable(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        Settings.from_env({name: value})


def test_every_source_the_cli_offers_is_a_valid_price_source() -> None:
    assert PRICE_SOURCES == ("coingecko", "binance", "demo")
    assert [Settings.from_env({"PRICE_SOURCE": name}).price_source for name in PRICE_SOURCES] == list(PRICE_SOURCES)


def test_secrets_stay_out_of_the_repr() -> None:
    secrets = {"EXTERNAL_API_KEY": "cg-secret-1", "SMTP_PASSWORD": "smtp-secret-2", "WEBHOOK_SECRET": "hook-secret-3"}
    shown = repr(Settings.from_env(secrets))
    assert [value for value in secrets.values() if value in shown] == []


@given(st.integers())
def test_rate_limit_accepts_exactly_the_documented_range(value: int) -> None:
    env = {"RATE_LIMIT_PER_MINUTE": str(value)}
    if 1 <= value <= 1_000_000:
        assert Settings.from_env(env).rate_limit_per_minute == value
    else:
        with pytest.raises(ConfigError):
            Settings.from_env(env)


def test_stock_settings_are_read_and_checked_against_the_coins() -> None:
    settings = Settings.from_env({"STOCK_SYMBOLS": "aapl, brk-b,RY.TO", "STOCK_MAX_SYMBOLS": "20"})
    assert settings.stock_symbols == ("AAPL", "BRK-B", "RY.TO") and settings.stock_max_symbols == 20
    assert settings.stock_api_url == "https://query1.finance.yahoo.com"
    assert settings.stock_fallback_api_url == "https://stooq.com"
    moved = Settings.from_env({"STOCK_API_URL": "http://127.0.0.1:9/", "STOCK_FALLBACK_API_URL": "http://127.0.0.1:8/"})
    assert (moved.stock_api_url, moved.stock_fallback_api_url) == ("http://127.0.0.1:9", "http://127.0.0.1:8")

    with pytest.raises(ConfigError, match="STOCK_SYMBOLS and SUPPORTED_SYMBOLS both name ETH"):
        Settings.from_env({"STOCK_SYMBOLS": "AAPL,ETH"})
    with pytest.raises(ConfigError, match=r"STOCK_SYMBOLS='AAPL,\$X' is not valid.*AAPL,MSFT,BRK-B"):
        Settings.from_env({"STOCK_SYMBOLS": "AAPL,$X"})
