"""Code that runs in child processes of `test_sqlite_processes.py`, importable by name so the
`spawn` start method (fresh interpreters, like uvicorn workers) can find it."""

from __future__ import annotations

from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier

from shared.store.base import Store
from shared.store.sqlite import SQLiteStore


def hit_many(
    store: Store | str, key_id: str, window: int, hits: int, start: Barrier, out: Queue[list[int]]
) -> None:
    """Count `hits` requests once every process is ready; report the counts seen.
    `store` is a path (open the file here) or a store inherited from the parent by fork."""
    own = SQLiteStore(store) if isinstance(store, str) else store
    start.wait(timeout=30)
    out.put([own.hit(key_id, window, 1000, 86_400) for _ in range(hits)])
    own.close()


def claim(path: str, notification_id: str, now: int, start: Barrier, out: Queue[bool]) -> None:
    store = SQLiteStore(path)
    start.wait(timeout=30)
    out.put(store.claim_notification(notification_id, now, now + 120))
    store.close()
