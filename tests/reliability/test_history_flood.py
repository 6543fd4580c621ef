"""One key asking for many history shapes no cache holds (issue 11, item 6) must not slow another
key's price polls: every such request reads a month of points from the store and resamples them,
which on the event loop pushed another key's /v1/prices/BTC to 2-6.5 s."""

from __future__ import annotations

import asyncio
import time

import httpx

from api.app import create_app
from shared.config import Settings
from shared.ids import now
from shared.keyring import issue_key
from shared.models import PricePoint, Scope
from shared.store.sqlite import SQLiteStore
from tests.api.conftest import seed_prices
from tests.support.server import serve

CYCLE = 300  # the updater's interval: one history point per symbol every five minutes
MONTH_OF_CYCLES = 30 * 86_400 // CYCLE
POINTS = range(2, 97)  # every `points` value the route accepts: 95 shapes, none cached
AT_ONCE = 16


def month_of_history(store: SQLiteStore, at: int) -> None:
    store.put_prices([
        PricePoint("BTC", "usd", 90_000 + cycle % 977, 0.0, at - CYCLE * (MONTH_OF_CYCLES - cycle), "coingecko")
        for cycle in range(MONTH_OF_CYCLES)
    ])
    seed_prices(store, at)  # the latest prices last


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


def test_uncached_history_from_one_key_leaves_another_keys_prices_fast(settings: Settings) -> None:
    store = SQLiteStore(settings.sqlite_path)
    store.init()
    at = now()
    month_of_history(store, at)
    flooder = issue_key(store, Scope.WATCH, at, label="flooder", rate_limit=10_000).secret
    watcher = issue_key(store, Scope.WATCH, at, label="watcher", rate_limit=10_000).secret
    with serve(create_app(settings, store)) as server:
        assert httpx.get(server.url + "/v1/prices/BTC", headers={"X-API-Key": watcher}).status_code == 200
        statuses, timings = asyncio.run(attack(server.url, flooder, watcher))
    assert statuses == [200] * len(POINTS)
    assert len(timings) >= 5
    assert max(timings) < 1.0, f"slowest price poll {max(timings):.2f} s during the flood ({len(timings)} polls)"
