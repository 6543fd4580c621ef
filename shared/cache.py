"""In-process caches that keep store calls off the watch hot path.

`KeyCache` remembers key lookups (hits and misses) for at most `ttl` seconds, so a key revoked
elsewhere stops working within that time; `forget` makes a revocation immediate on this
instance. `PriceBook` holds the latest prices and update status as one snapshot, reloaded from
the store at most once per `ttl`, and memoises encoded response bodies for that snapshot.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

import msgspec
from cachetools import LRUCache

from shared.models import ApiKey, PricePoint, UpdateStatus

V = TypeVar("V")

#: Returned by KeyCache.get when the store must be asked.
MISSING = object()


class KeyCache:
    """key hash -> ApiKey, or None for a hash the store does not know (negative caching keeps
    garbage keys from costing a store call each; a new key's hash has never been seen).

    Entries carry their own deadline in a bounded LRUCache: TTLCache's timer bookkeeping cost
    four times as much per lookup, and this runs on every request. Used from the event loop
    only, so it takes no lock. A lookup that was already under way when a key was forgotten
    (revoked) is not cached, so it cannot bring the revoked key back."""

    def __init__(self, ttl: float, maxsize: int = 100_000, clock: Callable[[], float] = time.monotonic) -> None:
        self._entries: LRUCache[str, tuple[float, ApiKey | None]] = LRUCache(maxsize=maxsize)
        self._ttl = ttl
        self._clock = clock
        self._forgets = 0

    @property
    def generation(self) -> int:
        """Changes whenever a key is forgotten; pass it back to `put` with the lookup's result."""
        return self._forgets

    def get(self, key_hash: str) -> ApiKey | None | object:
        """The cached lookup, or `MISSING` when the store must be asked."""
        entry = self._entries.get(key_hash)
        if entry is None or entry[0] <= self._clock():
            return MISSING
        return entry[1]

    def put(self, key_hash: str, key: ApiKey | None, generation: int) -> None:
        """Remember a lookup that started at `generation`, unless a key was forgotten since."""
        if generation == self._forgets:
            self._entries[key_hash] = (self._clock() + self._ttl, key)

    def forget(self, key_hash: str) -> None:
        self._forgets += 1
        self._entries.pop(key_hash, None)


class PriceSnapshot(msgspec.Struct, Generic[V]):
    """The latest prices by (symbol, currency), the update status, and bodies built from them."""

    prices: dict[tuple[str, str], PricePoint]
    status: UpdateStatus | None
    loaded_at: float
    bodies: LRUCache[Hashable, V] = msgspec.field(default_factory=lambda: LRUCache(maxsize=512))


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
