"""What only the SQLite backend promises: the file's setup and schema versions, pruning of old
data, reopening after close, and StoreUnavailable when the file cannot answer."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from shared.errors import StoreUnavailable
from shared.ids import utc_day
from shared.models import PricePoint
from shared.store import sqlite as sqlite_module
from shared.store.sqlite import SQLiteStore
from shared.store.sqlite_schema import MIGRATIONS, SCHEMA_VERSION
from tests.contract import builders
from tests.contract.builders import NOW
from tests.support.sqlite_lock import write_locked

DAY = 86_400


def pragma(path: Path, name: str) -> object:
    with sqlite3.connect(path) as conn:
        return conn.execute(f"PRAGMA {name}").fetchone()[0]


def test_init_creates_the_folder_and_a_wal_file_at_the_latest_version(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "data" / "cryptowatch.db"
    store = SQLiteStore(path)

    store.init()
    store.init()

    assert path.is_file()
    assert pragma(path, "journal_mode") == "wal"
    assert pragma(path, "user_version") == SCHEMA_VERSION
    store.ping()
    store.close()


def test_a_new_migration_runs_once_on_an_existing_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "cryptowatch.db"
    old = SQLiteStore(path)
    old.init()
    ada = old.create_user(builders.user())
    old.close()
    upgrade = ("CREATE TABLE audit (id TEXT PRIMARY KEY)",)
    monkeypatch.setattr(sqlite_module, "MIGRATIONS", (*MIGRATIONS, upgrade))
    monkeypatch.setattr(sqlite_module, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    new = SQLiteStore(path)

    new.init()
    new.init()  # would fail with "table audit already exists" if it ran twice

    assert pragma(path, "user_version") == SCHEMA_VERSION + 1
    assert new.get_user(ada.id) == ada
    new.close()


def test_ping_reports_a_file_without_schema_as_unavailable(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "empty.db")

    with pytest.raises(StoreUnavailable):
        store.ping()
    store.close()


def test_a_file_that_is_not_a_database_is_unavailable(tmp_path: Path) -> None:
    path = tmp_path / "garbage.db"
    path.write_bytes(b"this is not an sqlite file" * 100)
    store = SQLiteStore(path)

    with pytest.raises(StoreUnavailable):
        store.init()
    with pytest.raises(StoreUnavailable):
        store.ping()
    store.close()


def test_a_writer_that_waits_too_long_for_the_lock_gets_unavailable(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "busy.db", busy_timeout_seconds=0.2)
    store.init()

    with write_locked(tmp_path / "busy.db"):
        with pytest.raises(StoreUnavailable):
            store.create_user(builders.user())
        assert store.latest_prices() == []  # readers are not blocked by a writer in WAL mode
    store.create_user(builders.user())
    store.close()


def test_requests_are_counted_while_another_writer_holds_the_lock_and_stored_after(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "busy.db", busy_timeout_seconds=0.2)
    store.init()

    with write_locked(tmp_path / "busy.db"):
        started = time.monotonic()
        counts = [store.hit("key_a", NOW, 10, DAY) for _ in range(3)]
        assert time.monotonic() - started < 0.1  # the write-behind does not wait for the lock
    assert counts == [1, 2, 3]
    assert store.key_usage("key_a", utc_day(NOW)).requests == 3
    store.close()


def test_a_closed_store_reopens_on_the_next_call(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "cryptowatch.db")
    store.init()
    ada = store.create_user(builders.user())

    store.close()

    assert store.get_user(ada.id) == ada
    store.close()


def test_each_thread_works_on_its_own_connection_and_sees_committed_writes(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "cryptowatch.db")
    store.init()
    made = []
    thread = threading.Thread(target=lambda: made.append(store.create_user(builders.user())))
    thread.start()
    thread.join(timeout=10)

    assert store.get_user(made[0].id) == made[0]
    store.close()


def test_history_older_than_the_retention_is_pruned(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "cryptowatch.db", history_retention_seconds=DAY,
                        prune_interval_seconds=0)
    store.init()
    old = PricePoint("BTC", "usd", 60_000.0, None, NOW - 2 * DAY, "coingecko")
    recent = PricePoint("BTC", "usd", 97_000.0, None, NOW - 60, "coingecko")
    store.put_prices([old])

    store.put_prices([recent])

    assert store.price_history("BTC", "usd", 0, NOW) == [recent]
    assert store.latest_prices() == [recent]
    store.close()


def test_history_is_pruned_at_most_once_per_interval(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "cryptowatch.db", history_retention_seconds=DAY,
                        prune_interval_seconds=3600)
    store.init()
    store.put_prices([PricePoint("ETH", "usd", 3_400.0, None, NOW, "coingecko")])  # prunes
    old = PricePoint("BTC", "usd", 60_000.0, None, NOW - 2 * DAY, "coingecko")

    store.put_prices([old])  # within the interval: no pruning yet

    assert store.price_history("BTC", "usd", 0, NOW) == [old]
    store.close()


def test_expired_rate_limit_windows_are_pruned(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "cryptowatch.db", prune_interval_seconds=0)
    store.init()
    long_ago = NOW - 10 * DAY
    store.hit("key_a", long_ago, 10, ttl_seconds=DAY)

    store.hit("key_a", NOW, 10, ttl_seconds=DAY)

    assert store.key_usage("key_a", utc_day(long_ago)).requests == 0
    assert store.key_usage("key_a", utc_day(NOW)).requests == 1
    store.close()
