"""Notification fixtures: a real SMTP server, the fake price upstream, a store, a user."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from shared.alerts import AlertSpec, new_alert
from shared.config import Settings
from shared.ids import now
from shared.models import Alert, Condition, PricePoint, User
from shared.store.base import Store
from shared.store.sqlite import SQLiteStore
from shared.users import create_user
from tests.support.fake_upstream import FakeUpstream, running_fake_upstream
from tests.support.server import free_port
from tests.support.smtp import Mailbox, smtp_server
from updater.alerts import fire_due_alerts

SYMBOLS = ("BTC", "ETH")


@pytest.fixture
def upstream() -> Iterator[FakeUpstream]:
    with running_fake_upstream() as fake:
        fake.set_price("BTC", usd=99_000.0, change=1.5)
        fake.set_price("ETH", usd=3_500.0, change=-0.5)
        yield fake


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def mailbox(smtp_port: int) -> Iterator[Mailbox]:
    with smtp_server(smtp_port) as box:
        yield box


@pytest.fixture
def notify_settings(tmp_path: Path, upstream: FakeUpstream, smtp_port: int) -> Settings:
    """Prices from the fake upstream, mail to the loopback SMTP port (no TLS on loopback),
    webhooks to a loopback receiver (private targets allowed)."""
    base = upstream.settings(tmp_path)
    return replace(
        base,
        supported_symbols=SYMBOLS,
        smtp_host="127.0.0.1",
        smtp_port=smtp_port,
        smtp_starttls=False,
        smtp_from="alerts@cryptowatch.test",
        notification_max_attempts=3,
        webhook_allow_private=True,
    )


@pytest.fixture
def store(notify_settings: Settings) -> Iterator[Store]:
    opened = SQLiteStore(notify_settings.sqlite_path)
    opened.init()
    yield opened
    opened.close()


@pytest.fixture
def user(store: Store) -> User:
    return create_user(store, email="ada@example.com", name="Ada", webhook_secret="ada-secret-0123456789")


def make_alert(
    store: Store,
    settings: Settings,
    user: User,
    condition: Condition = Condition.ABOVE,
    target: float = 100_000.0,
    **options: object,
) -> Alert:
    spec = AlertSpec(symbol="BTC", condition=condition, target=target, **options)  # type: ignore[arg-type]
    return store.create_alert(new_alert(spec, user, settings, now()))


def fire(store: Store, price: float, change: float = 0.0, at: int | None = None) -> int:
    """Evaluate every alert against one BTC/usd price at `at` (now by default); how many fired."""
    at = now() if at is None else at
    return fire_due_alerts(store, [PricePoint("BTC", "usd", price, change, at, "coingecko")], at)
