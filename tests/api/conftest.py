"""A running watch API on loopback, backed by a real store holding known prices and keys."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from api.app import create_app
from shared.config import Settings
from shared.ids import now
from shared.keyring import issue_key
from shared.models import PricePoint, Scope, UpdateStatus
from shared.store.base import Store
from tests.support.server import serve

PRICES = {"BTC": (97123.4567, -1.2345), "ETH": (3456.789, 0.85), "SOL": (245.1234, 3.1)}


@dataclass
class WatchService:
    url: str
    key: str
    admin_key: str
    store: Store
    settings: Settings


def seed_prices(store: Store, at: int, currency: str = "usd") -> None:
    store.put_prices(
        [PricePoint(s, currency, p, c, at, "coingecko") for s, (p, c) in PRICES.items()]
    )
    store.record_update(
        UpdateStatus(ok=True, source="coingecko", started_at=at, finished_at=at, symbols_updated=3,
                     last_success_at=at)
    )


def wait_for_fresh_minute(margin: int = 10) -> None:
    """Start a rate-limit burst early in a minute so it cannot straddle two windows."""
    if 60 - time.time() % 60 < margin:
        time.sleep(60 - time.time() % 60 + 0.05)


@pytest.fixture
def watch_service(settings: Settings, store: Store) -> Iterator[WatchService]:
    """The API on loopback over a store of each backend, with fresh prices and two keys."""
    at = now()
    seed_prices(store, at)
    watch = issue_key(store, Scope.WATCH, at, label="watch")
    admin = issue_key(store, Scope.ADMIN, at, label="admin")
    with serve(create_app(settings, store)) as server:
        yield WatchService(server.url, watch.secret, admin.secret, store, settings)
