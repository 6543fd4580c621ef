"""The API in-process (no socket: tests/support/inprocess.py) with an admin key, a watch key,
and known price history."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from api.app import create_app
from api.services import Services
from shared.config import Settings
from shared.ids import now
from shared.keyring import issue_key
from shared.models import PricePoint, Scope
from shared.store.base import Store
from tests.support.inprocess import client, in_process
from tests.support.seed import seed_history
from updater.alerts import fire_due_alerts


@dataclass
class AdminService:
    admin: httpx.Client
    watch_key: str
    store: Store
    settings: Settings
    history_end: int
    admin_key: str
    #: The running app's own services, for a test that swaps one (a slow export sink).
    services: Services
    connect: Callable[[dict[str, str]], httpx.Client]

    def client(self, key: str | None) -> httpx.Client:
        """Another client of the same app, with `key` (or none)."""
        return self.connect({"X-API-Key": key} if key else {})

    def user(self, email: str = "ada@example.com", name: str = "Ada", **extra: Any) -> dict[str, Any]:
        response = self.admin.post("/admin/users", json={"email": email, "name": name, **extra})
        assert response.status_code == 201, response.text
        return dict(response.json())

    def key(self, user_id: str, scope: str = "watch", **extra: Any) -> dict[str, Any]:
        response = self.admin.post("/admin/keys", json={"user_id": user_id, "scope": scope, **extra})
        assert response.status_code == 201, response.text
        return dict(response.json())

    def alert(self, user_id: str, target: float, condition: str = "above", **extra: Any) -> dict[str, Any]:
        """A BTC alert for the user, made through the API."""
        fields = {"user_id": user_id, "symbol": "BTC", "condition": condition, "target": target, **extra}
        response = self.admin.post("/admin/alerts", json=fields)
        assert response.status_code == 201, response.text
        return dict(response.json())

    def fire(self, price: float, change: float | None = 0.0, at: int | None = None) -> int:
        """Evaluate every alert against one BTC/usd price at `at` (now by default), as an
        updater cycle does; how many fired."""
        at = now() if at is None else at
        return fire_due_alerts(self.store, [PricePoint("BTC", "usd", price, change, at, "coingecko")], at)


@pytest.fixture
def service(settings: Settings, sqlite_store: Store) -> Iterator[AdminService]:
    at = now()
    history_end = seed_history(sqlite_store)
    admin = issue_key(sqlite_store, Scope.ADMIN, at, label="admin")
    watch = issue_key(sqlite_store, Scope.WATCH, at, label="ownerless watch")
    app = create_app(settings, sqlite_store)
    with in_process(app) as portal, client(app, portal, {"X-API-Key": admin.secret}) as admin_client:
        yield AdminService(
            admin_client, watch.secret, sqlite_store, settings, history_end, admin.secret,
            app.state.services, lambda headers: client(app, portal, headers),
        )
