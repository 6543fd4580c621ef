"""The local loop: aligned ticks, failures that do not stop it, prompt shutdown."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from shared.config import Settings
from shared.ids import next_tick
from shared.models import PricePoint
from shared.store.sqlite import SQLiteStore
from tests.support.fake_upstream import FakeUpstream, Fault
from updater.loop import run_loop
from updater.sources.http import RetryPolicy


def test_ticks_are_wall_clock_multiples_of_the_interval() -> None:
    assert next_tick(1_000_000_123.4, 300) == 1_000_000_200
    assert next_tick(1_000_000_200.0, 300) == 1_000_000_500  # strictly after
    assert next_tick(59.9, 60) == 60


def test_failing_cycles_do_not_stop_the_loop(
    fake: FakeUpstream, tmp_path: Path, sqlite_store: SQLiteStore, fast_retry: RetryPolicy
) -> None:
    fake.fail("coingecko", Fault.error(403), times=2)
    fake.fail("binance", Fault.error(403), times=2)
    seen: list[int] = []

    async def main() -> int:
        stop = asyncio.Event()

        async def count(store: SQLiteStore, s: Settings, prices: list[PricePoint], now: int) -> None:
            seen.append(len(prices))
            if len(seen) == 3:
                stop.set()

        settings = fake.settings(tmp_path, supported_symbols=("BTC",))
        return await run_loop(settings, sqlite_store, stop, steps=[count], retry=fast_retry, interval=0.05)

    assert asyncio.run(main()) == 3
    assert seen == [0, 0, 1]  # two failed cycles, then upstream recovered
    status = sqlite_store.update_status()
    assert status is not None and status.ok and status.source == "coingecko"


class BrokenOnce(SQLiteStore):
    """latest_prices fails the first time, as a store briefly unavailable would."""

    broken = True

    def latest_prices(self) -> list[PricePoint]:
        if self.broken:
            self.broken = False
            raise OSError("disk I/O error")
        return super().latest_prices()


def test_a_crashing_cycle_is_logged_and_the_next_tick_runs(
    fake: FakeUpstream, tmp_path: Path, fast_retry: RetryPolicy, caplog
) -> None:
    store = BrokenOnce(tmp_path / "broken.db")
    store.init()

    async def main() -> int:
        stop = asyncio.Event()

        async def stop_after_first(*_: object) -> None:
            stop.set()

        settings = fake.settings(tmp_path, supported_symbols=("BTC",))
        return await run_loop(settings, store, stop, steps=[stop_after_first], retry=fast_retry, interval=0.05)

    try:
        assert asyncio.run(main()) == 1
        assert "update cycle crashed" in caplog.text and "disk I/O error" in caplog.text
        assert [(p.symbol, p.currency) for p in store.latest_prices()] == [("BTC", "usd")]
    finally:
        store.close()


def test_stop_cancels_a_cycle_in_flight_without_writing(
    fake: FakeUpstream, tmp_path: Path, sqlite_store: SQLiteStore
) -> None:
    fake.fail("coingecko", Fault.timeout())
    settings = fake.settings(tmp_path, upstream_timeout_seconds=10.0)

    async def main() -> int:
        stop = asyncio.Event()
        asyncio.get_running_loop().call_later(0.2, stop.set)
        return await run_loop(settings, sqlite_store, stop, steps=())

    started = time.monotonic()
    assert asyncio.run(main()) == 0
    assert time.monotonic() - started < 5.0  # not the 10 s client timeout
    assert sqlite_store.update_status() is None and sqlite_store.latest_prices() == []
