"""One key asking for many history shapes no cache holds (issue 11, item 6) must not slow another
key's price polls: every such request reads a month of points from the store and resamples them,
which on the event loop pushed another key's /v1/prices/BTC to 2-6.5 s. The server is `serve`
in its own process, so the clients here do not share its interpreter."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx

from shared.ids import now
from shared.keyring import issue_key
from shared.models import PricePoint, Scope
from shared.store.sqlite import SQLiteStore
from tests.support.serve_process import running_serve

CYCLE = 300  # the updater's interval: one history point per symbol every five minutes
MONTH_OF_CYCLES = 30 * 86_400 // CYCLE
POINTS = range(2, 97)  # every `points` value the route accepts: 95 shapes, none cached
AT_ONCE = 16


def month_of_history(data_dir: Path) -> str:
    """A month of BTC points in the store `serve` will use; returns a key for the flood."""
    store = SQLiteStore(data_dir / "cryptowatch.db")
    store.init()
    at = now()
    store.put_prices([
        PricePoint("BTC", "usd", 90_000 + cycle % 977, 0.0, at - CYCLE * (MONTH_OF_CYCLES - cycle), "coingecko")
        for cycle in range(1, MONTH_OF_CYCLES)
    ])
    flooder = issue_key(store, Scope.WATCH, at, label="flooder", rate_limit=10_000).secret
    store.close()
    return flooder


async def flood(url: str, key: str) -> list[int]:
    """Every shape at once, AT_ONCE requests in flight."""
    slots = asyncio.Semaphore(AT_ONCE)
    async with httpx.AsyncClient(base_url=url, headers={"X-API-Key": key}, timeout=120) as client:
        async def one(points: int) -> int:
            async with slots:
                return (await client.get(f"/v1/history/BTC?hours=720&points={points}")).status_code

        return await asyncio.gather(*(one(points) for points in POINTS))


async def polls_during(url: str, key: str, busy: asyncio.Task[list[int]]) -> list[float]:
    """Another key's price poll, again and again while the flood lasts: each one's seconds."""
    timings = []
    async with httpx.AsyncClient(base_url=url, headers={"X-API-Key": key}, timeout=30) as client:
        while not busy.done():
            started = time.monotonic()
            assert (await client.get("/v1/prices/BTC")).status_code == 200
            timings.append(time.monotonic() - started)
            await asyncio.sleep(0.02)
    return timings


async def attack(url: str, flooder: str, watcher: str) -> tuple[list[int], list[float]]:
    busy = asyncio.create_task(flood(url, flooder))
    timings = await polls_during(url, watcher, busy)
    return await busy, timings


def test_uncached_history_from_one_key_leaves_another_keys_prices_fast(tmp_path: Path) -> None:
    flooder = month_of_history(tmp_path)
    with running_serve(tmp_path) as server:  # its watch key is the other key
        assert httpx.get(server.url + "/v1/prices/BTC", headers={"X-API-Key": server.key}).status_code == 200
        statuses, timings = asyncio.run(attack(server.url, flooder, server.key))
    assert statuses == [200] * len(POINTS)
    assert len(timings) >= 5
    assert max(timings) < 1.0, f"slowest price poll {max(timings):.2f} s during the flood ({len(timings)} polls)"
