"""Failures a person must understand, shown in place, without the app ever crashing: a wrong
or revoked admin key, a watch key, an unreachable server, the rate limit."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from companion.screens.prices import PricesScreen
from companion.widgets.health_bar import HealthBar
from shared.ids import now
from shared.keyring import issue_key
from shared.models import Scope
from tests.api.conftest import wait_for_fresh_minute
from tests.companion.conftest import SIZE, Service, settle, watch_key_for
from tests.support.server import free_port

pytestmark = pytest.mark.anyio


async def test_wrong_admin_key(service: Service) -> None:
    app = service.app(key="cw_thisKeyWasNeverIssued000000000")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PricesScreen)
        assert screen.query_one(HealthBar).state == "ok"  # /health needs no key
        assert screen.status.text.startswith("Key refused: The server does not know this admin key")
        await pilot.press("2")
        await settle(pilot)
        assert app.screen.status.text.startswith("Key refused:")
        assert app.screen.query_one("#table", DataTable).row_count == 0
        await pilot.press("r")
        await settle(pilot)
        assert app.is_running


async def test_revoked_admin_key(service: Service) -> None:
    issued = issue_key(service.store, Scope.ADMIN, now())
    service.store.revoke_key(issued.record.id, now())
    app = service.app(key=issued.secret, start="users")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "This admin key was revoked" in app.screen.status.text


async def test_watch_key_is_not_enough_for_admin_screens(service: Service) -> None:
    app = service.app(key=watch_key_for(service, "ada"), start="keys")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.status.text == (
            "Not allowed: This is a watch key; the companion needs an admin key."
        )
        await pilot.press("1")
        await settle(pilot)
        assert app.screen.query_one("#prices", DataTable).row_count == 10


async def test_unreachable_server(service: Service) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    app = service.app(url=url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        health = app.screen.query_one(HealthBar)
        assert health.state == "unreachable"
        assert app.screen.status.text.startswith(f"Server unreachable: Cannot reach {url}")
        for key in "2345":
            await pilot.press(key)
            await settle(pilot)
            assert app.screen.status.text.startswith("Server unreachable:")
        assert app.is_running


async def test_rate_limited(service: Service) -> None:
    wait_for_fresh_minute()  # the limit counts per minute: all requests in one window
    issued = issue_key(service.store, Scope.ADMIN, now(), rate_limit=2)
    app = service.app(key=issued.secret, start="users")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for _ in range(3):
            await pilot.press("r")
            await settle(pilot)
        assert app.screen.status.text.startswith("Rate limited: Too many requests with this key; try again in ")
        assert app.screen.query_one("#table", DataTable).row_count == 3  # the last good page stays
