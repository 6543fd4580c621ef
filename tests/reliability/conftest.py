"""A live API for the reliability suites: fresh prices, an admin key and a watch key that
belongs to a user (so /v1/alerts is reachable), over a store the test chooses."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from api.app import create_app
from api.routes.health import PROBE_SECONDS
from shared.config import Settings
from shared.ids import now
from shared.keyring import issue_key
from shared.models import Scope
from shared.store.base import Store
from shared.users import create_user
from tests.support.seed import seed_prices
from tests.support.server import serve


@dataclass
class Live:
    url: str
    port: int
    store: Store
    settings: Settings
    admin: httpx.Client
    watch: httpx.Client

    def close(self) -> None:
        self.admin.close()
        self.watch.close()


def health_recovers(client: httpx.Client) -> bool:
    """/health says ok again within about a second of the store's recovery (it reuses its
    store probe that long)."""
    deadline = time.monotonic() + PROBE_SECONDS + 2
    while True:
        answer = client.get("/health")
        if answer.status_code == 200 and answer.json()["store"] == "ok":
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)


@contextlib.contextmanager
def live_api(settings: Settings, store: Store) -> Iterator[Live]:
    at = now()
    seed_prices(store, at)
    owner = create_user(store, email="owner@example.com", name="Owner")
    watch = issue_key(store, Scope.WATCH, at, user_id=owner.id, label="watch")
    admin = issue_key(store, Scope.ADMIN, at, label="admin")
    with serve(create_app(settings, store)) as server:
        live = Live(
            server.url,
            server.port,
            store,
            settings,
            httpx.Client(base_url=server.url, headers={"X-API-Key": admin.secret}, timeout=20),
            httpx.Client(base_url=server.url, headers={"X-API-Key": watch.secret}, timeout=20),
        )
        try:
            yield live
        finally:
            live.close()


@pytest.fixture
def live(settings: Settings, sqlite_store: Store) -> Iterator[Live]:
    with live_api(settings, sqlite_store) as running:
        yield running
