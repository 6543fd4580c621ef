"""Prices: the table, the selected symbol's sparkline, and the refresh that runs on its own."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from textual.widgets import DataTable, Label, Sparkline

from companion.screens.prices import PricesScreen
from companion.widgets.health_bar import HealthBar
from companion.widgets.history_panel import HistoryPanel
from shared.models import UpdateError, UpdateStatus
from tests.companion.conftest import BTC_SHAPE, PRICES, SIZE, Service, settle

pytestmark = pytest.mark.anyio


async def test_table_and_the_selected_symbols_history(service: Service) -> None:
    app = service.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#prices", DataTable)
        symbol, price, change, updated = (str(cell) for cell in table.get_row_at(0))
        assert (symbol, price, change, updated) == ("BTC", "97,123.50", "▼-1.23%", "2 min ago")
        assert table.get_row_at(0)[2].style == "red" and table.get_row_at(1)[2].style == "green"
        panel = app.screen.query_one(HistoryPanel)
        assert str(panel.query_one("#history-title", Label).render()) == "BTC · last 24 h"
        assert len(panel.query_one(Sparkline).data or []) == len(BTC_SHAPE)

        await pilot.press("down")
        await settle(pilot)
        assert panel.symbol == "ETH"
        assert "not enough history yet" in str(panel.query_one("#history-summary", Label).render())

        await pilot.press("up", "t")
        await settle(pilot)
        assert str(panel.query_one("#history-title", Label).render()) == "BTC · last 7 d"
        assert panel.hours == 24 * 7


async def test_refreshes_on_its_own_while_shown(service: Service) -> None:
    app = service.app(refresh=0.2)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        health = app.screen.query_one(HealthBar)
        assert health.state == "ok"
        service.store.record_update(
            UpdateStatus(ok=False, source="coingecko", started_at=service.at, finished_at=service.at,
                         symbols_updated=0, error="coingecko: rate limited (HTTP 429) after 4 attempts",
                         error_code=UpdateError.UPSTREAM_RATE_LIMITED)
        )
        for _ in range(50):
            await asyncio.sleep(0.1)
            if "last update failed: upstream_rate_limited" in str(health.render()):
                break
        else:
            raise AssertionError(f"the health bar did not refresh: {health.render()}")
        assert app.screen.query_one("#prices", DataTable).row_count == len(PRICES)


async def test_a_refresh_keeps_the_history_of_the_selected_symbol(service: Service) -> None:
    app = service.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        asked: list[str] = []
        history = app.client.history

        async def counting(symbol: str, **query: int) -> dict[str, Any]:
            asked.append(symbol)
            return await history(symbol, **query)

        app.client.history = counting  # type: ignore[method-assign]
        await pilot.press("down", "down")  # SOL
        await settle(pilot)
        asked.clear()
        await pilot.press("r")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PricesScreen)
        panel = screen.query_one(HistoryPanel)
        assert screen.selected_symbol == "SOL"
        assert panel.symbol == "SOL"
        assert str(panel.query_one("#history-title", Label).render()) == "SOL · last 24 h"
        assert asked == ["SOL"]  # one history request per refresh
