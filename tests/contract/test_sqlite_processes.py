"""SQLite shared by several processes at once (uvicorn workers plus the updater): counts stay
exact and conditional steps have one winner, across processes and not only threads."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from pathlib import Path
from typing import Any

from shared.store.sqlite import SQLiteStore
from tests.contract import sqlite_workers
from tests.contract.builders import NOW, pending_notification

PROCESSES = 4


def run_processes(method: str, target: Callable[..., None], *args: Any) -> list[Any]:
    """Start PROCESSES children on `target(*args, barrier, queue)`; their reports."""
    context = multiprocessing.get_context(method)
    start = context.Barrier(PROCESSES)
    out = context.Queue()
    children = [context.Process(target=target, args=(*args, start, out)) for _ in range(PROCESSES)]
    for child in children:
        child.start()
    try:
        reports = [out.get(timeout=60) for _ in children]
    finally:
        for child in children:
            child.join(timeout=30)
    assert [child.exitcode for child in children] == [0] * PROCESSES
    return reports


def opened(path: Path) -> SQLiteStore:
    store = SQLiteStore(path)
    store.init()
    return store


def test_processes_hitting_one_window_get_every_count_exactly_once(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    store = opened(path)
    hits = 150

    reports = run_processes("spawn", sqlite_workers.hit_many, str(path), "key_busy", NOW, hits)

    counts = sorted(count for report in reports for count in report)
    assert counts == list(range(1, PROCESSES * hits + 1))
    assert all(report == sorted(report) for report in reports)
    assert store.hit("key_busy", NOW, 1000, 86_400) == PROCESSES * hits + 1
    store.close()


def test_a_store_used_before_a_fork_works_in_the_children(tmp_path: Path) -> None:
    store = opened(tmp_path / "forked.db")
    assert store.hit("key_busy", NOW, 1000, 86_400) == 1  # the parent holds an open connection

    reports = run_processes("fork", sqlite_workers.hit_many, store, "key_busy", NOW, 50)

    counts = sorted(count for report in reports for count in report)
    assert counts == list(range(2, PROCESSES * 50 + 2))
    assert store.hit("key_busy", NOW, 1000, 86_400) == PROCESSES * 50 + 2
    store.close()


def test_processes_racing_for_one_notification_leave_one_winner(tmp_path: Path) -> None:
    path = tmp_path / "outbox.db"
    store = opened(path)
    due = pending_notification(store)

    wins = run_processes("spawn", sqlite_workers.claim, str(path), due.id, NOW)

    assert sorted(wins) == [False] * (PROCESSES - 1) + [True]
    store.close()
