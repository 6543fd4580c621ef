"""Failures a person must understand, shown in place, without the app ever crashing: a wrong
or revoked admin key, a watch key, an unreachable server, the rate limit."""

from __future__ import annotations

import json

import msgspec
import pytest
from textual.widgets import DataTable, Label

from companion.screens.prices import PricesScreen
from companion.widgets.health_bar import HealthBar
from companion.widgets.history_panel import HistoryPanel
from shared.ids import now
from shared.keyring import issue_key
from shared.models import Scope
from shared.shapes.health import Health, UpdateSummary
from tests.companion.conftest import SIZE, Misbehaving, Service, settle, watch_key_for
from tests.support.clock import wait_for_fresh_minute
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


#: A healthy /health body, made from the API's own model.
HEALTHY = msgspec.json.encode(Health(
    status="ok", version="0.1.0", store="ok", prices_age_seconds=0, stale_after_seconds=600,
    last_update=UpdateSummary(ok=True, source="coingecko", finished_at=now(), symbols_updated=1, error=None,
                              last_success_at=now()),
    stream=None,
)).decode()


@pytest.mark.parametrize(
    ("status", "body", "content_type", "message"),
    [
        (500, '{"error": "internal", "message": "database is locked"}', "application/json",
         "Server error: The server failed (500): database is locked"),
        (200, "<html>Sign in to the hotel wifi</html>", "text/html", "Server error: The server answered GET /health"),
        (404, "<html>Not Found</html>", "text/html", "Not found: "),
        (429, "<html>Slow down</html>", "text/html", "Rate limited: "),
        (503, "<html>Service Unavailable</html>", "text/html", "Server error: The server answered GET /health"),
        (503, '{"error": "maintenance", "message": "back soon"}', "application/json",
         "Server error: The server answered GET /health"),
    ],
)
async def test_a_failing_health_check_is_shown_and_the_app_keeps_running(
    misbehaving: Misbehaving, status: int, body: str, content_type: str, message: str
) -> None:
    misbehaving.set("/health", status, body, content_type)
    app = misbehaving.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        health = app.screen.query_one(HealthBar)
        assert health.state == "failed"
        assert app.screen.status.text.startswith(message)
        await pilot.press("r")
        await settle(pilot)
        assert app.is_running
        assert isinstance(app.screen, PricesScreen)


async def test_a_url_that_is_not_a_cryptowatch_server_says_so(misbehaving: Misbehaving) -> None:
    app = misbehaving.app()  # nothing set: every path is the other web service's HTML 404
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "is it a cryptowatch server? Check --url" in app.screen.status.text


async def test_a_malformed_history_is_a_server_error_not_a_crash(misbehaving: Misbehaving) -> None:
    misbehaving.set("/health", 200, HEALTHY)
    misbehaving.set("/v1/prices", 200, '{"c": "usd", "t": 1, "p": {"BTC": [97000.5, -1.2]}}')
    misbehaving.set("/v1/history/BTC", 200, '{"s": "BTC", "p": ["97000", "lots", null]}')
    app = misbehaving.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.query_one(HealthBar).state == "ok"
        assert app.screen.query_one("#prices", DataTable).row_count == 1
        assert app.screen.status.text == (
            "Server error: The server answered GET /v1/history/BTC without a list of prices."
        )
        panel = app.screen.query_one(HistoryPanel)
        assert str(panel.query_one("#history-title", Label).render()) == "BTC · last 24 h"
        await pilot.press("t")
        await settle(pilot)
        assert app.is_running


async def test_an_error_goes_from_the_status_line_once_the_server_recovers(misbehaving: Misbehaving) -> None:
    misbehaving.set("/admin/users", 500, '{"error": "internal", "message": "database is locked"}')
    app = misbehaving.app(start="users")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.status.text == "Server error: The server failed (500): database is locked"
        user = {"id": "usr_1", "email": "ada@example.com", "name": "Ada", "created_at": now()}
        misbehaving.set("/admin/users", 200, json.dumps({"items": [user], "next_cursor": None}))
        await pilot.press("r")
        await settle(pilot)
        assert app.screen.query_one("#table", DataTable).row_count == 1
        assert app.screen.status.text == ""
