"""The data folder is this user's alone: the store (webhook secrets in clear), its -wal and
-shm files, exports and admin.key are 0600 in a 0700 folder, whatever the umask, and files an
older version left 0644 are taken down to 0600."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.cli import write_admin_key
from shared.exports.local import LocalSink
from shared.models import PricePoint
from shared.store.sqlite import SQLiteStore
from tests.api.test_cli import cryptowatch


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """The umask most systems ship, under which files come out 0644 unless asked otherwise."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def write_something(path: Path) -> SQLiteStore:
    store = SQLiteStore(path)
    store.init()
    store.put_prices([PricePoint("BTC", "usd", 97_000.0, 1.0, 1_700_000_000, "coingecko")])
    return store


def test_a_new_store_is_0600_in_a_0700_folder_with_its_wal_and_shm(tmp_path: Path) -> None:
    data = tmp_path / "data"
    store = write_something(data / "cryptowatch.db")
    try:
        files = sorted(p.name for p in data.iterdir())
        assert {"cryptowatch.db", "cryptowatch.db-wal", "cryptowatch.db-shm"} <= set(files)
        assert {name: mode(data / name) for name in files} == {name: 0o600 for name in files}
        assert mode(data) == 0o700
    finally:
        store.close()


def test_an_older_world_readable_store_is_taken_down_to_0600(tmp_path: Path) -> None:
    path = tmp_path / "cryptowatch.db"
    write_something(path).close()
    for name in ("cryptowatch.db", "cryptowatch.db-wal", "cryptowatch.db-shm"):
        if (tmp_path / name).exists():
            os.chmod(tmp_path / name, 0o644)
    store = write_something(path)
    try:
        for name in ("cryptowatch.db", "cryptowatch.db-wal", "cryptowatch.db-shm"):
            assert mode(tmp_path / name) == 0o600, name
    finally:
        store.close()


def test_exports_are_0600_in_a_0700_folder(tmp_path: Path) -> None:
    sink = LocalSink(tmp_path / "exports")
    sink.save("exports/crypto_2026-01-01T00-00-00.json", b"[]", "application/json")
    assert mode(tmp_path / "exports") == 0o700
    assert mode(tmp_path / "exports" / "crypto_2026-01-01T00-00-00.json") == 0o600


def test_admin_key_replaces_an_older_0644_file_with_a_0600_one(tmp_path: Path) -> None:
    path = tmp_path / "admin.key"
    path.write_text("cw_old\n")
    os.chmod(path, 0o644)
    write_admin_key(path, "cw_new")
    assert path.read_text() == "cw_new\n"
    assert mode(path) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["admin.key"]  # no temporary file left behind


def test_init_makes_the_data_folder_0700(tmp_path: Path) -> None:
    data = tmp_path / "fresh"
    assert cryptowatch(data, "init").returncode == 0
    assert mode(data) == 0o700 and mode(data / "cryptowatch.db") == 0o600
