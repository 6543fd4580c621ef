"""The per-key limiter: never admits more than the limit in a window, admits again when the
next window starts, and its headers tell the client exactly where it stands."""

from __future__ import annotations

import collections
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.ids import new_id
from shared.ratelimit import RateLimiter
from shared.store.sqlite import SQLiteStore

START = 1_790_000_000 - 1_790_000_000 % 60  # a minute boundary


@pytest.fixture(scope="module")
def limiter(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RateLimiter]:
    store = SQLiteStore(Path(tmp_path_factory.mktemp("limiter")) / "limits.db")
    store.init()
    yield RateLimiter(store, default_limit=100)
    store.close()


@settings(max_examples=60, deadline=None)
@given(
    limit=st.integers(min_value=1, max_value=12),
    offsets=st.lists(st.integers(min_value=0, max_value=299), max_size=80).map(sorted),
)
def test_each_window_admits_exactly_up_to_the_limit(limiter: RateLimiter, limit: int, offsets: list[int]) -> None:
    key_id = new_id("key")  # a fresh key per example: nothing carries over between them
    seen: collections.Counter[int] = collections.Counter()
    admitted: collections.Counter[int] = collections.Counter()
    for offset in offsets:
        at = START + offset
        window = at - at % 60
        seen[window] += 1
        decision = limiter.check(key_id, limit, at)
        admitted[window] += decision.allowed

        assert decision.allowed == (seen[window] <= limit)
        assert decision.remaining == max(0, limit - seen[window])
        assert decision.reset_seconds == window + 60 - at
        assert 1 <= decision.reset_seconds <= 60
    assert all(admitted[window] == min(count, limit) for window, count in seen.items())


def test_a_new_window_admits_again(limiter: RateLimiter) -> None:
    key_id = new_id("key")
    first = [limiter.check(key_id, 2, START + s).allowed for s in (0, 10, 20)]
    second = limiter.check(key_id, 2, START + 60)

    assert first == [True, True, False]
    assert second.allowed and second.remaining == 1 and second.reset_seconds == 60


def test_a_key_without_its_own_limit_gets_the_default(limiter: RateLimiter) -> None:
    decision = limiter.check(new_id("key"), None, START + 5)

    assert decision.limit == 100 and decision.remaining == 99
    assert decision.headers() == {
        "RateLimit-Policy": '"default";q=100;w=60',
        "RateLimit": '"default";r=99;t=55',
        "RateLimit-Limit": "100",
        "RateLimit-Remaining": "99",
        "RateLimit-Reset": "55",
    }
    assert decision.raw_headers() == [
        (name.lower().encode(), value.encode()) for name, value in decision.headers().items()
    ]
