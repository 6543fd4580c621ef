"""Rate-limit counting (exact, also under concurrency) and the daily usage derived from it."""

from __future__ import annotations

import threading

from shared.ids import utc_day
from shared.models import KeyUsage
from shared.store.base import Store
from tests.contract.builders import NOW

TTL = 8 * 86_400
TODAY = NOW - NOW % 86_400  # 00:00 UTC of the current day
DAY = utc_day(TODAY)


def test_hits_in_one_window_count_up_from_one(store: Store) -> None:
    counts = [store.hit("key_a", TODAY, 100, TTL) for _ in range(5)]

    assert counts == [1, 2, 3, 4, 5]


def test_each_window_and_each_key_counts_on_its_own(store: Store) -> None:
    store.hit("key_a", TODAY, 100, TTL)
    store.hit("key_a", TODAY, 100, TTL)

    assert store.hit("key_a", TODAY + 60, 100, TTL) == 1
    assert store.hit("key_b", TODAY, 100, TTL) == 1
    assert store.hit("key_a", TODAY, 100, TTL) == 3


def test_counting_goes_on_past_the_limit(store: Store) -> None:
    counts = [store.hit("key_a", TODAY, 2, TTL) for _ in range(4)]

    assert counts == [1, 2, 3, 4]


def test_usage_sums_the_days_windows_and_counts_requests_over_the_limit(store: Store) -> None:
    for _ in range(3):
        store.hit("key_a", TODAY + 60, 5, TTL)  # within the limit
    for _ in range(7):
        store.hit("key_a", TODAY + 120, 5, TTL)  # two over
    for _ in range(4):
        store.hit("key_a", TODAY + 600, 2, TTL)  # two over, smaller per-key limit
    store.hit("key_a", TODAY - 60, 1, TTL)  # yesterday
    store.hit("key_a", TODAY - 60, 1, TTL)
    store.hit("key_b", TODAY + 60, 5, TTL)

    assert store.key_usage("key_a", DAY) == KeyUsage("key_a", DAY, 14, 4, TODAY + 600)
    assert store.key_usage("key_a", utc_day(TODAY - 60)) == KeyUsage(
        "key_a", utc_day(TODAY - 60), 2, 1, TODAY - 60
    )


def test_usage_of_a_key_without_requests_that_day_is_empty(store: Store) -> None:
    store.hit("key_a", TODAY - 60, 5, TTL)

    assert store.key_usage("key_a", DAY) == KeyUsage("key_a", DAY, 0, 0, None)
    assert store.key_usage("key_nothing", DAY) == KeyUsage("key_nothing", DAY, 0, 0, None)


def test_usage_for_a_day_lists_every_key_that_made_requests(store: Store) -> None:
    for _ in range(3):
        store.hit("key_a", TODAY + 60, 2, TTL)
    store.hit("key_b", TODAY + 180, 2, TTL)
    store.hit("key_c", TODAY - 60, 2, TTL)  # yesterday only

    usage = sorted(store.usage_for_day(DAY), key=lambda u: u.key_id)

    assert usage == [
        KeyUsage("key_a", DAY, 3, 1, TODAY + 60),
        KeyUsage("key_b", DAY, 1, 0, TODAY + 180),
    ]
    assert store.usage_for_day(utc_day(TODAY - 2 * 86_400)) == []


def test_concurrent_hits_are_counted_exactly_once_each(store: Store) -> None:
    threads, per_thread = 8, 40
    window = NOW
    counts: list[int] = []
    lock = threading.Lock()
    barrier = threading.Barrier(threads)

    def hammer() -> None:
        barrier.wait(timeout=10)
        mine = [store.hit("key_busy", window, 100, TTL) for _ in range(per_thread)]
        with lock:
            counts.extend(mine)

    workers = [threading.Thread(target=hammer) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)

    total = threads * per_thread
    assert sorted(counts) == list(range(1, total + 1))
    assert store.hit("key_busy", window, 100, TTL) == total + 1
    usage = store.key_usage("key_busy", utc_day(window))
    assert (usage.requests, usage.rejected) == (total + 1, total + 1 - 100)
