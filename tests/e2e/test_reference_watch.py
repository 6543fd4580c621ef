"""The reference watch (`cryptowatch watch`, a separate process reading only statuses and
bodies) against a real server on loopback: it pairs by a code the operator approves, shows
prices on the body's `n`, backs off on a 429 by the body's `retry_after`, and carries on across
a restart of the server, with no key typed anywhere."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.app import create_app
from shared.config import Settings
from shared.ids import now
from shared.keyring import issue_key
from shared.keys import hash_key
from shared.models import Scope
from shared.pairing.uri import pairing_uri
from shared.store.sqlite import SQLiteStore
from tests.api.conftest import seed_prices
from tests.conftest import settings_for
from tests.support.server import free_port, serve
from tests.support.watch import Watch


@pytest.fixture
def watch_settings(tmp_path: Path) -> Settings:
    """One request a minute per key, so the watch meets a 429 on its second or third poll, and
    a six-second update interval, so `n` sends it back within seconds."""
    return settings_for(tmp_path, rate_limit_per_minute=1, update_interval_seconds=6)


@pytest.fixture
def admin_key(watch_settings: Settings) -> Iterator[str]:
    store = SQLiteStore(watch_settings.sqlite_path)
    store.init()
    seed_prices(store, now())
    yield issue_key(store, Scope.ADMIN, now(), rate_limit=1000).secret  # only the watch is held to 1/min
    store.close()


@pytest.mark.timeout(240)
def test_a_wearer_reads_a_code_and_the_watch_shows_prices_through_a_429_and_a_restart(
    watch_settings: Settings, admin_key: str, tmp_path: Path
) -> None:
    port = free_port()
    state = tmp_path / "watch" / "watch.json"
    with serve(create_app(watch_settings), port=port) as server:
        watch = Watch(server.url, state)
        try:
            code = watch.expect(r"^code ([A-Z]{4}-[A-Z]{4}) ", within=20).group(1)
            with httpx.Client(base_url=server.url, headers={"X-API-Key": admin_key}, timeout=10) as admin:
                ada = admin.post("/admin/users", json={"email": "ada@example.com", "name": "Ada"}).json()
                approved = admin.post("/admin/pairings/approve", json={"user_code": code, "user_id": ada["id"]})
            assert approved.status_code == 200, approved.text
            watch.expect(r"^paired: key cw_", within=20)
            watch.expect(r"^BTC 97123\.5 -1\.23%  ETH 3456\.79 \+0\.85%.*\(next in [1-6] s\)$", within=20)
            backing_off = int(watch.expect(r"^rate_limited: backing off (\d+) s$", within=30).group(1))
        except BaseException:
            watch.stop()
            raise
    try:  # the server is down while the watch backs off: it finds nobody there, and keeps trying
        watch.expect(r"^server unreachable \(ConnectError\); retrying in [12] s$", within=backing_off + 15)
        with serve(create_app(watch_settings), port=port):
            watch.expect(r"^BTC 97123\.5 -1\.23%  ETH 3456\.79 \+0\.85%", within=30)
    finally:
        watch.stop()

    saved = state.read_text()
    assert stat.S_IMODE(os.stat(state).st_mode) == 0o600
    key = re.search(r'"key": "(cw_[^"]+)"', saved)
    assert key is not None
    store = SQLiteStore(watch_settings.sqlite_path)
    stored = store.find_key_by_hash(hash_key(key.group(1)))
    store.close()
    assert stored is not None and (stored.scope, stored.user_id) == (Scope.WATCH, ada["id"])


def test_a_pairing_uri_from_the_companions_qr_needs_no_pairing(watch_settings: Settings, tmp_path: Path) -> None:
    store = SQLiteStore(watch_settings.sqlite_path)
    store.init()
    seed_prices(store, now())
    key = issue_key(store, Scope.WATCH, now()).secret
    store.close()
    with serve(create_app(watch_settings)) as server:
        watch = Watch(server.url, tmp_path / "watch.json", uri=pairing_uri(server.url, key))
        try:
            first = watch.expect(r"^(code|BTC) ", within=20)
        finally:
            watch.stop()
    assert first.group(1) == "BTC"
