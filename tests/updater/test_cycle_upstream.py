"""The refresh cycle over real HTTP against the fake upstream, writing to a real SQLite store."""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from shared.config import Settings
from shared.errors import StoreUnavailable
from shared.models import PricePoint, UpdateError, UpdateStatus
from shared.store.sqlite import SQLiteStore
from shared.symbols import COINS
from tests.support.fake_upstream import FakeUpstream, Fault
from tests.updater.conftest import LEVELS
from updater.cycle import Step, run_cycle
from updater.sources.http import RetryPolicy


@pytest.fixture
def settings(fake: FakeUpstream, tmp_path: Path) -> Settings:
    return fake.settings(
        tmp_path,
        supported_symbols=tuple(LEVELS),
        vs_currencies=("usd", "eur"),
        external_api_key="CG-demo-secret",
    )


def cycle(
    settings: Settings,
    store: SQLiteStore,
    retry: RetryPolicy,
    source: str | None = None,
    steps: Sequence[Step] = (),
) -> UpdateStatus:
    return asyncio.run(run_cycle(settings, store, source, retry=retry, steps=steps))


def prices(store: SQLiteStore) -> dict[tuple[str, str], PricePoint]:
    return {(p.symbol, p.currency): p for p in store.latest_prices()}


def test_coingecko_happy_path_writes_prices_and_status(
    fake: FakeUpstream, settings: Settings, sqlite_store: SQLiteStore, fast_retry: RetryPolicy
) -> None:
    status = cycle(settings, sqlite_store, fast_retry)

    assert (status.ok, status.source, status.symbols_updated, status.error) == (
        True,
        "coingecko",
        3,
        None,
    )
    assert status.last_success_at == status.finished_at
    assert sqlite_store.update_status() == status
    stored = prices(sqlite_store)
    assert set(stored) == {(s, c) for s in LEVELS for c in ("usd", "eur")}
    assert stored["BTC", "usd"].price == 67_187.33
    assert stored["BTC", "eur"].price == 62_000.5
    assert stored["BTC", "usd"].change_24h == 1.25
    assert {p.source for p in stored.values()} == {"coingecko"}
    (request,) = fake.requests_to("coingecko")
    assert request.headers["x-cg-demo-api-key"] == "CG-demo-secret"
    assert request.query["ids"] == "bitcoin,ethereum,solana"
    assert request.query["vs_currencies"] == "usd,eur"
    assert fake.requests_to("binance") == []
    at = stored["BTC", "usd"].updated_at
    assert sqlite_store.price_history("BTC", "usd", at, at) == [stored["BTC", "usd"]]


def test_the_pro_plan_uses_the_pro_header(
    fake: FakeUpstream, settings: Settings, sqlite_store: SQLiteStore, fast_retry: RetryPolicy
) -> None:
    cycle(replace(settings, coingecko_plan="pro"), sqlite_store, fast_retry)
    (request,) = fake.requests_to("coingecko")
    assert request.headers["x-cg-pro-api-key"] == "CG-demo-secret"
    assert "x-cg-demo-api-key" not in request.headers


def test_every_shipped_symbol_goes_in_one_call(
    fake: FakeUpstream, settings: Settings, sqlite_store: SQLiteStore, fast_retry: RetryPolicy
) -> None:
    status = cycle(replace(settings, supported_symbols=tuple(COINS)), sqlite_store, fast_retry)
    assert status.ok and status.symbols_updated == 3  # the fake quotes three of them
    (request,) = fake.requests_to("coingecko")
    assert set(request.query["ids"].split(",")) == {coin.coingecko for coin in COINS.values()}


def test_429_retry_after_is_honoured_then_the_retry_succeeds(
    fake: FakeUpstream, settings: Settings, sqlite_store: SQLiteStore
) -> None:
    fake.fail("coingecko", Fault.error(429, retry_after="1"), times=1)
    status = cycle(settings, sqlite_store, RetryPolicy(attempts=3, base_delay=0.01))
    assert status.ok and status.source == "coingecko" and status.error is None
    first, second = fake.requests_to("coingecko")
    assert second.at - first.at >= 0.95


@pytest.mark.parametrize(
    ("fault", "attempts", "reason", "code"),
    [
        (Fault.timeout(), 3, "coingecko: timed out (ReadTimeout) after 3 attempts", UpdateError.UPSTREAM_TIMEOUT),
        (Fault.error(500), 3, "coingecko: HTTP 500 after 3 attempts", UpdateError.UPSTREAM_ERROR),
        (Fault.error(401), 1, "coingecko: HTTP 401: ", UpdateError.UPSTREAM_REFUSED),
        (Fault.error(429, retry_after="60"), 1, "coingecko: rate limited (HTTP 429), Retry-After 60 s",
         UpdateError.UPSTREAM_RATE_LIMITED),
        (Fault.malformed(), 1, "coingecko: malformed JSON body", UpdateError.INVALID_DATA),
        (Fault.malformed('{"bitcoin": []}'), 1, "coingecko: expected an object for 'bitcoin'",
         UpdateError.INVALID_DATA),
    ],
    ids=["timeout", "500", "401", "429-too-long", "bad-json", "wrong-shape"],
)
def test_coingecko_trouble_falls_back_to_binance(
    fake: FakeUpstream,
    settings: Settings,
    sqlite_store: SQLiteStore,
    fast_retry: RetryPolicy,
    fault: Fault,
    attempts: int,
    reason: str,
    code: UpdateError,
) -> None:
    fake.fail("coingecko", fault)
    status = cycle(settings, sqlite_store, fast_retry)

    assert (status.ok, status.source, status.symbols_updated) == (True, "binance", 3)
    assert status.error is not None and status.error.startswith(reason)
    assert status.error_code == code
    stored = prices(sqlite_store)
    assert {p.source for p in stored.values()} == {"binance"}
    assert stored["ETH", "usd"].price == 3_400.25 and stored["ETH", "eur"].price == 3_140.0
    assert len(fake.requests_to("coingecko")) == attempts
    for request in fake.requests_to("binance"):
        assert not any(name.startswith("x-cg-") for name in request.headers)


def test_both_sources_down_keeps_the_last_good_prices(
    fake: FakeUpstream, settings: Settings, sqlite_store: SQLiteStore, fast_retry: RetryPolicy
) -> None:
    good = cycle(settings, sqlite_store, fast_retry)
    before = sqlite_store.latest_prices()
    fake.set_price("BTC", usd=70_000.0, eur=65_000.0)
    fake.fail("coingecko", Fault.error(503))
    fake.fail("binance", Fault.timeout())

    status = cycle(settings, sqlite_store, fast_retry)

    assert (status.ok, status.source, status.symbols_updated) == (False, "coingecko,binance", 0)
    assert status.error == ("coingecko: HTTP 503 after 3 attempts; binance: timed out (ReadTimeout) after 3 attempts")
    assert status.error_code == UpdateError.UPSTREAM_TIMEOUT  # the problem that ended the cycle
    assert status.last_success_at == good.last_success_at
    assert sqlite_store.update_status() == status
    assert sqlite_store.latest_prices() == before


def test_absurd_prices_are_rejected_and_the_rest_updated(
    fake: FakeUpstream,
    settings: Settings,
    sqlite_store: SQLiteStore,
    fast_retry: RetryPolicy,
    caplog: pytest.LogCaptureFixture,
) -> None:
    cycle(settings, sqlite_store, fast_retry)
    before = prices(sqlite_store)
    later = before["BTC", "usd"].updated_at + 60
    fake.set_price("BTC", usd=math.nan, eur=63_000.0, updated_at=later)
    fake.set_price("ETH", usd=-3_400.0, eur=3_150.0, updated_at=later)
    fake.set_price("SOL", usd=172_500.0, eur=160.0, updated_at=later)

    with caplog.at_level(logging.WARNING):
        status = cycle(settings, sqlite_store, fast_retry)

    assert status.ok and status.source == "coingecko"
    after = prices(sqlite_store)
    for symbol in LEVELS:
        assert after[symbol, "usd"] == before[symbol, "usd"]  # the bad quote never landed
    assert [after[s, "eur"].price for s in LEVELS] == [63_000.0, 3_150.0, 160.0]
    assert "rejected BTC/usd from coingecko: price is nan" in caplog.text
    assert "rejected ETH/usd from coingecko: price -3400.0 is not positive" in caplog.text
    assert "rejected SOL/usd from coingecko: price 172500 is 1e+03x the last good" in caplog.text


def test_a_source_whose_every_price_is_rejected_is_passed_over(
    fake: FakeUpstream, settings: Settings, sqlite_store: SQLiteStore, fast_retry: RetryPolicy
) -> None:
    fake.fail("coingecko", Fault.malformed('{"bitcoin": {"usd": NaN, "eur": -1}}'))
    status = cycle(settings, sqlite_store, fast_retry)
    assert status.ok and status.source == "binance"
    assert status.error == "coingecko: all 2 prices rejected (e.g. BTC/usd: price is nan)"
    assert status.error_code == UpdateError.INVALID_DATA


def test_demo_source_fills_every_symbol_with_labelled_prices(
    fake: FakeUpstream, settings: Settings, sqlite_store: SQLiteStore, fast_retry: RetryPolicy
) -> None:
    demo = replace(settings, supported_symbols=("BTC", "ETH", "DOGE", "NEWCOIN"))
    status = cycle(demo, sqlite_store, fast_retry, source="demo")
    assert (status.ok, status.source, status.symbols_updated) == (True, "demo (simulated)", 4)
    stored = prices(sqlite_store)
    assert len(stored) == 8
    assert {p.source for p in stored.values()} == {"demo (simulated)"}
    assert fake.requests == []


def test_steps_run_after_the_write_even_when_the_cycle_fails(
    fake: FakeUpstream,
    settings: Settings,
    sqlite_store: SQLiteStore,
    fast_retry: RetryPolicy,
    caplog: pytest.LogCaptureFixture,
) -> None:
    calls: list[tuple[int, int, int]] = []

    async def broken(store: SQLiteStore, s: Settings, points: list[PricePoint], now: int) -> None:
        raise RuntimeError("smtp on fire")

    async def record(store: SQLiteStore, s: Settings, points: list[PricePoint], now: int) -> None:
        # The step sees what the cycle just wrote.
        calls.append((len(points), len(store.latest_prices()), now))

    ok = cycle(settings, sqlite_store, fast_retry, steps=[broken, record])
    fake.fail("coingecko", Fault.error(404))
    fake.fail("binance", Fault.error(418))
    failed = cycle(settings, sqlite_store, fast_retry, steps=[broken, record])

    assert ok.ok and not failed.ok
    assert calls == [(6, 6, ok.started_at), (0, 6, failed.started_at)]
    assert caplog.text.count("cycle step broken failed") == 2
    assert sqlite_store.update_status() == failed


class FailingWrites(SQLiteStore):
    def put_prices(self, points: Sequence[PricePoint]) -> None:
        raise StoreUnavailable("database is locked")


def test_a_failed_price_write_is_a_failed_cycle(
    fake: FakeUpstream, settings: Settings, fast_retry: RetryPolicy
) -> None:
    store = FailingWrites(settings.sqlite_path)
    store.init()
    try:
        status = cycle(settings, store, fast_retry)
        assert (status.ok, status.source, status.symbols_updated) == (False, "coingecko,binance", 0)
        assert status.error == "store: StoreUnavailable: database is locked"
        assert status.error_code == UpdateError.STORE_ERROR
        assert store.latest_prices() == []
    finally:
        store.close()
