"""The watch API in-process (no socket: tests/support/inprocess.py), backed by a real store of
each backend holding known prices and keys."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import httpx
import pytest

from api.app import create_app
from api.services import Services
from shared.config import Settings
from shared.ids import now
from shared.keyring import issue_key
from shared.models import Scope
from shared.store.base import Store
from tests.support.inprocess import client, in_process
from tests.support.seed import seed_prices


@dataclass
class WatchService:
    #: A client of the app without a key; `connect(headers)` makes another.
    http: httpx.Client
    key: str
    admin_key: str
    store: Store
    settings: Settings
    #: The running app's services (to freeze its clock for a rate-limit burst).
    services: Services
    connect: Callable[[dict[str, str]], httpx.Client]


@pytest.fixture
def watch_service(settings: Settings, store: Store) -> Iterator[WatchService]:
    """The API over a store of each backend, with fresh prices and two keys."""
    at = now()
    seed_prices(store, at)
    watch = issue_key(store, Scope.WATCH, at, label="watch")
    admin = issue_key(store, Scope.ADMIN, at, label="admin")
    app = create_app(settings, store)
    with in_process(app) as portal, client(app, portal) as http:
        yield WatchService(
            http, watch.secret, admin.secret, store, settings, app.state.services,
            lambda headers: client(app, portal, headers),
        )
