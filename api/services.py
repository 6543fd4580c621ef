"""Everything a request handler needs, built once per process and shared by reference.

Tests and the Lambda entry point build the same object through `create_app`, so nothing here
depends on how the process was started.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

import msgspec
from cachetools import LRUCache, TTLCache

from shared.cache import KeyCache, PriceBook
from shared.config import Settings
from shared.exports import ExportSink, open_sink
from shared.ids import now
from shared.models import Holding
from shared.ratelimit import RateLimiter
from shared.store.base import Store

T = TypeVar("T")


class Services(msgspec.Struct):
    settings: Settings
    store: Store
    keys: KeyCache
    prices: PriceBook[Any]
    limiter: RateLimiter
    history: TTLCache[Any, tuple[bytes, str]]
    price_queries: LRUCache[tuple[str, bytes], Any]  # (path, query string) -> a PriceQuery
    exports: ExportSink
    #: user id -> their holdings, so a portfolio poll costs no store read (api/portfolio.py).
    holdings: TTLCache[str, list[Holding]]
    #: Epoch seconds for the key checks and rate-limit windows of the request path; tests
    #: replace it to hold every request of a burst in one window without waiting for a minute.
    clock: Callable[[], int] = now

    @classmethod
    def build(cls, settings: Settings, store: Store) -> Services:
        return cls(
            settings=settings,
            store=store,
            keys=KeyCache(ttl=settings.key_cache_ttl_seconds),
            prices=PriceBook(store.price_snapshot, ttl=settings.cache_ttl_seconds, clock=time.monotonic),
            limiter=RateLimiter(store, settings.rate_limit_per_minute),
            history=TTLCache(maxsize=1024, ttl=max(1, settings.cache_ttl_seconds)),
            price_queries=LRUCache(maxsize=1024),
            exports=open_sink(settings),
            holdings=TTLCache(maxsize=10_000, ttl=max(1, settings.cache_ttl_seconds)),
        )


def per_app(app: Any, name: str, make: Callable[[], T]) -> T:
    """The object named `name` in this app's state, made by `make` on first use: for what one
    running app owns beside its services (a lock, a semaphore, a remembered probe)."""
    found: T | None = getattr(app.state, name, None)
    if found is None:
        found = make()
        setattr(app.state, name, found)
    return found
