"""In-process caches that keep store calls off the watch hot path.

`KeyCache` remembers key lookups (hits and misses) for at most `ttl` seconds, so a key revoked
elsewhere stops working within that time; `forget` makes a revocation immediate on this
instance. `PriceBook` holds the latest prices and update status as one snapshot, reloaded from
the store at most once per `ttl`, and memoises encoded response bodies for that snapshot.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from cachetools import LRUCache, TTLCache

from shared.models import ApiKey, PricePoint, UpdateStatus

V = TypeVar("V")

#: Returned by KeyCache.get when the store must be asked.
MISSING = object()


class KeyCache:
    """key hash -> ApiKey, or None for a hash the store does not know (negative caching keeps
    garbage keys from costing a store call each; a new key's hash has never been seen)."""

    def __init__(self, ttl: float, maxsize: int = 100_000) -> None:
        self._entries: TTLCache[str, ApiKey | None] = TTLCache(maxsize=maxsize, ttl=ttl)
        self._lock = threading.Lock()

    def get(self, key_hash: str) -> ApiKey | None | object:
        """The cached lookup, or `MISSING` when the store must be asked."""
        with self._lock:
            return self._entries.get(key_hash, MISSING)

    def put(self, key_hash: str, key: ApiKey | None) -> None:
        with self._lock:
            self._entries[key_hash] = key

    def forget(self, key_hash: str) -> None:
        with self._lock:
            self._entries.pop(key_hash, None)



@dataclass(slots=True)
class PriceSnapshot(Generic[V]):
    """The latest prices by (symbol, currency), the update status, and bodies built from them."""

    prices: dict[tuple[str, str], PricePoint]
    status: UpdateStatus | None
    loaded_at: float
    bodies: LRUCache[Hashable, V] = field(default_factory=lambda: LRUCache(maxsize=512))


class PriceBook(Generic[V]):
    def __init__(
        self,
        load: Callable[[], tuple[list[PricePoint], UpdateStatus | None]],
        ttl: float,
        clock: Callable[[], float],
    ) -> None:
        self._load = load
        self._ttl = ttl
        self._clock = clock
        self._snapshot: PriceSnapshot[V] | None = None

    def current(self) -> PriceSnapshot[V] | None:
        """The snapshot if still fresh, else None (the caller reloads, possibly off-loop)."""
        snapshot = self._snapshot
        if snapshot is not None and self._clock() - snapshot.loaded_at < self._ttl:
            return snapshot
        return None

    def reload(self) -> PriceSnapshot[V]:
        points, status = self._load()
        snapshot: PriceSnapshot[V] = PriceSnapshot(
            prices={(p.symbol, p.currency): p for p in points},
            status=status,
            loaded_at=self._clock(),
        )
        self._snapshot = snapshot
        return snapshot

    def invalidate(self) -> None:
        self._snapshot = None
