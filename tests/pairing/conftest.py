"""A running API on loopback, on every store backend, with an admin key and a user to own
paired watches."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from api.app import create_app
from shared.config import Settings
from shared.ids import now
from shared.keyring import issue_key
from shared.models import Scope
from shared.store.base import Store
from tests.api.conftest import seed_prices
from tests.support.server import serve

GRANT_TYPE = "urn:ietf:params:oauth:grant-type:device_code"


@dataclass
class PairingService:
    url: str
    admin: httpx.Client  # with an admin key
    anyone: httpx.Client  # with no key, as a watch before pairing
    user_id: str
    store: Store

    def start(self) -> dict[str, Any]:
        response = self.anyone.post("/v1/pair", data={"client_id": "test-watch"})
        assert response.status_code == 200, response.text
        return dict(response.json())

    def poll(self, device_code: str) -> httpx.Response:
        return self.anyone.post("/v1/pair/token", data={"grant_type": GRANT_TYPE, "device_code": device_code})

    def approve(self, user_code: str, **extra: Any) -> httpx.Response:
        fields = {"user_code": user_code, "user_id": self.user_id, **extra}
        return self.admin.post("/admin/pairings/approve", json=fields)


@pytest.fixture
def pairing_service(settings: Settings, store: Store) -> Iterator[PairingService]:
    at = now()
    seed_prices(store, at)
    admin = issue_key(store, Scope.ADMIN, at, label="admin")
    with serve(create_app(settings, store)) as server:
        with (
            httpx.Client(base_url=server.url, headers={"X-API-Key": admin.secret}, timeout=10) as admin_client,
            httpx.Client(base_url=server.url, timeout=10) as anyone,
        ):
            user = admin_client.post("/admin/users", json={"email": "ada@example.com", "name": "Ada"}).json()
            yield PairingService(server.url, admin_client, anyone, user["id"], store)
