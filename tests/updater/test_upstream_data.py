"""What upstreams really send now and then, over real HTTP from the fake upstream: a coin
CoinGecko no longer prices, a renamed ticker, and a Binance IP ban."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest

from shared import symbols
from shared.config import Settings
from shared.store.sqlite import SQLiteStore
from tests.support.fake_upstream import FakeUpstream, Fault
from tests.updater.test_cycle_upstream import cycle, prices
from updater.sources.http import RetryPolicy


@pytest.fixture
def settings(fake: FakeUpstream, tmp_path: Path) -> Settings:
    return fake.settings(tmp_path, supported_symbols=("BTC", "ETH", "SOL"))


@pytest.mark.parametrize(
    ("broken", "reason"),
    [
        ({"usd": None}, "ethereum.usd is None, not a number"),
        ({"usd": 3_400.25, "updated_at": 0}, "ethereum.last_updated_at is 0, not a timestamp"),
    ],
    ids=["null-price", "last-updated-0"],
)
def test_one_unusable_coin_is_skipped_and_the_others_kept(
    fake: FakeUpstream,
    settings: Settings,
    sqlite_store: SQLiteStore,
    fast_retry: RetryPolicy,
    caplog: pytest.LogCaptureFixture,
    broken: dict[str, float | None],
    reason: str,
) -> None:
    fake.set_price("ETH", **broken)  # type: ignore[arg-type]
    with caplog.at_level(logging.WARNING):
        status = cycle(settings, sqlite_store, fast_retry)

    assert (status.ok, status.source, status.symbols_updated) == (True, "coingecko", 2)
    assert fake.requests_to("binance") == []  # no fallback for everyone because of one coin
    stored = prices(sqlite_store)
    assert sorted(stored) == [("BTC", "usd"), ("SOL", "usd")]
    assert stored["BTC", "usd"].price == 67_187.33
    assert f"coingecko: {reason}; skipping that coin" in caplog.text


def test_render_is_priced_under_its_new_ticker_by_both_sources(
    fake: FakeUpstream, tmp_path: Path, sqlite_store: SQLiteStore, fast_retry: RetryPolicy
) -> None:
    fake.set_price("RENDER", usd=7.25, change=2.0)
    settings = fake.settings(tmp_path, supported_symbols=("BTC", "RENDER"))

    assert cycle(settings, sqlite_store, fast_retry).ok
    assert prices(sqlite_store)["RENDER", "usd"].price == 7.25
    assert fake.requests_to("coingecko")[-1].query["ids"] == "bitcoin,render-token"

    fake.fail("coingecko", Fault.error(500))
    status = cycle(settings, sqlite_store, fast_retry)
    assert (status.ok, status.source, status.symbols_updated) == (True, "binance", 2)
    assert '"RENDERUSDT"' in fake.requests_to("binance")[-1].query["symbols"]


def test_the_old_ticker_rndr_keeps_working_and_says_what_to_use(
    fake: FakeUpstream,
    tmp_path: Path,
    sqlite_store: SQLiteStore,
    fast_retry: RetryPolicy,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(symbols, "_warned", set())  # warned once per process: maybe already
    fake.set_price("RENDER", usd=7.25)
    settings = fake.settings(tmp_path, supported_symbols=("RNDR",))
    with caplog.at_level(logging.WARNING):
        assert cycle(settings, sqlite_store, fast_retry).ok

    assert prices(sqlite_store)["RNDR", "usd"].price == 7.25
    assert "RNDR is now RENDER (CoinGecko id 'render-token')" in caplog.text
    assert "put RENDER in SUPPORTED_SYMBOLS" in caplog.text


def test_a_binance_ip_ban_is_waited_out_for_the_time_binance_names(
    fake: FakeUpstream, tmp_path: Path, sqlite_store: SQLiteStore, fast_retry: RetryPolicy
) -> None:
    """Binance answers 418 with Retry-After (seconds until the ban is over). Calling again
    before then lengthens the ban (2 minutes up to 3 days), so no cycle calls until it ends."""
    settings = fake.settings(tmp_path, supported_symbols=("BTC",))
    body = '{"code":-1003,"msg":"Way too much request weight used; IP banned until 1620286253180."}'
    fake.fail("binance", Fault("status", status=418, body=body, headers=(("Retry-After", "2"),)), times=1)

    banned = cycle(settings, sqlite_store, fast_retry, source="binance")
    assert not banned.ok and banned.error is not None
    assert banned.error.startswith("binance: IP banned (HTTP 418) for 2 s")
    again = cycle(settings, sqlite_store, fast_retry, source="binance")

    assert len(fake.requests_to("binance")) == 1
    assert not again.ok and again.error is not None
    assert "binance: not called: banned (HTTP 418) until" in again.error
    time.sleep(2.1)
    assert cycle(settings, sqlite_store, fast_retry, source="binance").ok
    assert len(fake.requests_to("binance")) == 2
