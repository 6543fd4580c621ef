"""Fixtures for the updater: the fake upstream on loopback and fast retries (the real SQLite
store comes from `sqlite_store` in tests/conftest.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from tests.support.fake_upstream import FakeUpstream, running_fake_upstream
from updater.sources.http import RESTING, RetryPolicy

# Realistic levels the integration tests start from.
LEVELS = {"BTC": (67_187.33, 62_000.5), "ETH": (3_400.25, 3_140.0), "SOL": (172.5, 159.1)}


class Sleeps:
    """Records the delays a RetryPolicy asks for and waits only a token time."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        await asyncio.sleep(0)


@pytest.fixture(autouse=True)
def nothing_resting() -> None:
    """Every test starts with no upstream banned: the tests here share URLs, and the updater
    remembers a ban (HTTP 418) or a long Retry-After for the whole process."""
    RESTING.clear()


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def fast_retry(sleeps: Sleeps) -> RetryPolicy:
    return RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.05, max_retry_after=2.0, sleep=sleeps)


@pytest.fixture(scope="session")
def fake_server() -> Iterator[FakeUpstream]:
    """One server for the session (starting uvicorn per test costs more than the tests)."""
    with running_fake_upstream() as upstream:
        yield upstream


@pytest.fixture
def fake(fake_server: FakeUpstream) -> FakeUpstream:
    """The fake upstream, reset and quoting LEVELS."""
    fake_server.reset()
    for symbol, (usd, eur) in LEVELS.items():
        fake_server.set_price(symbol, usd=usd, eur=eur, change=1.25)
    return fake_server
