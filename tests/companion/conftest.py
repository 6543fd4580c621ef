"""A real cryptowatch API on loopback with a temporary SQLite store holding fixed data, and
helpers to drive the companion against it with Pilot.

Everything the screens show is seeded relative to one instant `at`, and the app's clock is
frozen there, so ages read the same on every run ("2 min ago") and snapshots are stable.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from textual.app import App
from textual.pilot import Pilot
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input
from textual.worker import Worker, WorkerState

from api.app import create_app
from companion.app import CompanionApp
from companion.cli import make_app
from companion.connection import Connection
from shared.config import Settings
from shared.keyring import issue_key
from shared.keys import hash_key
from shared.models import (
    Alert,
    ApiKey,
    Channel,
    Condition,
    Notification,
    PricePoint,
    Scope,
    UpdateStatus,
    User,
)
from shared.store.base import Store
from tests.support.server import serve

SIZE = (120, 36)
SHOWN_URL = "http://127.0.0.1:8000"
ADMIN_SECRET = "cw_companionTestsAdminKey00000000000"
PRICES = {
    "BTC": (97123.4567, -1.2345), "ETH": (3456.789, 0.85), "SOL": (245.1234, 3.1),
    "XRP": (1.4321, -0.42), "ADA": (0.9876, 2.5), "DOGE": (0.38765, -3.75), "DOT": (8.765, 0.0),
    "LTC": (101.25, 1.05), "LINK": (22.5, -0.6), "AVAX": (41.05, 4.2),
}
#: BTC's half-hourly history over a day as a fraction of its latest price, oldest first.
BTC_SHAPE = [round(0.96 + 0.03 * math.sin(i / 5) + 0.005 * (i % 3), 4) for i in range(47)] + [1.0]
DAY = 86_400


@dataclass
class Service:
    url: str
    admin_key: str
    store: Store
    settings: Settings
    at: int
    users: dict[str, User] = field(default_factory=dict)

    def http(self, key: str | None) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers={"X-API-Key": key or ""}, timeout=10)

    def app(
        self, *, key: str | None = None, url: str | None = None, start: str = "prices", refresh: float = 30.0
    ) -> CompanionApp:
        """The companion as `cryptowatch companion` builds it, with the clock frozen at `at`."""
        connection = Connection(url or self.url, key or self.admin_key, "--url", "--key")
        return make_app(connection, start=start, clock=lambda: float(self.at), refresh_seconds=refresh)


def seed_prices(store: Store, at: int) -> None:
    """Latest prices two minutes before `at`; BTC also has a half-hourly history before them."""
    minute = at - at % 60
    history = [
        PricePoint("BTC", "usd", PRICES["BTC"][0] * factor, None, minute - 1800 * k - 150, "coingecko")
        for k, factor in enumerate(reversed(BTC_SHAPE[:-1]), start=1)
    ]
    store.put_prices(sorted(history, key=lambda p: p.updated_at))
    latest = at - 120
    store.put_prices([PricePoint(s, "usd", p, c, latest, "coingecko") for s, (p, c) in PRICES.items()])
    store.record_update(
        UpdateStatus(ok=True, source="coingecko", started_at=latest - 2, finished_at=latest,
                     symbols_updated=len(PRICES), last_success_at=latest)
    )


def seed_people(store: Store, at: int) -> dict[str, User]:
    """Three users, their watch keys (one revoked), and alerts in every state."""
    users = {
        name: store.create_user(User(f"usr_{i}{name}", f"{name}@example.com", name.title(), at - (5 - i) * DAY))
        for i, name in enumerate(("ada", "grace", "linus"), start=1)
    }
    keys = [
        ("cw_AdaFenix7Watch0000000000000000", "ada", "fenix 7", None),
        ("cw_GraceWearOS000000000000000000", "grace", "pixel watch", None),
        ("cw_LinusOldWatch0000000000000000", "linus", "old watch", at - DAY),
    ]
    for i, (secret, owner, label, revoked_at) in enumerate(keys, start=1):
        store.create_key(ApiKey(f"key_{i}{owner}", secret[:11], hash_key(secret), Scope.WATCH,
                                at - 3 * DAY, users[owner].id, label, None, None, revoked_at))
    alerts = [
        Alert("alt_1", users["ada"].id, "BTC", "usd", Condition.ABOVE, 100_000.0, Channel.EMAIL,
              "ada@example.com", at - 2 * DAY),
        Alert("alt_2", users["grace"].id, "ETH", "usd", Condition.BELOW, 3500.0, Channel.WEBHOOK,
              "https://hooks.example.com/grace", at - 2 * DAY),
        Alert("alt_3", users["linus"].id, "SOL", "usd", Condition.PCT_MOVE, 5.0, Channel.EMAIL,
              "linus@example.com", at - 2 * DAY, repeat=True),
    ]
    for alert in alerts:
        store.create_alert(alert)
    note = Notification("ntf_1", "alt_2", users["grace"].id, Channel.WEBHOOK,
                        "https://hooks.example.com/grace", "ETH below 3,500", "body", at - 600)
    store.trigger_alert(alerts[1], at - 600, note)
    store.fail_notification("ntf_1", "webhook answered 503", at + 300)
    store.cancel_alert("alt_3")
    return users


@contextlib.contextmanager
def seeded_service(settings: Settings, store: Store) -> Iterator[Service]:
    """The API over `store`, seeded with the fixed data, on a free loopback port."""
    at = int(time.time())
    seed_prices(store, at)
    users = seed_people(store, at)
    store.create_key(ApiKey("key_0admin", ADMIN_SECRET[:11], hash_key(ADMIN_SECRET), Scope.ADMIN,
                            at - 7 * DAY, None, "companion", 100_000))
    with serve(create_app(settings, store)) as server:
        yield Service(server.url, ADMIN_SECRET, store, settings, at, users)


@pytest.fixture
def service(settings: Settings, sqlite_store: Store) -> Iterator[Service]:
    with seeded_service(settings, sqlite_store) as running:
        yield running


@dataclass
class Misbehaving:
    """A loopback web server that answers each path with whatever a test sets in `answers`
    (status, body, content type), for failures the real API never produces: a proxy's HTML,
    another web service, a body of the wrong shape. Paths not set answer 404 in HTML."""

    url: str
    answers: dict[str, tuple[int, bytes, str]] = field(default_factory=dict)

    def set(self, path: str, status: int, body: bytes | str, content_type: str = "application/json") -> None:
        self.answers[path] = (status, body.encode() if isinstance(body, str) else body, content_type)

    def app(self, start: str = "prices") -> CompanionApp:
        connection = Connection(self.url, ADMIN_SECRET, "--url", "--key")
        return make_app(connection, start=start, clock=time.time)

    async def answer(self, request: Request) -> Response:
        default = (404, b"<html><body>Not Found</body></html>", "text/html")
        status, body, content_type = self.answers.get(request.url.path, default)
        return Response(body, status_code=status, media_type=content_type)


@pytest.fixture
def misbehaving() -> Iterator[Misbehaving]:
    server = Misbehaving("")
    app = Starlette(routes=[Route("/{path:path}", server.answer)])
    with serve(app) as running:
        server.url = running.url
        yield server


def watch_key_for(service: Service, user: str) -> str:
    """A working watch key of a seeded user, issued directly in the store."""
    issued = issue_key(service.store, Scope.WATCH, service.at, user_id=service.users[user].id)
    return issued.secret


@pytest.fixture(autouse=True)
def no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    """A blinking cursor would make screenshots depend on timing."""
    monkeypatch.setattr(Input, "cursor_blink", False)


def _busy(app: App[Any]) -> list[Worker[Any]]:
    """Workers still running, except those of a screen under the open dialog (an action, or a
    form asking for confirmation), which wait for the dialog to close."""
    dialog = app.screen if isinstance(app.screen, ModalScreen) else None
    return [
        w for w in app.workers
        if w.state in (WorkerState.PENDING, WorkerState.RUNNING)
        and not (dialog is not None and w.node is not dialog and w.node in app.screen_stack)
    ]


async def settle(pilot: Pilot[Any], timeout: float = 10.0) -> None:
    """Wait until every request the app started has finished and the screen is repainted."""
    deadline = time.monotonic() + timeout
    while True:
        await pilot.pause()
        busy = _busy(pilot.app)
        if not busy:
            break
        if time.monotonic() > deadline:
            raise AssertionError(f"still busy after {timeout} s: {busy}")
        await asyncio.sleep(0.02)
    await pilot.pause()


async def settle_for_picture(pilot: Pilot[Any], *keys: str) -> None:
    """Settle, press `keys`, settle again, and show the usual local URL instead of the test
    server's random port, so pictures are the same on every run."""
    await settle(pilot)
    await pilot.press(*keys)
    await settle(pilot)
    pilot.app.sub_title = SHOWN_URL
    await steady_screen(pilot)


def _tables_sized(app: App[Any]) -> bool:
    """A DataTable measures new rows and sizes its columns only when its message queue runs
    dry (on Idle), which a busy machine can put off past a picture. Textual keeps no public
    flag for it, so this reads the two private ones it sets until then."""
    return all(
        not table._require_update_dimensions and not table._updated_cells
        for table in app.screen.query(DataTable)
    )


async def steady_screen(pilot: Pilot[Any], timeout: float = 10.0) -> None:
    """Wait until every table is sized and the screen stops changing."""
    deadline = time.monotonic() + timeout
    picture = None
    while time.monotonic() < deadline:
        await pilot.pause(0.1)
        previous, picture = picture, pilot.app.export_screenshot()
        if picture == previous and _tables_sized(pilot.app):
            return
    raise AssertionError(f"the screen kept changing for {timeout} s")


def column(table: DataTable, index: int) -> list[str]:
    """The cells of one column, top to bottom, as text."""
    return [str(table.get_row_at(i)[index]) for i in range(table.row_count)]


async def type_into(pilot: Pilot[Any], selector: str, text: str) -> None:
    """Focus a field by click and type into it (select-on-focus replaces what was there)."""
    widget = pilot.app.screen.query_one(selector, Input)
    widget.focus()
    widget.value = ""
    await pilot.press(*text)
