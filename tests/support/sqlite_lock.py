"""Another process in the middle of a write, for tests of what a held SQLite write lock does."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def write_locked(path: Path) -> Iterator[None]:
    """SQLite's write lock on the file at `path`, held by a connection of its own until the
    block ends."""
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
