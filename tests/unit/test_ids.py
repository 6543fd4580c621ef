"""Ids sort in creation order, which every 'oldest first' listing relies on."""

from __future__ import annotations

import threading

import pytest

from shared.errors import InvalidInput
from shared.ids import day_start, new_id, utc_day


def test_ids_made_in_one_burst_sort_in_the_order_they_were_made() -> None:
    made = [new_id("usr") for _ in range(5000)]  # many share a millisecond
    assert made == sorted(made)
    assert len(set(made)) == len(made)


def test_ids_from_several_threads_are_unique_and_each_threads_are_ordered() -> None:
    results: dict[int, list[str]] = {}

    def make(n: int) -> None:
        results[n] = [new_id("key") for _ in range(2000)]

    threads = [threading.Thread(target=make, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [i for ids in results.values() for i in ids]
    assert len(set(every)) == len(every)
    assert all(ids == sorted(ids) for ids in results.values())


def test_ids_keep_their_shape() -> None:
    made = new_id("alr")
    kind, body = made.split("_")
    assert kind == "alr"
    assert len(body) == 22
    assert set(body) <= set("0123456789abcdefghjkmnpqrstvwxyz")


def test_a_day_starts_at_utc_midnight_and_only_real_padded_dates_are_days() -> None:
    assert day_start("2026-12-01") == 1_796_083_200
    assert utc_day(day_start("2026-12-01")) == "2026-12-01"
    for bad in ("2026-12-1", "2026-02-30", "yesterday", "2026-12-01 ", ""):
        with pytest.raises(InvalidInput):
            day_start(bad)
