"""The SQLite backend counts live rate-limit windows in a table shared in memory by every
process on the machine. Whatever happens to that table (too few slots, slots taken over, a key
id too long for a slot, the file reset), counts stay exact and usage sees every request."""

from __future__ import annotations

import collections
import multiprocessing
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from shared.ids import utc_day
from shared.store.sqlite import SQLiteStore
from tests.contract.builders import NOW

TTL = 8 * 86_400
TODAY = NOW - NOW % 86_400
KEYS = ["key_a", "key_b", "key_c", "key_" + "long" * 20]  # the last is too long for a slot
WINDOWS = [TODAY, TODAY + 60, TODAY + 120]


def opened(path: Path, slots: int) -> SQLiteStore:
    store = SQLiteStore(path, counter_slots=slots)
    store.init()
    return store


@settings(max_examples=40, deadline=None)
@given(
    slots=st.integers(min_value=1, max_value=4),
    hits=st.lists(st.tuples(st.sampled_from(KEYS), st.sampled_from(WINDOWS)), max_size=60),
    flush_every=st.integers(min_value=1, max_value=10),
)
def test_counts_are_exact_however_few_slots_there_are(
    slots: int, hits: list[tuple[str, int]], flush_every: int
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = opened(Path(folder) / "counts.db", slots)
        expected: collections.Counter[tuple[str, int]] = collections.Counter()
        for n, (key_id, window) in enumerate(hits, start=1):
            expected[key_id, window] += 1
            assert store.hit(key_id, window, 5, TTL) == expected[key_id, window]
            if n % flush_every == 0:
                store.usage_for_day(utc_day(TODAY))  # writes behind, freeing slots to take over
        usage = {u.key_id: u.requests for u in store.usage_for_day(utc_day(TODAY))}
        assert usage == {key: sum(c for (k, _), c in expected.items() if k == key) for key, _ in expected}
        store.close()


def test_a_second_process_sees_counts_the_first_has_not_written_yet(tmp_path: Path) -> None:
    first, second = opened(tmp_path / "shared.db", 64), opened(tmp_path / "shared.db", 64)
    for _ in range(3):
        first.hit("key_a", TODAY, 5, TTL)

    assert second.hit("key_a", TODAY, 5, TTL) == 4
    assert second.key_usage("key_a", utc_day(TODAY)).requests == 4
    first.close()
    second.close()


def test_a_reset_counter_file_carries_on_from_the_stored_counts(tmp_path: Path) -> None:
    path = tmp_path / "reset.db"
    store = opened(path, 64)
    for _ in range(3):
        store.hit("key_a", TODAY, 5, TTL)
    store.close()  # writes the counts behind
    Path(f"{path}-counters").write_bytes(b"not a counter table")

    reopened = opened(path, 64)
    assert reopened.hit("key_a", TODAY, 5, TTL) == 4
    reopened.close()


def hit_keys(path: str, rounds: int, start: multiprocessing.synchronize.Barrier,
             out: multiprocessing.Queue[int]) -> None:
    store = SQLiteStore(path, counter_slots=2)
    start.wait(timeout=30)
    for _ in range(rounds):
        for key_id in KEYS:
            for window in WINDOWS:
                store.hit(key_id, window, 5, TTL)
    store.close()
    out.put(rounds)


def test_processes_sharing_two_slots_among_many_windows_count_every_request_once(tmp_path: Path) -> None:
    path = tmp_path / "crowded.db"
    opened(path, 2).close()
    context = multiprocessing.get_context("fork")
    start, out = context.Barrier(3), context.Queue()
    children = [context.Process(target=hit_keys, args=(str(path), 40, start, out)) for _ in range(3)]
    for child in children:
        child.start()
    reports = [out.get(timeout=60) for _ in children]
    for child in children:
        child.join(timeout=30)

    assert reports == [40, 40, 40]
    store = opened(path, 2)
    for key_id in KEYS:
        assert store.key_usage(key_id, utc_day(TODAY)).requests == 3 * 40 * len(WINDOWS)
        assert store.hit(key_id, TODAY, 5, TTL) == 3 * 40 + 1
    store.close()
