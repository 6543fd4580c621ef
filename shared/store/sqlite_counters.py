"""Rate-limit window counts in a memory-mapped file that every process on the machine shares.

A SQLite write transaction costs more than the rest of a watch request put together, and every
worker process queues for the same write lock. The counts of live windows therefore live in a
small hash table in a file beside the database, mapped by every process that opens the store,
and changed under an exclusive `lockf` lock: exact across processes, a few microseconds a hit.
The table is written behind to `rate_windows` (for usage statistics) about once a second, and
before anything reads usage.

Exactness rests on one rule: a window's count first comes from `rate_windows` when its slot is
made (the seed), and a slot is only reused once its count is in `rate_windows` (clean). So a slot
can be dropped and made again, or a hit can go straight to the table when no slot is free, and
the count still carries on from where it was.
"""

from __future__ import annotations

import fcntl
import mmap
import os
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

MAGIC = b"cwcount1"
HEADER = struct.Struct("<8sq")
HEADER_BYTES = 64
#: window_start, count, limit, expires_at, key id (NUL-padded); an all-zero key is an empty slot.
SLOT = struct.Struct("<qqqq64s")
KEY_BYTES = 64
PROBES = 64

#: Serialises this process's threads around the table: `lockf` locks belong to the process, so
#: two threads of one process would both hold one. Made anew in a forked child, where it may
#: have been copied while held.
_process_lock = threading.Lock()


def _fresh_lock_in_child() -> None:
    global _process_lock
    _process_lock = threading.Lock()


os.register_at_fork(after_in_child=_fresh_lock_in_child)


@dataclass(frozen=True, slots=True)
class WindowCount:
    key_id: str
    window_start: int
    count: int
    limit: int
    expires_at: int


#: Reads the stored count of (key_id, window_start), 0 when there is none.
Seed = Callable[[str, int], int]
#: Writes counts to `rate_windows`, keeping the larger of the stored and the given count;
#: `patient` says whether to wait for a busy database or give up at once.
Persist = Callable[[Sequence[WindowCount], bool], None]
#: Counts one hit straight in `rate_windows` and returns the new count (no slot was free).
Direct = Callable[[str, int, int, int], int]


class SharedCounters:
    def __init__(
        self, path: Path, seed: Seed, persist: Persist, direct: Direct, *,
        slots: int = 16_384, flush_interval_seconds: float = 1.0,
    ) -> None:
        self.path = path
        self._seed, self._persist, self._direct = seed, persist, direct
        self._slots = slots
        self._flush_interval = flush_interval_seconds
        self._size = HEADER_BYTES + slots + slots * SLOT.size
        self._dirty_at = HEADER_BYTES
        self._slots_at = HEADER_BYTES + slots
        self._fd = -1
        self._map: mmap.mmap | None = None
        self._hints: dict[tuple[str, int], tuple[int, bytes]] = {}
        self._last_flush = time.monotonic()

    # --- the file ------------------------------------------------------------------------
    def _mapped(self) -> mmap.mmap:
        """The mapping, made on first use; a forked child goes on with its parent's (a shared
        mapping, and `lockf` locks belong to the process that takes them). Called with the
        process lock held."""
        if self._map is not None:
            return self._map
        self._hints = {}
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX)
            try:
                if os.fstat(fd).st_size != self._size or os.pread(fd, HEADER.size, 0) != HEADER.pack(
                    MAGIC, self._slots
                ):
                    os.ftruncate(fd, 0)  # a new file, or one of another layout: start afresh
                    os.ftruncate(fd, self._size)
                    os.pwrite(fd, HEADER.pack(MAGIC, self._slots), 0)
            finally:
                fcntl.lockf(fd, fcntl.LOCK_UN)
            self._map = mmap.mmap(fd, self._size)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        return self._map

    @contextmanager
    def _locked(self) -> Iterator[mmap.mmap]:
        with _process_lock:
            table = self._mapped()
            fcntl.lockf(self._fd, fcntl.LOCK_EX)
            try:
                yield table
            finally:
                fcntl.lockf(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        with _process_lock:
            if self._map is not None:
                self._map.close()
                os.close(self._fd)
            self._map, self._fd = None, -1

    # --- counting ------------------------------------------------------------------------
    def hit(self, key_id: str, window_start: int, limit: int, expires_at: int) -> int:
        """Count one request and return the window's count including it."""
        with _process_lock:  # spelled out rather than `_locked()`: this runs on every request
            table = self._map if self._map is not None else self._mapped()
            fd = self._fd
            fcntl.lockf(fd, fcntl.LOCK_EX)
            try:
                hint = self._hints.get((key_id, window_start))
                if hint is not None:  # the usual case: this window's slot, found earlier
                    index, padded = hint
                    start, count, _, _, stored_key = SLOT.unpack_from(table, self._slots_at + index * SLOT.size)
                    if start == window_start and stored_key == padded:
                        return self._counted(table, index, window_start, count + 1, limit, expires_at, padded)
                return self._count_elsewhere(table, key_id, window_start, limit, expires_at)
            finally:
                fcntl.lockf(fd, fcntl.LOCK_UN)

    def _count_elsewhere(self, table: mmap.mmap, key_id: str, window_start: int, limit: int, expires_at: int) -> int:
        """A window without a known slot: find its slot or take one over (seeding the count
        from `rate_windows`), or count it in `rate_windows` when no slot is free."""
        key = key_id.encode()
        if len(key) > KEY_BYTES:
            return self._direct(key_id, window_start, limit, expires_at)
        padded = key.ljust(KEY_BYTES, b"\0")
        home = zlib.crc32(key) % self._slots
        spare: int | None = None
        for step in range(PROBES):
            index = (home + step) % self._slots
            start, count, _, _, stored_key = SLOT.unpack_from(table, self._slots_at + index * SLOT.size)
            if start == window_start and stored_key == padded:
                self._remember(key_id, window_start, index, padded)
                return self._counted(table, index, window_start, count + 1, limit, expires_at, padded)
            if not stored_key[0]:
                spare = index if spare is None else spare
                break  # an empty slot ends the probe: nothing was ever placed past it
            if spare is None and not table[self._dirty_at + index]:
                spare = index
        if spare is None:
            return self._direct(key_id, window_start, limit, expires_at)
        self._remember(key_id, window_start, spare, padded)
        count = self._seed(key_id, window_start) + 1
        return self._counted(table, spare, window_start, count, limit, expires_at, padded)

    def _counted(
        self, table: mmap.mmap, index: int, window_start: int, count: int, limit: int, expires_at: int, padded: bytes
    ) -> int:
        SLOT.pack_into(table, self._slots_at + index * SLOT.size, window_start, count, limit, expires_at, padded)
        table[self._dirty_at + index] = 1
        if time.monotonic() - self._last_flush >= self._flush_interval:
            self._flush_quietly(table)
        return count

    def _remember(self, key_id: str, window_start: int, index: int, padded: bytes) -> None:
        if len(self._hints) > self._slots:
            self._hints.clear()
        self._hints[(key_id, window_start)] = (index, padded)

    # --- writing behind ------------------------------------------------------------------
    def flush(self) -> None:
        """Write every count not yet in `rate_windows` there (before usage is read)."""
        with self._locked() as table:
            self._flush(table, patient=True)

    def _flush_quietly(self, table: mmap.mmap) -> None:
        """The periodic write-behind: a busy or unreachable database only delays it."""
        self._last_flush = time.monotonic()
        try:
            self._flush(table, patient=False)
        except Exception:  # the counts stay in memory, marked dirty, for a later try
            return

    def _flush(self, table: mmap.mmap, *, patient: bool) -> None:
        """Persist, then mark clean, all under the lock: a slot may be taken over only once
        its count is stored, or the next seed would miss it."""
        dirty = list(self._dirty_slots(table))
        if not dirty:
            return
        counts = []
        for index in dirty:
            start, count, limit, expires_at, key = SLOT.unpack_from(table, self._slots_at + index * SLOT.size)
            counts.append(WindowCount(key.rstrip(b"\0").decode(), start, count, limit, expires_at))
        self._persist(counts, patient)
        for index in dirty:
            table[self._dirty_at + index] = 0

    def _dirty_slots(self, table: mmap.mmap) -> Iterator[int]:
        end = self._dirty_at + self._slots
        at = table.find(b"\x01", self._dirty_at, end)
        while at != -1:
            yield at - self._dirty_at
            at = table.find(b"\x01", at + 1, end)
