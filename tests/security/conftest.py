"""A live API with a victim watch key and keys in every state, and a raw HTTP client.

Abusive credentials are sent over a plain socket, byte for byte: an HTTP library would refuse
to send control characters or non-ASCII header values, which is exactly what an attacker's
client does not do."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from api.app import create_app
from api.services import Services
from shared.config import Settings
from shared.ids import now
from shared.keyring import issue_key
from shared.models import Scope
from shared.store.base import Store
from shared.users import create_user
from tests.accounts.conftest import account_settings, accounts  # noqa: F401  (fixtures of test_account_abuse)
from tests.support.raw_http import Answer, parse_answer
from tests.support.seed import seed_prices
from tests.support.server import serve

#: The victim's per-key limit: small, so a single refused request counted against it would show.
VICTIM_LIMIT = 5


@dataclass
class AbuseTarget:
    url: str
    port: int
    store: Store
    settings: Settings
    victim: str
    victim_id: str
    admin: str
    revoked: str
    expired: str
    services: Services

    def request(self, method: str, path: str, headers: list[bytes], body: bytes = b"") -> Answer:
        """One request on its own connection, headers sent exactly as given."""
        head = [f"{method} {path} HTTP/1.1".encode(), b"Host: 127.0.0.1", b"Connection: close", *headers]
        if body:
            head += [b"Content-Type: application/json", f"Content-Length: {len(body)}".encode()]
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as sock:
            sock.sendall(b"\r\n".join(head) + b"\r\n\r\n" + body)
            received = b""
            while chunk := sock.recv(65_536):
                received += chunk
        return parse_answer(received)

    def get(self, path: str, *headers: bytes) -> Answer:
        return self.request("GET", path, list(headers))


def key_header(secret: str) -> bytes:
    return b"X-API-Key: " + secret.encode()


@contextlib.contextmanager
def running_target(settings: Settings, store: Store, **serve_options: Any) -> Iterator[AbuseTarget]:
    """The API on loopback over `store`: fresh prices, an owned victim key limited to
    VICTIM_LIMIT a minute, an admin key, a revoked key and an expired one."""
    at = now()
    seed_prices(store, at)
    owner = create_user(store, email="victim@example.com", name="Victim")
    victim = issue_key(store, Scope.WATCH, at, user_id=owner.id, label="victim", rate_limit=VICTIM_LIMIT)
    admin = issue_key(store, Scope.ADMIN, at, label="admin")
    revoked = issue_key(store, Scope.WATCH, at, user_id=owner.id, label="revoked")
    store.revoke_key(revoked.record.id, at)
    expired = issue_key(store, Scope.ADMIN, at - 120, label="expired", expires_at=at - 60)
    app = create_app(settings, store)
    with serve(app, **serve_options) as server:
        yield AbuseTarget(
            url=server.url,
            port=server.port,
            store=store,
            settings=settings,
            victim=victim.secret,
            victim_id=victim.record.id,
            admin=admin.secret,
            revoked=revoked.secret,
            expired=expired.secret,
            services=app.state.services,
        )


@pytest.fixture
def target(settings: Settings, sqlite_store: Store) -> Iterator[AbuseTarget]:
    with running_target(settings, sqlite_store) as running:
        yield running
