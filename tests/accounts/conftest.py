"""A running API on loopback over each store backend, mailing through the real outbox to a
real SMTP server, so a test reads the links a wearer would click."""

from __future__ import annotations

import asyncio
import functools
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

import httpx
import pytest

from api.app import create_app
from shared.config import Settings
from shared.ids import now
from shared.keyring import issue_key
from shared.models import Scope
from shared.shapes.pairing import GRANT_TYPE
from shared.store.base import Store
from tests.support.seed import seed_prices
from tests.support.server import free_port, serve
from tests.support.smtp import Mailbox, smtp_server
from updater.notify.outbox import OutboxDelivery

PASSWORD = "violet staple horizon"
TOKEN = re.compile(r"\?token=([A-Za-z0-9_%-]+)")
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class AccountService:
    url: str
    store: Store
    settings: Settings
    mailbox: Mailbox
    admin_key: str
    client: httpx.Client
    read: int = field(default=0)

    def deliver(self) -> list[tuple[str, str, str]]:
        """Run the outbox step once; the (to, subject, body) of the mail it sent. In a thread of
        its own: a browser driver may already run an event loop in this one."""
        run = functools.partial(asyncio.run, OutboxDelivery().deliver(self.store, self.settings, now()))
        with ThreadPoolExecutor(1) as pool:
            pool.submit(run).result()
        fresh = self.mailbox.received()[self.read:]
        self.read += len(fresh)
        return [(m["To"], m["Subject"], m.get_content()) for m in fresh]

    def link_token(self) -> str:
        (mail,) = self.deliver()
        found = TOKEN.search(mail[2])
        assert found is not None, mail
        return found[1]

    def sign_up(self, email: str, password: str = PASSWORD, name: str = "Ada") -> str:
        """A verified wearer; returns a session token."""
        answer = self.client.post("/v1/auth/register", json={"email": email, "password": password, "name": name})
        assert answer.status_code == 202, answer.text
        assert self.client.post("/v1/auth/verify", json={"token": self.link_token()}).status_code == 200
        return self.log_in(email, password)

    def poll(self, device_code: str) -> httpx.Response:
        """A watch's token request for its pairing (RFC 8628)."""
        return self.client.post("/v1/pair/token", data={"grant_type": GRANT_TYPE, "device_code": device_code})

    def log_in(self, email: str, password: str = PASSWORD) -> str:
        answer = self.client.post("/v1/auth/login", json={"email": email, "password": password})
        assert answer.status_code == 200, answer.text
        return str(answer.json()["token"])


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def csrf_of(page: httpx.Response) -> str:
    """The CSRF token a page's form carries."""
    found = CSRF.search(page.text)
    assert found is not None, page.text
    return found[1]


def web_login(browser: httpx.Client, email: str = "ada@example.com", target: str = "/account") -> httpx.Response:
    """Log in through the form, as a browser does: the cookie jar keeps the session."""
    token = csrf_of(browser.get("/login"))
    return browser.post("/login", data={"csrf": token, "email": email, "password": PASSWORD, "next": target})


@pytest.fixture
def account_settings(settings: Settings) -> Iterator[tuple[Settings, Mailbox]]:
    port = free_port()
    with smtp_server(port) as box:
        yield replace(
            settings, smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False,
            smtp_from="accounts@cryptowatch.test", public_url="https://watch.example.test",
        ), box


@pytest.fixture
def accounts(account_settings: tuple[Settings, Mailbox], store: Store) -> Iterator[AccountService]:
    settings, box = account_settings
    at = now()
    seed_prices(store, at)
    admin = issue_key(store, Scope.ADMIN, at, label="admin")
    with serve(create_app(settings, store)) as server, httpx.Client(base_url=server.url, timeout=10) as client:
        yield AccountService(server.url, store, settings, box, admin.secret, client)
