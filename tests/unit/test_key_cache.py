"""The key cache: lookups (and misses) are remembered for the TTL, no longer; a forgotten
(revoked) key is gone at once, and a lookup already under way cannot bring it back."""

from __future__ import annotations

from shared.cache import MISSING, KeyCache
from shared.models import ApiKey, Scope


def a_key() -> ApiKey:
    return ApiKey("key_1", "cw_abcdefgh", "hash", Scope.WATCH, 0)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_lookup_is_remembered_for_the_ttl_and_no_longer() -> None:
    clock = Clock()
    cache = KeyCache(ttl=30, clock=clock)
    cache.put("hash", a_key(), cache.generation)
    cache.put("unknown", None, cache.generation)

    clock.now += 29.9
    assert cache.get("hash") == a_key()
    assert cache.get("unknown") is None  # a miss is remembered too
    clock.now += 0.1
    assert cache.get("hash") is MISSING
    assert cache.get("unknown") is MISSING


def test_a_ttl_of_zero_remembers_nothing() -> None:
    cache = KeyCache(ttl=0)
    cache.put("hash", a_key(), cache.generation)
    assert cache.get("hash") is MISSING


def test_forgetting_a_key_takes_effect_at_once() -> None:
    cache = KeyCache(ttl=30)
    cache.put("hash", a_key(), cache.generation)
    cache.forget("hash")
    assert cache.get("hash") is MISSING


def test_a_lookup_under_way_when_a_key_is_forgotten_is_not_cached() -> None:
    cache = KeyCache(ttl=30)
    started = cache.generation  # the store is asked (off the event loop, on DynamoDB)...
    cache.forget("hash")  # ...while the key is revoked on this instance
    cache.put("hash", a_key(), started)  # the answer predates the revocation

    assert cache.get("hash") is MISSING
    cache.put("hash", a_key(), cache.generation)
    assert cache.get("hash") == a_key()


def test_the_cache_is_bounded() -> None:
    cache = KeyCache(ttl=30, maxsize=2)
    for name in ("a", "b", "c"):
        cache.put(name, None, cache.generation)
    assert cache.get("a") is MISSING
    assert cache.get("c") is None
