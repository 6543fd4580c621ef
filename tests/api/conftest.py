"""A running watch API on loopback, backed by a real store holding known prices and keys."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from api.app import create_app
from api.services import Services
from shared.config import Settings
from shared.ids import now
from shared.keyring import issue_key
from shared.models import Scope
from shared.store.base import Store
from tests.support.seed import seed_prices
from tests.support.server import serve


@dataclass
class WatchService:
    url: str
    key: str
    admin_key: str
    store: Store
    settings: Settings
    #: The running app's services (to freeze its clock for a rate-limit burst).
    services: Services


@pytest.fixture
def watch_service(settings: Settings, store: Store) -> Iterator[WatchService]:
    """The API on loopback over a store of each backend, with fresh prices and two keys."""
    at = now()
    seed_prices(store, at)
    watch = issue_key(store, Scope.WATCH, at, label="watch")
    admin = issue_key(store, Scope.ADMIN, at, label="admin")
    app = create_app(settings, store)
    with serve(app) as server:
        yield WatchService(server.url, watch.secret, admin.secret, store, settings, app.state.services)
